package netviz.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.cli.Main;
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
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, cmd + ": " + err);
        BufferedImage a = Png.read(report.resolve(figure.selectFirst("img").attr("src")));
        BufferedImage b = Png.read(folder.resolve(written));
        assertEquals(a.getWidth() + "x" + a.getHeight(), b.getWidth() + "x" + b.getHeight(), cmd);
        assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), cmd);
    }
}
