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

/**
 * Beside {@link FigureTesting}: {@code netviz} in this process with any arguments, a report caption's
 * command run again, and a pixel comparison that says where two pictures differ in size.
 */
final class FigureSurfaces {
    static final Path MODEL = FigureTesting.MODEL;

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
        assertArrayEquals(FigureTesting.pixels(want), FigureTesting.pixels(got), what);
    }
}
