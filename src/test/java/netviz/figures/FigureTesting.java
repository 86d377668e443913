package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import netviz.render.Figure;
import netviz.render.Png;
import netviz.session.Session;

/** Helpers of the recipe tests: dataset images as files, the CLI in this process, pixel comparisons. */
final class FigureTesting {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    private FigureTesting() {
    }

    /** Dataset images {@code indices} written as PNG files named a.png, b.png, … in {@code dir}. */
    static List<Path> images(Session s, Path dir, int... indices) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < indices.length; i++) {
            files.add(Png.write(s.datasetPicture(indices[i]).picture(), dir.resolve((char) ('a' + i) + ".png")));
        }
        return files;
    }

    /** Runs {@code netviz command --model MODEL args... --out out} in this process and reads the picture. */
    static BufferedImage cli(String command, List<String> args, Path input, Path out) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--model", MODEL.toString(), "--image", input.toString()));
        all.addAll(args);
        all.addAll(List.of("--out", out.toString()));
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all.toArray(String[]::new));
        assertEquals(0, code, all + ": " + err);
        return ImageIO.read(out.toFile());
    }

    static int[] pixels(BufferedImage a) {
        return a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
    }

    /** Whether {@code a} and {@code b} have the same size and pixels. */
    static boolean same(BufferedImage a, BufferedImage b) {
        return a.getWidth() == b.getWidth() && a.getHeight() == b.getHeight()
                && java.util.Arrays.equals(pixels(a), pixels(b));
    }

    /** Whether {@code part} appears, pixel for pixel, somewhere inside {@code whole}. */
    static boolean contains(BufferedImage whole, Figure part) {
        BufferedImage p = part.image();
        int pw = p.getWidth();
        int ph = p.getHeight();
        int[] want = pixels(p);
        int[] have = pixels(whole);
        int w = whole.getWidth();
        for (int oy = 0; oy + ph <= whole.getHeight(); oy++) {
            for (int ox = 0; ox + pw <= w; ox++) {
                if (matches(have, w, ox, oy, want, pw, ph)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(int[] have, int w, int ox, int oy, int[] want, int pw, int ph) {
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                if (have[(oy + y) * w + ox + x] != want[y * pw + x]) {
                    return false;
                }
            }
        }
        return true;
    }
}
