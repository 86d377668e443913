package netviz.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files that come with netviz: the demo classifier and the generator trained for it, in the
 * installation folder (system property {@code netviz.home}, else the working directory). Recipes
 * and commands whose defaults depend on the model being the bundled one ask here.
 */
public final class Installation {
    /** The system property naming the installation folder (set by the {@code netviz} launcher). */
    public static final String HOME_PROPERTY = "netviz.home";
    /** The bundled classifier, relative to the installation folder. */
    public static final String MODEL = "models/fashion-mnist-cnn.onnx";
    /** The generator trained for it (DGN-AM), relative to the installation folder. */
    public static final String GENERATOR = "models/fashion-mnist-generator.onnx";

    private Installation() {
    }

    /** The netviz installation folder. */
    public static Path home() {
        String h = System.getProperty(HOME_PROPERTY);
        return (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
    }

    /** Whether {@code model} is the bundled classifier (the same file, by whatever path). */
    public static boolean isModel(Path model) {
        Path bundled = home().resolve(MODEL);
        try {
            return Files.isRegularFile(bundled) && Files.isSameFile(bundled, model);
        } catch (IOException e) {
            return false;
        }
    }
}
