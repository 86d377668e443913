package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.cli.Main;
import netviz.render.Png;

/** What the figure tests share: running {@code netviz} in-process and comparing pictures pixel by pixel. */
final class FigureSurfaces {
    /** The bundled demo model. */
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    private FigureSurfaces() {
    }

    /** Runs {@code netviz args…} in this process; fails the test (with what it printed) unless it exits 0. */
    static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, () -> String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }

    /** Runs a report caption's command ("netviz …") with its {@code --out} replaced by {@code png}; returns the PNG. */
    static BufferedImage rerun(List<String> command, Path png) {
        List<String> args = new ArrayList<>(command);
        assertEquals("netviz", args.remove(0));
        args.set(args.indexOf("--out") + 1, png.toString());
        cli(args.toArray(String[]::new));
        return Png.read(png);
    }

    /** Asserts that two pictures have the same size and the same RGB value at every pixel. */
    static void assertSamePixels(BufferedImage want, BufferedImage got, String what) {
        assertEquals(want.getWidth(), got.getWidth(), what + ": width");
        assertEquals(want.getHeight(), got.getHeight(), what + ": height");
        assertArrayEquals(want.getRGB(0, 0, want.getWidth(), want.getHeight(), null, 0, want.getWidth()),
                got.getRGB(0, 0, got.getWidth(), got.getHeight(), null, 0, got.getWidth()), what);
    }
}
