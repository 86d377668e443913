package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import netviz.cli.Main;

/** Pixel-for-pixel comparison of pictures drawn by different surfaces, and the command line run in-process. */
public final class SamePixels {
    private SamePixels() {
    }

    /** Fails unless {@code a} and {@code b} have the same size and the same RGB value at every pixel. */
    public static void assertSame(BufferedImage a, BufferedImage b, String what) {
        assertEquals(a.getWidth(), b.getWidth(), what + ": width");
        assertEquals(a.getHeight(), b.getHeight(), what + ": height");
        assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), what);
    }

    /** Runs {@code netviz args} in this process; fails with what it printed unless it exits with 0. */
    public static String netviz(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, () -> String.join(" ", args) + "\n--- stdout\n" + out + "--- stderr\n" + err);
        return out.toString();
    }
}
