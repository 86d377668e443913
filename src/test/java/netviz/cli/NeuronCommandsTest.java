package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeuronCommandsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path data;

    static float[] random(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * s);
        }
        return a;
    }

    @BeforeAll
    static void setUp() throws Exception {
        Random r = new Random(5);
        GraphBuilder g = new GraphBuilder("tiny", 13);
        String x = g.input("input", -1, 1, 16, 16);
        String c1 = g.node("Conv", "conv1", List.of(x, g.initializer("w1", Tensor.ofFloats(new long[] {4, 1, 3, 3},
                random(r, 36, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r1 = g.node("Relu", "relu1", List.of(c1));
        String p1 = g.node("MaxPool", "pool1", List.of(r1), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String f = g.node("Flatten", "flatten", List.of(p1));
        String fc = g.node("Gemm", "fc2", List.of(f, g.initializer("w2", Tensor.ofFloats(new long[] {3, 256},
                random(r, 768, 0.1)))), Attribute.ofInt("transB", 1));
        g.output(g.node("Softmax", "softmax", List.of(fc)));
        g.metadata("netviz.preprocessing", "{\"preset\":\"none\",\"size\":0,\"crop\":0,\"channels\":1,\"mean\":[0.5],\"std\":[0.25]}");
        Graph graph = g.build();
        model = dir.resolve("tiny.onnx");
        OnnxWriter.write(graph, model);
        float[] imgs = random(r, 40 * 256, 0.3);
        for (int i = 0; i < imgs.length; i++) {
            imgs[i] = Math.max(0, Math.min(1, imgs[i] + 0.5f));
        }
        data = dir.resolve("images.npy");
        Npy.write(data, imgs, 40, 1, 16, 16);
    }

    @Test
    void receptiveFieldTableAndUnitBox() {
        Cli.Result r = Cli.run("receptive-field", "--model", model.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("conv1") && r.out().matches("(?s).*pool1\\s+pool1_out\\s+\\[1,4,8,8]\\s+4x4\\s+2,2\\s+-1,-1.*"),
                r.out());
        assertTrue(r.out().contains("whole image"), r.out());
        Cli.Result u = Cli.run("receptive-field", "--model", model.toString(), "--layer", "pool1", "--position", "0,3");
        assertEquals(0, u.code(), u.toString());
        assertTrue(u.out().contains("rows 0..2, columns 5..8"), u.out());
    }

    @Test
    void topImagesWritesASheetPerChannel() {
        Path out = dir.resolve("top.png");
        Cli.Result r = Cli.run("top-images", "--model", model.toString(), "--data", data.toString(), "--layer", "relu1",
                "--all-channels", "--k", "4", "--guided", "--out", out.toString(), "--no-progress");
        assertEquals(0, r.code(), r.toString());
        for (int c = 0; c < 4; c++) {
            Path p = dir.resolve("top-c" + c + ".png");
            assertTrue(Files.exists(p), p.toString());
            assertTrue(Png.read(p).getWidth() > 4 * 100);
        }
        assertEquals(4, r.out().lines().filter(l -> l.contains("channel")).count(), r.out());
    }

    @Test
    void maximizeClassesGivesConfidentImagesAndRawTensor() throws Exception {
        Path out = dir.resolve("max.png");
        Path raw = dir.resolve("max.npy");
        Cli.Result r = Cli.run("maximize", "--model", model.toString(), "--target", "0,2", "--preset", "simonyan",
                "--iterations", "60", "--init", "noise", "--out", out.toString(), "--raw", raw.toString(), "--no-progress");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.exists(out));
        assertEquals(List.of(2L, 1L, 16L, 16L), java.util.Arrays.stream(Npy.read(raw).shape()).boxed().toList());
        Matcher m = Pattern.compile("p = ([0-9.]+)").matcher(r.out());
        int found = 0;
        while (m.find()) {
            assertTrue(Double.parseDouble(m.group(1)) > 0.9, r.out());
            found++;
        }
        assertEquals(2, found, r.out());
        Cli.Result f = Cli.run("maximize", "--model", model.toString(), "--layer", "conv1", "--channel", "1",
                "--param", "fft", "--jitter", "1", "--rotate", "-5,0,5", "--diversity", "2", "--iterations", "20",
                "--out", dir.resolve("fft.png").toString(), "--no-progress");
        assertEquals(0, f.code(), f.toString());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String mdl = model.toString();
        String[][] cases = {
            {"maximize", "--model", mdl, "--layer", "conv1", "--channel", "9"},
            {"maximize", "--model", mdl, "--layer", "fc2", "--channel", "0", "--position", "1,1"},
            {"maximize", "--model", mdl, "--target", "0", "--iterations", "0"},
            {"maximize", "--model", mdl, "--target", "0", "--norm-percentile", "100"},
            {"maximize", "--model", mdl, "--target", "0", "--contribution-percentile", "-3"},
            {"maximize", "--model", mdl, "--target", "7"},
            {"top-images", "--model", mdl, "--data", data.toString(), "--layer", "conv1", "--channel", "4"},
            {"top-images", "--model", mdl, "--data", data.toString(), "--layer", "conv1", "--channel", "0", "--k", "0"},
            {"receptive-field", "--model", mdl, "--layer", "conv1", "--position", "16,0"},
            {"receptive-field", "--model", mdl, "--layer", "fc2", "--position", "0,0"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run(c);
            assertEquals(2, r.code(), String.join(" ", c) + "\n" + r);
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", c) + "\n" + r);
        }
    }
}
