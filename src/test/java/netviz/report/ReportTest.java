package netviz.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netviz report} end to end: every section present with real pictures and a reproducing
 * command, nothing that needs the network, the caption commands reproduce the figures, and bad
 * input is one line with exit code 2 and nothing written. Runs on the bundled model when it is
 * there, else on a small Fashion-MNIST-shaped CNN with random weights; dataset-heavy sections use
 * {@code --limit}.
 */
class ReportTest {
    static final Path BUNDLED = Path.of("models/fashion-mnist-cnn.onnx");

    @TempDir
    static Path shared;

    static Path model;
    static Path report;
    static Path userImage;
    static Run result;
    static Document doc;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run netviz(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeReport() throws Exception {
        model = Files.isRegularFile(BUNDLED) ? BUNDLED : writeSmallCnn(shared.resolve("small-cnn.onnx"));
        userImage = shared.resolve("my shirt.png");
        BufferedImage img = new BufferedImage(40, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x > 8 && x < 32 && y > 4) ? 0xd0d0d0 : 0x101010);
            }
        }
        ImageIO.write(img, "png", userImage.toFile());
        report = shared.resolve("out/netviz-report");
        result = netviz("report", "--model", model.toString(), "--out", report.toString(), "--limit", "300",
                "--examples", "3", "--images", userImage.toString());
        assertEquals(0, result.code(), result::toString);
        doc = Jsoup.parse(report.resolve("index.html").toFile(), "UTF-8");
    }

    @Test
    void everySectionIsThereInOrderWithACaptionedCommand() {
        List<String> expected = Sections.all().stream().map(ReportSection::id).toList();
        List<String> found = doc.select("main > section").stream().map(e -> e.id()).toList();
        assertEquals(expected, found);
        for (Element s : doc.select("main > section")) {
            assertFalse(s.select("h2").text().isBlank(), s.id());
            List<Element> captions = s.select("figcaption");
            assertFalse(captions.isEmpty(), "section " + s.id() + " has no caption");
            for (Element c : captions) {
                assertTrue(c.select("code").text().startsWith("netviz "), s.id() + ": " + c);
                assertTrue(c.ownText().length() > 20, "caption says what it shows: " + c);
            }
            if (!s.id().equals("model")) {
                assertFalse(s.select("figure img").isEmpty(), "section " + s.id() + " has no picture");
            }
        }
        // one line per section on the terminal
        for (ReportSection s : Sections.all()) {
            assertTrue(result.err().contains(s.title()), result::toString);
        }
        assertTrue(result.out().contains("index.html"), result::toString);
        // the table of contents links every section
        for (String id : expected) {
            assertEquals(1, doc.select("nav a[href=#" + id + "]").size(), id);
        }
    }

    @Test
    void everyImageIsARealPng() throws Exception {
        List<Element> imgs = doc.select("img");
        assertTrue(imgs.size() >= 15, "images: " + imgs.size());
        for (Element img : imgs) {
            String src = img.attr("src");
            Path f = report.resolve(src).normalize();
            assertTrue(f.startsWith(report), src);
            assertTrue(Files.isRegularFile(f), "missing " + src);
            byte[] head = Arrays.copyOf(Files.readAllBytes(f), 8);
            if (src.startsWith("figures/") || !src.contains("user-")) {
                assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, src);
            }
            BufferedImage b = ImageIO.read(f.toFile());
            assertTrue(b != null && b.getWidth() > 0 && b.getHeight() > 0, src);
            assertTrue(distinctColours(b) > (src.startsWith("figures/") ? 8 : 1), "flat picture " + src);
        }
        // the user's image is among the examples and explained in the per-image figures
        assertTrue(doc.select("ul.examples").text().contains("my shirt.png"), doc.select("ul.examples").text());
        Element saliency = doc.getElementById("saliency");
        assertTrue(saliency.select("figcaption code").text().contains("--image " + report + "/examples"), saliency.text());
    }

    @Test
    void nothingNeedsTheNetwork() throws Exception {
        for (Element e : doc.select("[src], [href]")) {
            for (String a : List.of("src", "href")) {
                String v = e.attr(a).toLowerCase(java.util.Locale.ROOT);
                assertFalse(v.startsWith("http:") || v.startsWith("https:") || v.startsWith("//"), e.toString());
                if (!v.isEmpty() && !v.startsWith("#")) {
                    assertTrue(Files.exists(report.resolve(e.attr(a)).normalize()), "broken link " + e);
                }
            }
        }
        String css = Files.readString(report.resolve("style.css"), StandardCharsets.UTF_8);
        assertFalse(css.contains("http") || css.contains("@import") || css.contains("url("), css);
        assertEquals(1, doc.select("link[rel=stylesheet]").size());
        assertTrue(doc.select("script").isEmpty());
        // no temporary folder left beside the report
        try (Stream<Path> s = Files.list(report.getParent())) {
            assertEquals(List.of(report), s.toList());
        }
    }

    @Test
    void theCaptionCommandReproducesTheFigure() throws Exception {
        for (String id : List.of("saliency", "parameters", "neighbors")) {
            Element fig = doc.getElementById(id).selectFirst("figure:has(img)");
            String src = fig.selectFirst("img").attr("src");
            String cmd = fig.selectFirst("figcaption code").text();
            List<String> args = new ArrayList<>(Arrays.asList(cmd.split(" ")));
            assertEquals("netviz", args.remove(0));
            int out = args.indexOf("--out");
            Path again = shared.resolve("again-" + id + ".png");
            args.set(out + 1, again.toString());
            Run r = netviz(args.toArray(String[]::new));
            assertEquals(0, r.code(), r::toString);
            BufferedImage a = ImageIO.read(report.resolve(src).toFile());
            BufferedImage b = ImageIO.read(again.toFile());
            assertEquals(a.getWidth(), b.getWidth(), id);
            assertEquals(a.getHeight(), b.getHeight(), id);
            assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                    b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), id);
        }
    }

    @Test
    void aMissingModelIsOneLineAndWritesNothing() {
        Path out = shared.resolve("bad1/r");
        Run r = netviz("report", "--model", shared.resolve("nope.onnx").toString(), "--out", out.toString());
        assertBadInput(r, out, "nope.onnx");
    }

    @Test
    void anUnreadableImageIsOneLineAndWritesNothing() throws Exception {
        Path bad = shared.resolve("notes.png");
        Files.writeString(bad, "this is not a picture");
        Path out = shared.resolve("bad2/r");
        Run r = netviz("report", "--model", model.toString(), "--out", out.toString(), "--images", bad.toString());
        assertBadInput(r, out, "notes.png");
        Run missing = netviz("report", "--model", model.toString(), "--out", out.toString(), "--images",
                shared.resolve("gone.jpg").toString());
        assertBadInput(missing, out, "gone.jpg");
    }

    @Test
    void anOutputThatIsAFileOrAForeignFolderIsRefused() throws Exception {
        Path file = shared.resolve("bad3/report.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "keep me");
        Run r = netviz("report", "--model", model.toString(), "--out", file.toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("it is a file"), r::toString);
        assertEquals("keep me", Files.readString(file));
        Path folder = shared.resolve("bad3/photos");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("holiday.txt"), "mine");
        Run f = netviz("report", "--model", model.toString(), "--out", folder.toString());
        assertEquals(2, f.code(), f::toString);
        assertTrue(f.err().contains("holds other files"), f::toString);
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(2, s.count(), "nothing new beside them");
        }
        try (Stream<Path> s = Files.list(folder)) {
            assertEquals(1, s.count());
        }
    }

    private static void assertBadInput(Run r, Path out, String names) {
        assertEquals(2, r.code(), r::toString);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("netviz: error: ") && lines.get(0).contains(names), r::toString);
        assertFalse(Files.exists(out), "nothing written");
        if (Files.exists(out.getParent())) {
            try (Stream<Path> s = Files.list(out.getParent())) {
                assertEquals(0, s.count(), "no temporary folder left");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static int distinctColours(BufferedImage b) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int y = 0; y < b.getHeight(); y += Math.max(1, b.getHeight() / 200)) {
            for (int x = 0; x < b.getWidth(); x += Math.max(1, b.getWidth() / 200)) {
                s.add(b.getRGB(x, y));
                if (s.size() > 50) {
                    return s.size();
                }
            }
        }
        return s.size();
    }

    /** conv(4) relu pool conv(8) relu pool flatten gemm(10) softmax on [N,1,28,28], random weights, Fashion-MNIST metadata. */
    static Path writeSmallCnn(Path file) {
        Random rnd = new Random(7);
        GraphBuilder g = new GraphBuilder("small-cnn", 13);
        String x = g.input("input", -1, 1, 28, 28);
        x = conv(g, rnd, x, "conv1", 4, 1);
        x = g.node("Relu", "relu1", List.of(x));
        x = g.node("MaxPool", "pool1", List.of(x), Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        x = conv(g, rnd, x, "conv2", 8, 4);
        x = g.node("Relu", "relu2", List.of(x));
        x = g.node("MaxPool", "pool2", List.of(x), Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        x = g.node("Flatten", "flatten", List.of(x), Attribute.ofInt("axis", 1));
        String w = g.initializer("fc.weight", Tensor.ofFloats(new long[] {10, 8 * 7 * 7}, random(rnd, 10 * 392, 0.05f)));
        String b = g.initializer("fc.bias", Tensor.ofFloats(new long[] {10}, random(rnd, 10, 0.1f)));
        x = g.node("Gemm", "fc2", List.of(x, w, b), Attribute.ofInt("transB", 1));
        x = g.node("Softmax", "softmax", List.of(x), Attribute.ofInt("axis", 1));
        g.output(new ValueInfo(x, Tensor.ElementType.FLOAT, new long[] {-1, 10}, List.of("N", "")));
        new ModelConfig(Preprocessing.fashionMnist(), netviz.data.Labels.FASHION_MNIST).toMetadata().forEach(g::metadata);
        Graph graph = g.build();
        OnnxWriter.write(graph, file);
        return file;
    }

    private static String conv(GraphBuilder g, Random rnd, String x, String name, int filters, int channels) {
        String w = g.initializer(name + ".weight", Tensor.ofFloats(new long[] {filters, channels, 3, 3},
                random(rnd, filters * channels * 9, 0.4f)));
        String b = g.initializer(name + ".bias", Tensor.ofFloats(new long[] {filters}, random(rnd, filters, 0.05f)));
        return g.node("Conv", name, List.of(x, w, b), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * scale;
        }
        return v;
    }
}
