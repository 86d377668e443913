package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.awt.image.BufferedImage;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import netviz.io.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs a hostile (or tired) user feeds netviz. Each one ends in exit code 2 and
 * one line {@code netviz: error: …} (or exit 0 with the right output) within seconds: never an
 * abort of the JVM, a hang, an unbounded read or an internal error.
 */
class HostileInputTest {
    static final Duration LIMIT = Duration.ofSeconds(60);
    static final Path BUNDLED = Path.of(ModelOptions.BUNDLED_MODEL);
    static final Path BF16 = Path.of("src/test/resources/hostile/bfloat16-input.onnx");

    @TempDir
    static Path dir;
    static Path image;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(BUNDLED), "bundled model not present");
        image = dir.resolve("grey.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                img.getRaster().setSample(x, y, 0, (x * 9 + y * 3) % 256);
            }
        }
        ImageIO.write(img, "png", image.toFile());
    }

    static Cli.Result run(String... args) {
        return assertTimeoutPreemptively(LIMIT, () -> Cli.run(args), () -> String.join(" ", args));
    }

    /** Exit 2 and exactly one line on stderr, which contains {@code expected}; nothing on stdout. */
    static Cli.Result assertUserError(String expected, String... args) {
        Cli.Result r = run(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: "), r.toString());
        assertEquals(1, r.err().lines().count(), "one line: " + r);
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in " + r);
        assertEquals("", r.out(), r.toString());
        return r;
    }

    // ---------------------------------------------------------------- 1: element types

    @Test
    void bfloat16InputModelIsSummarisedNotAborted() throws Exception {
        Cli.Result r = run("info", "-m", BF16.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("input     x  BFLOAT16 [1, 1, 8, 8]"), r.out());
        assertTrue(r.out().contains("shapes measured with x [1, 1, 8, 8]"), r.out());
        assertTrue(r.out().contains("conv1_out  [1, 2, 6, 6]"), r.out());
        r = run("info", "-m", BF16.toString(), "--input-shape", "1,1,8,8", "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().replaceAll("\\s+", "").contains("\"outputShapes\":[[1,2,6,6]]"), r.out());

        // fed as float32 by forward: Conv(3x3) of ones, ReLU, global mean = sum of the kernel's positive part
        Path x = dir.resolve("ones8.npy");
        float[] ones = new float[64];
        java.util.Arrays.fill(ones, 1f);
        Npy.write(x, ones, 1, 1, 8, 8);
        Path outDir = dir.resolve("bf16-forward");
        r = run("forward", "-m", BF16.toString(), "--input", x.toString(), "--out-dir", outDir.toString());
        assertEquals(0, r.code(), r.toString());
        float[] y = Npy.read(outDir.resolve("flat_out.npy")).toFloatArray();
        float[] expected = new float[2];
        for (int o = 0; o < 2; o++) {
            float s = 0;
            for (int i = 0; i < 9; i++) {
                s += ((o * 9 + i) % 5 - 2) * 0.25f;
            }
            expected[o] = Math.max(0, s);
        }
        assertEquals(expected[0], y[0], 1e-6f);
        assertEquals(expected[1], y[1], 1e-6f);
    }

    // ---------------------------------------------------------------- 2: unbounded reads

    @Test
    void devicesAndFifosAreNotRead() throws Exception {
        assertUserError("'/dev/zero' is not a regular file", "info", "-m", "/dev/zero");
        assertUserError("'/dev/urandom' is not a regular file", "classify", "-m", "/dev/urandom", "--input", "x.npy");
        Path fifo = dir.resolve("model.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo not available");
        assertUserError("is not a regular file", "info", "-m", fifo.toString());
        assertUserError("is not a regular file", "classify", "--input", fifo.toString());
        assertUserError("is not a regular file", "classify", "--image", fifo.toString());
        assertUserError("is not a regular file", "classify", "--image", image.toString(), "--labels", fifo.toString());
        assertUserError("'/dev/zero' is not a regular file (a device, FIFO or socket); give a label file",
                "classify", "--image", image.toString(), "--labels", "/dev/zero");
    }

    @Test
    void hugeLabelFileIsRefusedBySize() throws Exception {
        Path big = dir.resolve("labels.txt");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((16L << 20) + 1); // sparse: no disk used
        }
        assertUserError("more than the 16 MiB netviz reads", "classify", "--image", image.toString(),
                "--labels", big.toString());
    }

    @Test
    void aMillionPixelWideDeclaredInputIsNotMeasuredUnasked() throws Exception {
        Path wide = widened(1_000_000);
        Cli.Result r = run("info", "-m", wide.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("shapes and multiply-adds not measured: the input shape [1, 1, 28, 1000000] has "
                + "28,000,000 values, more than the 4,194,304"), r.out());
        assertTrue(r.out().contains("parameters     421,642"), r.out());
        assertUserError("more than the 16,777,216 netviz measures shapes with; give a smaller --input-shape",
                "info", "-m", wide.toString(), "--input-shape", "1,1,28,1000000");
        // and the crop advice no longer names a crop beyond the limit
        Cli.Result c = assertUserError("expects 28x1000000 images", "classify", "-m", wide.toString(),
                "--image", image.toString());
        assertFalse(c.err().contains("--crop 1000000"), c.err());
    }

    @Test
    void aHugeFixedBatchIsRefusedNotDividedByZero() throws Exception {
        // found by CliFuzzTest -Dnetviz.fuzz.cases=5000 -Dnetviz.fuzz.seed=2026 (case 3781): exit 1, "/ by zero"
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BUNDLED)).toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).setDimValue(1L << 40);
        Path m = dir.resolve("batch-2e40.onnx");
        Files.write(m, b.build().toByteArray());
        Path x = dir.resolve("one.npy");
        Npy.write(x, new float[784], 1, 1, 28, 28);
        assertUserError("input 'input' fixes its batch at 1099511627776 but is given 1; netviz runs a fixed-batch "
                + "model in passes of its batch, which may be at most 4096", "classify", "-m", m.toString(),
                "--input", x.toString());
    }

    static Path widened(long width) throws Exception {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BUNDLED)).toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(3).setDimValue(width);
        Path p = dir.resolve("wide-" + width + ".onnx");
        Files.write(p, b.build().toByteArray());
        return p;
    }

    @Test
    void aSmallFileCannotAskForAHugeTensor() throws Exception {
        for (String op : List.of("ConstantOfShape", "Expand")) {
            netviz.onnx.GraphBuilder g = new netviz.onnx.GraphBuilder("bomb", 13);
            String x = g.input("x", 1, 1, 1, 1);
            String s = g.initializer("shape", netviz.engine.Tensor.ofLongs(new long[] {4}, 1, 1, 100_000, 100_000));
            String big = op.equals("Expand") ? g.node(op, "big", List.of(x, s)) : g.node(op, "big", List.of(s));
            g.output(g.node("Add", "add", List.of(x, big)));
            Path m = dir.resolve("bomb-" + op + ".onnx");
            netviz.onnx.OnnxWriter.write(g.build(), m);
            Cli.Result r = run("info", "-m", m.toString());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("not measured: node 'big' (" + op + ") failed") && r.out().contains(
                    "would make a tensor of shape [1, 1, 100000, 100000] (1.00e+10 elements); at most 268435456"),
                    r.out());
            Path x4 = dir.resolve("x1.npy");
            Npy.write(x4, new float[1], 1, 1, 1, 1);
            assertUserError("would make a tensor of shape", "forward", "-m", m.toString(), "--input", x4.toString(),
                    "--out-dir", dir.resolve("bomb-out").toString());
        }
    }

    // ---------------------------------------------------------------- 3: exit 1 on user input

    @Test
    void gradCamOnALayerAfterTheScoreIsAUserError() {
        assertUserError("Grad-CAM needs a layer that the class score 'fc2' depends on; 'softmax' comes after the score",
                "grad-cam", "--image", image.toString(), "--layer", "softmax", "--out", dir.resolve("gc.png").toString());
        Cli.Result ok = run("grad-cam", "--image", image.toString(), "--layer", "fc2", "--out",
                dir.resolve("gc2.png").toString());
        assertEquals(2, ok.code(), ok.toString()); // the score itself has no spatial map: the older clear error
        assertTrue(ok.err().contains("needs a layer with a spatial map"), ok.toString());
    }

    @Test
    void extremeAspectRatioIsRefusedBeforeResizing() throws Exception {
        Path strip = dir.resolve("strip.png");
        ImageIO.write(new BufferedImage(2_000_000, 1, BufferedImage.TYPE_BYTE_GRAY), "png", strip.toFile());
        assertUserError("a 2000000x1 image resized so that its shorter side is 28 pixels would be 56000000x28",
                "classify", "--image", strip.toString());
    }

    @Test
    void serveWithAFileAsCacheFailsAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertUserError("--cache '" + file + "' is a file, not a folder", "serve", "--cache", file.toString(),
                "--port", "0");
        assertUserError("cannot make the cache folder", "serve", "--cache", file.resolve("sub").toString(),
                "--port", "0");
    }

    // ---------------------------------------------------------------- 4: unbounded work, conflicts

    @Test
    void countsHaveUpperBounds() {
        String img = image.toString();
        assertUserError("--steps must be between 1 and 10000, not 100000000", "integrated-gradients", "--image", img,
                "--steps", "100000000");
        assertUserError("--smooth must be between 1 and 10000, not 100000000", "saliency", "--image", img,
                "--smooth", "100000000");
        assertUserError("--top must be between 1 and 10000, not 2147483647", "classify", "--image", img,
                "--top", "2147483647");
        assertUserError("--iterations must be between 1 and 100000, not 1000000", "maximize", "--target", "0",
                "--iterations", "1000000");
        assertUserError("--batch must be between 1 and 4096", "occlusion", "--image", img, "--batch", "1000000");
        assertUserError("--epochs must be between 1 and 1000, not 100000", "train", "--epochs", "100000");
        assertUserError("--out 'g.png': netviz writes ONNX models only", "train-generator", "--out", "g.png");
        assertUserError("--tsne-iterations must be between 1 and 100000", "facets", "--target", "Bag",
                "--tsne-iterations", "2000000000");
        assertUserError("--tile must be between 8 and 1024", "neighbors", "--index", "0", "--tile", "100000");
    }

    @Test
    void conflictingOptionsAreErrors() {
        String img = image.toString();
        assertUserError("--top N and --top-share S both choose the top images; give one of them", "facets",
                "--target", "Bag", "--top-share", "0.1", "--top", "50");
        assertUserError("--feature-maps K follows the maps of a layer and needs --layer L", "occlusion", "--image", img,
                "--feature-maps", "3");
        assertUserError("--noise sets SmoothGrad's noise and needs --smooth N", "saliency", "--image", img,
                "--noise", "0.2");
        assertUserError("--seed sets SmoothGrad's noise and needs --smooth N", "guided-backprop", "--image", img,
                "--seed", "3");
    }

    // ---------------------------------------------------------------- 6: messages and docs

    @Test
    void messagesSayWhatIsWrong() {
        String img = image.toString();
        assertUserError("--k must be between 1 and 10000, not 0", "neighbors", "-k", "0", "--index", "0");
        assertUserError("--baseline 1,2 gives 2 values but the input has 1 channel; give one value",
                "integrated-gradients", "--image", img, "--baseline", "1,2");
        assertUserError("--fill 1,2,3 gives 3 values but the input has 1 channel; give one value",
                "occlusion", "--image", img, "--fill", "1,2,3");
        assertUserError("blur sigma", "occlusion", "--image", img, "--fill", "blur:1e300");
        assertUserError("Unknown option: '--modl=x' (did you mean --model?); see 'netviz info --help'", "info",
                "--modl=x");
        assertUserError("--out 'x.jpg': netviz writes PNG pictures only, not JPG; name the file x.png", "saliency",
                "--image", img, "--out", "x.jpg");
        assertUserError("--raw 'r.png': netviz writes NumPy .npy arrays only", "saliency", "--image", img,
                "--raw", "r.png");
    }

    @Test
    void blurFillIsDocumented() {
        Cli.Result r = run("occlusion", "--help");
        assertTrue(r.out().contains("blur:SIGMA"), r.out());
        r = run("integrated-gradients", "--help");
        assertTrue(r.out().contains("blur:SIGMA"), r.out());
    }

    @Test
    void reportHelpNamesEverySection() {
        Cli.Result r = run("report", "--help");
        String help = r.out().replaceAll("\\s+", " ");
        for (String s : List.of("filters", "activations", "dead filters", "occlusion", "saliency",
                "guided backpropagation", "SmoothGrad", "Integrated Gradients", "Grad-CAM", "Grad-CAM++", "Score-CAM",
                "sanity checks", "nearest neighbours",
                "t-SNE", "top images", "activation maximisation", "multifaceted", "DGN-AM")) {
            assertTrue(help.contains(s), s + " missing from: " + help);
        }
        assertEquals(20, netviz.report.Sections.all().size(), "a new report section: name it in report --help");
    }

    @Test
    void presetDoesNotOverrideRecordedPreprocessing() {
        Cli.Result plain = run("classify", "--image", image.toString(), "--json");
        Cli.Result preset = run("classify", "--image", image.toString(), "--json", "--preset", "none");
        assertEquals(0, preset.code(), preset.toString());
        assertEquals(plain.out(), preset.out(), "the model's recorded preprocessing wins over --preset");
        assertTrue(preset.err().startsWith("netviz: warning: the model records its preprocessing"), preset.err());
        assertTrue(preset.err().contains("wins over --preset none"), preset.err());
        assertUserError("unknown preprocessing preset 'bogus'", "classify", "--image", image.toString(),
                "--preset", "bogus");
    }

    @Test
    void outputsHonourTheUmask() throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(probe);
        Path png = dir.resolve("perm/saliency.png");
        Path raw = dir.resolve("perm/saliency.npy");
        Cli.Result r = run("saliency", "--image", image.toString(), "--out", png.toString(), "--raw", raw.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(expected, Files.getPosixFilePermissions(png));
        assertEquals(expected, Files.getPosixFilePermissions(raw));
        Path outDir = dir.resolve("perm/forward");
        r = run("forward", "--image", image.toString(), "--out-dir", outDir.toString());
        assertEquals(0, r.code(), r.toString());
        try (var s = Files.list(outDir)) {
            for (Path p : s.toList()) {
                assertEquals(expected, Files.getPosixFilePermissions(p), p.toString());
            }
        }
    }

    @Test
    void classFoldersMayUseFileSafeClassNames() throws Exception {
        Path data = dir.resolve("folders");
        for (String cls : List.of("T-shirt_top", "Trouser")) {
            Files.createDirectories(data.resolve(cls));
            Files.copy(image, data.resolve(cls).resolve("a.png"));
        }
        Cli.Result r = run("evaluate", "--data", data.toString(), "--json", "--out", dir.resolve("cm.png").toString());
        assertEquals(0, r.code(), r.toString());
        com.fasterxml.jackson.databind.JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertEquals(2, j.get("examples").asInt(), r.out());
    }

    @Test
    void multiInputMessagePromisesNoMissingOption() throws Exception {
        netviz.onnx.GraphBuilder g = new netviz.onnx.GraphBuilder("two", 13);
        String a = g.input("a", 1, 1, 4, 4);
        String b = g.input("b", 1, 1, 4, 4);
        g.output(g.node("Add", "add", List.of(a, b)));
        Path m = dir.resolve("two-inputs.onnx");
        netviz.onnx.OnnxWriter.write(g.build(), m);
        Path x = dir.resolve("x4.npy");
        Npy.write(x, new float[16], 1, 1, 4, 4);
        Cli.Result r = assertUserError("the model has 2 inputs (a, b); netviz explains models with one image input",
                "saliency", "-m", m.toString(), "--input", x.toString());
        assertFalse(r.err().contains("name the one"), r.err());
    }

    // ---------------------------------------------------------------- 5: streaming

    @Test
    void aFolderIsProcessedInChunksWithAPagedSheetAndTheSameResults() throws Exception {
        int n = 2 * AttributionCommand.CHUNK + 7;
        Path folder = dir.resolve("many");
        Files.createDirectories(folder);
        java.util.Random rnd = new java.util.Random(15);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    img.getRaster().setSample(x, y, 0, rnd.nextInt(256));
                }
            }
            ImageIO.write(img, "png", folder.resolve(String.format("img%03d.png", i)).toFile());
        }
        Path out = dir.resolve("many-out/sal.png");
        Path raw = dir.resolve("many-out/sal.npy");
        Cli.Result r = run("saliency", "--image", folder.toString(), "--out", out.toString(), "--raw", raw.toString(),
                "--json");
        assertEquals(0, r.code(), r.toString());
        com.fasterxml.jackson.databind.JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertEquals(n, j.get("images").size());
        assertEquals(n + 3, j.get("out").size(), "one PNG per image and three sheet pages");
        assertTrue(Files.isRegularFile(out));
        assertTrue(Files.isRegularFile(out.resolveSibling("sal-page-2.png")));
        assertTrue(Files.isRegularFile(out.resolveSibling("sal-page-3.png")));
        assertFalse(Files.exists(out.resolveSibling("sal-page-4.png")));
        assertTrue(Files.isRegularFile(out.resolveSibling("sal-img056.png")));
        // a page holds CHUNK rows, the last the rest
        int h1 = ImageIO.read(out.toFile()).getHeight();
        int h3 = ImageIO.read(out.resolveSibling("sal-page-3.png").toFile()).getHeight();
        assertTrue(h1 > 3 * h3, h1 + " vs " + h3);
        netviz.engine.Tensor t = Npy.read(raw);
        assertEquals(List.of((long) n, 28L, 28L), java.util.Arrays.stream(t.shape()).boxed().toList());
        float[] all = t.toFloatArray();
        // each image alone gives the same map as its row of the chunked batch
        for (int i : new int[] {0, AttributionCommand.CHUNK, n - 1}) {
            Path one = dir.resolve("many-out/one-" + i + ".npy");
            Cli.Result r1 = run("saliency", "--image", folder.resolve(String.format("img%03d.png", i)).toString(),
                    "--out", dir.resolve("many-out/one.png").toString(), "--raw", one.toString());
            assertEquals(0, r1.code(), r1.toString());
            float[] single = Npy.read(one).toFloatArray();
            for (int p = 0; p < single.length; p++) {
                assertEquals(single[p], all[i * 784 + p], 1e-4f * Math.max(1, Math.abs(single[p])), "image " + i);
            }
        }
    }
}
