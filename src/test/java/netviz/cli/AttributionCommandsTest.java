package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.methods.attribution.AttributionModels;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GradCamPlusPlus;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.ScoreCam;
import netviz.methods.attribution.Target;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attribution commands end to end: raw results equal the library's, pictures hold real pixels, bad input is one line. */
class AttributionCommandsTest {
    @TempDir
    Path dir;

    Path model;
    Path one;
    Path three;
    Graph graph;
    float[] xs;

    @BeforeEach
    void setUp() throws Exception {
        Graph g = AttributionModels.cnn(61, 2, true);
        graph = new Graph(g.name(), g.nodes(), g.initializers(), g.inputs(), g.outputs(), g.opsets(),
                Map.of("netviz.labels", "[\"alpha\",\"beta\",\"gamma\"]"));
        model = dir.resolve("m.onnx");
        OnnxWriter.write(graph, model);
        xs = AttributionModels.random(new Random(62), 3 * 2 * 64, 1);
        three = dir.resolve("three.npy");
        Npy.write(three, xs, 3, 2, 8, 8);
        one = dir.resolve("one.npy");
        Npy.write(one, java.util.Arrays.copyOf(xs, 128), 2, 8, 8);
    }

    private Cli.Result run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--model=" + model;
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return Cli.run(all);
    }

    private Attributions library(java.util.function.BiFunction<Interpreter, NDArray, Attributions> f, int n) {
        try (Interpreter it = Interpreter.of(graph); NDManager m = it.newScope()) {
            return f.apply(it, m.create(java.util.Arrays.copyOf(xs, n * 128), new Shape(n, 2, 8, 8)));
        }
    }

    private static float[] raw(Path p) {
        return Npy.read(p).toFloatArray();
    }

    /** A written figure: readable, and the heatmap panels hold many colours (not a blank canvas). */
    private static void assertRealPicture(Path png) throws Exception {
        assertTrue(Files.isRegularFile(png), png.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 3 * 224 && img.getHeight() > 224, img.getWidth() + "x" + img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 40, "only " + colours.size() + " colours in " + png);
    }

    @Test
    void saliencyByClassName() throws Exception {
        Path out = dir.resolve("s.png");
        Path r = dir.resolve("s.npy");
        Cli.Result res = run("saliency", "--input", one.toString(), "--target", "Beta", "--out", out.toString(),
                "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().startsWith("saliency of class 1 beta"), res.out());
        assertArrayEquals(new long[] {8, 8}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new Saliency(it).attribute(x, Target.classes(1)), 1).values(), raw(r), 1e-6f);
        assertRealPicture(out);
    }

    @Test
    void labelsFromAFile() throws Exception {
        Path names = dir.resolve("names.txt");
        Files.writeString(names, "cat\ndog\nhot dog\n");
        Cli.Result res = run("saliency", "--input", one.toString(), "--labels", names.toString(), "--target", "hot_dog",
                "--out", dir.resolve("l.png").toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().startsWith("saliency of class 2 hot dog"), res.out());
        Files.writeString(names, "cat\ndog\n");
        Cli.Result bad = run("saliency", "--input", one.toString(), "--labels", names.toString(),
                "--out", dir.resolve("l.png").toString());
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("has 2 class names but the model has"), bad.err());
    }

    @Test
    void batchGivesOneFilePerImageAndAContactSheet() throws Exception {
        Path out = dir.resolve("b.png");
        Path r = dir.resolve("b.npy");
        Cli.Result res = run("saliency", "--input", three.toString(), "--out", out.toString(), "--raw", r.toString(),
                "--smooth", "3", "--noise", "0.1", "--json");
        assertEquals(0, res.code(), res.toString());
        for (int i = 0; i < 3; i++) {
            assertRealPicture(dir.resolve("b-" + i + ".png"));
        }
        BufferedImage sheet = ImageIO.read(out.toFile());
        assertTrue(sheet.getHeight() > 3 * 224, "contact sheet " + sheet.getHeight());
        assertArrayEquals(new long[] {3, 8, 8}, Npy.read(r).shape());
        assertTrue(res.out().contains("\"method\" : \"saliency\""), res.out());
    }

    @Test
    void guidedBackpropOfANeuron() throws Exception {
        Path out = dir.resolve("g.png");
        Path r = dir.resolve("g.npy");
        Cli.Result res = run("guided-backprop", "--input", one.toString(), "--layer", "conv2", "--channel", "1",
                "--out", out.toString(), "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        // the channel peaks at (3, 3) of the 4×4 map; its receptive field: conv2 3×3 over pool cells 2–3
        // (the rest is padding) → input pixels 4–7 → conv1 3×3 → 3–8, clipped to the 8×8 image: 3–7
        assertTrue(res.out().contains("guided backprop of conv2_out channel 1 at 3,3, region [3, 3, 7, 7]"), res.out());
        assertArrayEquals(new long[] {2, 8, 8}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new GuidedBackprop(it).attribute(x, Target.neuron("conv2", 1)), 1).values(),
                raw(r), 1e-6f);
        assertTrue(Files.isRegularFile(out));
        Cli.Result d = run("guided-backprop", "--input", one.toString(), "--rule", "deconvnet", "--target", "0",
                "--out", out.toString());
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().startsWith("deconvnet of class 0 alpha"), d.out());
    }

    @Test
    void occlusionAndFeatureMaps() throws Exception {
        Path out = dir.resolve("o.png");
        Path r = dir.resolve("o.npy");
        Cli.Result res = run("occlusion", "--input", one.toString(), "--window", "3", "--stride", "2", "--fill", "zero",
                "--target", "2", "--out", out.toString(), "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        assertArrayEquals(new long[] {3, 3}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new Occlusion(it, new Occlusion.Options(3, 2, Baseline.zero(), 8))
                .attribute(x, Target.classes(2)), 1).values(), raw(r), 1e-6f);
        assertRealPicture(out);
        Cli.Result f = run("occlusion", "--input", one.toString(), "--window", "4", "--stride", "2", "--layer", "relu1",
                "--feature-maps", "3", "--out", out.toString(), "--raw", r.toString());
        assertEquals(0, f.code(), f.toString());
        assertArrayEquals(new long[] {3, 3, 3}, Npy.read(r).shape());
    }

    @Test
    void integratedGradientsPrintsTheGap() throws Exception {
        Path r = dir.resolve("ig.npy");
        Cli.Result res = run("integrated-gradients", "--input", one.toString(), "--steps", "32", "--target", "1",
                "--out", dir.resolve("ig.png").toString(), "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("completeness gap "), res.out());
        assertArrayEquals(new long[] {2, 8, 8}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new IntegratedGradients(it, IntegratedGradients.Options.defaults()
                .withSteps(32)).attribute(x, Target.classes(1)), 1).values(), raw(r), 1e-6f);
    }

    @Test
    void gradCamAtTheDefaultLayer() throws Exception {
        Path out = dir.resolve("c.png");
        Path r = dir.resolve("c.npy");
        Cli.Result res = run("grad-cam", "--input", one.toString(), "--guided", "--out", out.toString(),
                "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("layer relu2_out"), res.out());
        assertArrayEquals(new long[] {4, 4}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new GradCam(it).attribute(x, Target.predicted()), 1).values(), raw(r), 1e-6f);
        assertRealPicture(out);
    }

    /** Grad-CAM++ and Score-CAM write the library's map for the same layer, class and options. */
    @Test
    void gradCamPlusPlusAndScoreCamWriteTheLibrarysMap() throws Exception {
        Path out = dir.resolve("pp.png");
        Path r = dir.resolve("pp.npy");
        Cli.Result res = run("grad-cam-plus-plus", "--input", three.toString(), "--target", "gamma", "--out",
                out.toString(), "--raw", r.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("image 0: grad-cam++ of class 2 gamma, layer relu2_out, map 4x4"), res.out());
        assertArrayEquals(new long[] {3, 4, 4}, Npy.read(r).shape());
        assertArrayEquals(library((it, x) -> new GradCamPlusPlus(it).attribute(x, Target.classes(2)), 3).values(),
                raw(r), 1e-6f);
        assertRealPicture(out.resolveSibling("pp-0.png"));

        Path sc = dir.resolve("sc.npy");
        res = run("score-cam", "--input", one.toString(), "--layer", "relu1", "--baseline", "0.5", "--batch", "3",
                "--out", dir.resolve("sc.png").toString(), "--raw", sc.toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().startsWith("score-cam of class "), res.out());
        ScoreCam.Options o = ScoreCam.Options.defaults().withBaseline(Baseline.constant(0.5)).withBatch(3);
        assertArrayEquals(library((it, x) -> new ScoreCam(it, "relu1", o).attribute(x, Target.predicted()), 1)
                .values(), raw(sc), 1e-6f);
        assertRealPicture(dir.resolve("sc.png"));
    }

    /** A folder of images: one picture per image, named after it, and a contact sheet. */
    @Test
    void folderOfImages() throws Exception {
        Graph rgb = AttributionModels.cnn(63, 3, true);
        Path m3 = dir.resolve("rgb.onnx");
        OnnxWriter.write(rgb, m3);
        Path folder = Files.createDirectories(dir.resolve("photos"));
        Random r = new Random(64);
        for (String name : new String[] {"cat.png", "dog.png"}) {
            BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 12; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", folder.resolve(name).toFile());
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("cams.png");
        Cli.Result res = Cli.run("grad-cam", "--model", m3.toString(), "--image", folder.toString(),
                "--out", out.toString(), "--raw", dir.resolve("cams.npy").toString());
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("cat.png: grad-cam of class "), res.out());
        assertTrue(res.out().contains("dog.png: grad-cam of class "), res.out());
        assertRealPicture(dir.resolve("cams-cat.png"));
        assertRealPicture(dir.resolve("cams-dog.png"));
        assertTrue(ImageIO.read(out.toFile()).getHeight() > 2 * 224);
        assertArrayEquals(new long[] {2, 4, 4}, Npy.read(dir.resolve("cams.npy")).shape());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Result e = Cli.run("grad-cam", "--model", m3.toString(), "--image", empty.toString(), "--out", out.toString());
        assertEquals(2, e.code(), e.toString());
        assertEquals("netviz: error: folder '" + empty + "' holds no images (png, jpg, jpeg, bmp, gif)", e.err().strip());
    }

    /** Bad input: one line naming the problem, exit code 2, nothing written. */
    @Test
    void badInputIsOneClearLine() {
        Path out = dir.resolve("never.png");
        String[][] cases = {
            {"saliency", "--target", "gama"},
            {"saliency", "--target", "3"},
            {"occlusion", "--window", "9"},
            {"occlusion", "--stride", "0"},
            {"grad-cam", "--layer", "flatten"},
            {"grad-cam", "--layer", "flaten"},
            {"guided-backprop", "--layer", "conv2", "--channel", "6"},
            {"grad-cam-plus-plus", "--layer", "flatten"},
            {"grad-cam-plus-plus", "--guided"},
            {"score-cam", "--layer", "flaten"},
            {"score-cam", "--batch", "0"},
            {"score-cam", "--baseline", "gray"},
            {"score-cam", "--target", "gama"},
        };
        String[] expected = {
            "netviz: error: unknown class 'gama'; did you mean: gamma",
            "netviz: error: target class 3 is out of range: the model has 3 classes (0 to 2)",
            "netviz: error: occlusion window 9 is larger than the image (8x8); use a window of at most 8",
            "netviz: error: occlusion stride 0 must be at least 1 pixel",
            "netviz: error: Grad-CAM needs a layer with a spatial map (N, C, H, W), but 'flatten_out' has shape [1, 96]; "
                    + "choose a convolutional layer",
            "netviz: error: unknown layer 'flaten'; did you mean: flatten",
            "netviz: error: channel 6 is out of range: layer 'conv2' has 6 channels (0 to 5)",
            "netviz: error: Grad-CAM++ needs a layer with a spatial map (N, C, H, W), but 'flatten_out' has shape "
                    + "[1, 96]; choose a convolutional layer",
            "netviz: error: Unknown option: '--guided'",
            "netviz: error: unknown layer 'flaten'; did you mean: flatten",
            "netviz: error: --batch must be between 1 and 4096, not 0",
            "netviz: error: --baseline gray: fill 'gray' is not one of",
            "netviz: error: unknown class 'gama'; did you mean: gamma",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 4];
            System.arraycopy(cases[i], 0, args, 0, cases[i].length);
            args[cases[i].length] = "--input";
            args[cases[i].length + 1] = one.toString();
            args[cases[i].length + 2] = "--out";
            args[cases[i].length + 3] = out.toString();
            Cli.Result res = run(args);
            assertEquals(2, res.code(), res.toString());
            assertEquals(1, res.err().lines().count(), res.toString());
            assertTrue(res.err().startsWith(expected[i]), res.err() + " vs " + expected[i]);
            assertFalse(Files.exists(out));
        }
    }
}
