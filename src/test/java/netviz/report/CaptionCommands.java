package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.figures.SamePixels;
import netviz.render.Png;
import org.jsoup.nodes.Element;

/** Runs the command a figure's caption shows and compares what it writes with the report's picture. */
final class CaptionCommands {
    private CaptionCommands() {
    }

    /**
     * Runs the "Reproduce" command of {@code figure} (a {@code <figure>} of the page in {@code report})
     * with its {@code --out} folder replaced by {@code folder}, and fails unless the file
     * {@code written} it makes there has the figure's pixels.
     */
    static void assertReproduces(Path report, Element figure, Path folder, String written) {
        String cmd = figure.selectFirst("figcaption code").text();
        List<String> args = new ArrayList<>(Arrays.asList(cmd.split(" ")));
        assertEquals("netviz", args.remove(0), cmd);
        args.set(args.indexOf("--out") + 1, folder.toString());
        args.add("--no-progress");
        SamePixels.netviz(args.toArray(String[]::new));
        SamePixels.assertSame(Png.read(report.resolve(figure.selectFirst("img").attr("src"))),
                Png.read(folder.resolve(written)), cmd);
    }
}
