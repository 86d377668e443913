package netviz.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution sections draw through their recipes, and the command in each caption writes the
 * same picture, pixel for pixel, when a reader runs it.
 */
class AttributionSectionTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    @TempDir
    Path dir;

    @Test
    void everyCaptionCommandReproducesItsFigure() throws Exception {
        Path out = dir.resolve("r");
        Report.Options o = new Report.Options(MODEL, MODEL.toString(), null, null, List.of(), out, 50, 2);
        List<ReportSection> sections = List.of(AttributionSection.occlusion(), AttributionSection.saliency(),
                AttributionSection.guidedBackprop(), AttributionSection.smoothGrad(),
                AttributionSection.integratedGradients(), AttributionSection.gradCam(),
                AttributionSection.gradCamPlusPlus(), AttributionSection.scoreCam());
        StringWriter log = new StringWriter();
        Report.Result r = Report.generate(o, new PrintWriter(log), sections);
        assertTrue(r.failed().isEmpty(), log::toString);
        Document doc = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        for (ReportSection s : sections) {
            Element fig = doc.getElementById(s.id()).selectFirst("figure:has(img)");
            String cmd = fig.selectFirst("figcaption code").text();
            List<String> args = new ArrayList<>(Arrays.asList(cmd.split(" ")));
            assertEquals("netviz", args.remove(0));
            int at = args.indexOf("--out");
            Path again = dir.resolve("again-" + s.id() + ".png");
            args.set(at + 1, again.toString());
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
            assertEquals(0, code, cmd + ": " + err);
            BufferedImage a = ImageIO.read(out.resolve(fig.selectFirst("img").attr("src")).toFile());
            BufferedImage b = ImageIO.read(again.toFile());
            assertEquals(a.getWidth(), b.getWidth(), cmd);
            assertEquals(a.getHeight(), b.getHeight(), cmd);
            assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                    b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), cmd);
        }
        assertTrue(doc.getElementById("smoothgrad").selectFirst("figcaption code").text().contains("--smooth 50"));
        assertTrue(doc.getElementById("grad-cam").selectFirst("figcaption code").text().contains("--guided"));
        assertTrue(doc.getElementById("score-cam").selectFirst("figcaption code").text().startsWith("netviz score-cam "));
    }
}
