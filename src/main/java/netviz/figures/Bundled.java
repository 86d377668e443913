package netviz.figures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files that come with netviz: the demo classifier and the generator trained for it, in the
 * installation folder (system property {@code netviz.home}, else the working directory). Recipes
 * whose defaults depend on the model being the bundled one ask here.
 */
final class Bundled {
    /** The bundled classifier, relative to the installation folder. */
    static final String MODEL = "models/fashion-mnist-cnn.onnx";
    /** The generator trained for it (DGN-AM), relative to the installation folder. */
    static final String GENERATOR = "models/fashion-mnist-generator.onnx";

    private Bundled() {
    }

    /** The netviz installation folder. */
    static Path home() {
        String h = System.getProperty("netviz.home");
        return (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
    }

    /** Whether {@code model} is the bundled classifier (the same file, by whatever path). */
    static boolean isModel(Path model) {
        Path bundled = home().resolve(MODEL);
        try {
            return Files.isRegularFile(bundled) && Files.isSameFile(bundled, model);
        } catch (IOException e) {
            return false;
        }
    }
}
