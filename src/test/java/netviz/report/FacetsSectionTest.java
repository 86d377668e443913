package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.engine.Attribute;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facets section under a short {@code --limit}: it asks for as many facets as the scanned
 * images can fill instead of aborting the report, and when the data still cannot supply them it
 * writes a paragraph saying why. The command in its captions draws its figures pixel for pixel.
 */
class FacetsSectionTest {
    @TempDir
    Path dir;
    /** The folder of the last report {@link #section} wrote. */
    Path report;

    @Test
    void planScalesWithTheLimit() {
        assertEquals(new FacetsSection.Plan(4, 0.1), FacetsSection.plan(5000, 10));
        assertEquals(new FacetsSection.Plan(4, 0.1), FacetsSection.plan(2000, 10));
        assertEquals(new FacetsSection.Plan(4, 0.1), FacetsSection.plan(1000, 10));
        assertEquals(new FacetsSection.Plan(3, 0.1), FacetsSection.plan(300, 10));
        // 15 images of the class expected: two facets, keep 20 of 150
        assertEquals(new FacetsSection.Plan(2, 0.14), FacetsSection.plan(150, 10));
        assertEquals(new FacetsSection.Plan(2, 0.2), FacetsSection.plan(100, 10));
        assertNull(FacetsSection.plan(99, 10));
        assertNull(FacetsSection.plan(20, 10));
    }

    private Element section(Path model, int limit, String name) throws Exception {
        Path out = dir.resolve(name);
        report = out;
        Report.Options o = new Report.Options(model, null, null, null, List.of(), out, limit, 1);
        Report.generate(o, new PrintWriter(new StringWriter()), List.of(new FacetsSection()));
        return Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8").selectFirst("section#facets");
    }

    @Test
    void shortLimitStillDrawsTheFacets() throws Exception {
        Element s = section(Path.of("models/fashion-mnist-cnn.onnx"), 150, "r150");
        assertEquals(2, s.select("figure img").size(), s.toString());
        String cmd = s.selectFirst("figcaption code").text();
        assertTrue(cmd.contains("--facets 2 --limit 150 --top-share 0.14"), cmd);
        assertEquals(2, s.select("tbody tr").size(), s.toString());
        // the command shown draws the same pictures: the section chose the data the command uses without --data
        List<Element> figures = s.select("figure:has(img)");
        CaptionCommands.assertReproduces(report, figures.get(0), dir.resolve("again"), "facets.png");
        CaptionCommands.assertReproduces(report, figures.get(1), dir.resolve("again"), "scatter.png");
    }

    @Test
    void tooShortALimitIsAParagraph() throws Exception {
        Element s = section(Path.of("models/fashion-mnist-cnn.onnx"), 50, "r50");
        assertTrue(s.select("figure").isEmpty(), s.toString());
        assertTrue(s.text().contains("Not drawn: the report scans only the first 50 images"), s.text());
        assertTrue(s.text().contains("--limit 100 or more"), s.text());
    }

    @Test
    void aClassNoImageActivatesIsAParagraph() throws Exception {
        // logits: all zero but class 8's, which is -1 for every image: no image activates it
        GraphBuilder g = new GraphBuilder("never-8", 13);
        String x = g.input("input", -1, 1, 28, 28);
        g.node("Flatten", "flatten", List.of(x), List.of("flatten"), Attribute.ofInt("axis", 1));
        g.initializer("w", Tensor.ofFloats(new long[] {10, 784}, new float[7840]));
        float[] b = new float[10];
        b[8] = -1;
        g.initializer("b", Tensor.ofFloats(new long[] {10}, b));
        g.node("Gemm", "fc", List.of("flatten", "w", "b"), List.of("fc"), Attribute.ofInt("transB", 1));
        g.node("Softmax", "softmax", List.of("fc"), List.of("softmax"), Attribute.ofInt("axis", 1));
        g.output(new ValueInfo("softmax", Tensor.ElementType.FLOAT, new long[] {-1, 10}, List.of("N", "")));
        g.metadata("netviz.preprocessing", "{\"preset\":\"fashion-mnist\",\"size\":28,\"crop\":28,\"channels\":1,"
                + "\"mean\":[0.2860406],\"std\":[0.35302424]}");
        Path model = dir.resolve("never-8.onnx");
        OnnxWriter.write(g.build(), model);
        Element s = section(model, 200, "never");
        assertTrue(s.select("figure").isEmpty(), s.toString());
        assertTrue(s.text().contains("Not drawn: 2 facets of fc:8 need at least 10 activating images"), s.text());
        assertTrue(s.text().contains("only 0 of the 200 images scanned activate it"), s.text());
        assertTrue(Files.isRegularFile(dir.resolve("never").resolve("index.html")));
    }
}
