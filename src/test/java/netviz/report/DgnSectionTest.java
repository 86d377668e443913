package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.render.Png;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DGN-AM section on the bundled model: it is listed in {@link Sections#all()}, draws the sheet
 * of ten classes with the command that makes it, pixel for pixel, in its caption, and on a model without a bundled
 * generator it says how to make one instead of failing.
 */
public class DgnSectionTest {
    @TempDir
    Path dir;

    @Test
    void bundledModelGetsTheSheetWithItsCommand() throws Exception {
        assertTrue(Sections.all().stream().anyMatch(s -> s instanceof DgnSection));
        Path out = dir.resolve("r");
        Report.Options o = new Report.Options(Path.of("models/fashion-mnist-cnn.onnx"), null, null, null, List.of(), out,
                50, 1);
        Report.generate(o, new PrintWriter(new StringWriter()), List.of(new DgnSection()));
        Document doc = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        Element s = doc.selectFirst("section#dgn");
        Element img = s.selectFirst("figure img");
        Path png = out.resolve(img.attr("src"));
        assertTrue(Files.isRegularFile(png), png.toString());
        assertTrue(Png.read(png).getWidth() > 10 * 100, "ten columns");
        String cmd = s.selectFirst("figcaption code").text();
        assertTrue(cmd.startsWith("netviz dgn --target 0,1,2,3,4,5,6,7,8,9 --iterations 100 --am-iterations 100"), cmd);
        assertEquals(1, s.select("figure").size());
        CaptionCommands.assertReproduces(out, s.selectFirst("figure"), dir.resolve("again"), "dgn.png");
    }

    @Test
    void anotherModelIsToldHowToMakeAGenerator() throws Exception {
        Path model = dir.resolve("copy.onnx");
        Files.copy(Path.of("models/fashion-mnist-cnn.onnx"), model);
        Path out = dir.resolve("r2");
        Report.Options o = new Report.Options(model, null, null, null, List.of(), out, 50, 1);
        Report.generate(o, new PrintWriter(new StringWriter()), List.of(new DgnSection()));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("netviz train-generator --model M --out G.onnx"), html);
    }
}
