package netviz.render;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where rendering tests leave their pictures for a human to look at (target/render-samples). */
final class RenderSamples {
    private RenderSamples() {
    }

    static Path path(String name) {
        return Paths.get("target", "render-samples", name);
    }
}
