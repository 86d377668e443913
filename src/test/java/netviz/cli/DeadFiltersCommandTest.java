package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.methods.activations.DeadFilters;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadFiltersCommandTest {
    @TempDir
    Path dir;

    static final int H = 8;

    /**
     * x (N,1,8,8) -> conv1 (6 filters 3x3, pad 1; filter 2 has bias -1000) -> relu1 -> pool (max 2x2)
     * -> conv2 (8 filters 3x3; filters 5 and 6 have bias -1000) -> relu2 -> flatten -> fc (Gemm) -> relu3.
     */
    static Graph model() {
        Random r = new Random(23);
        GraphBuilder g = new GraphBuilder("deadnet", 13);
        String x = g.input("x", -1, 1, H, H);
        float[] w1 = gaussian(r, 6 * 9, 0.6);
        float[] b1 = {0.1f, 0.2f, -1000f, 0f, 0.3f, -0.1f};
        String c1 = g.node("Conv", "conv1", List.of(x, g.initializer("w1", Tensor.ofFloats(new long[] {6, 1, 3, 3}, w1)),
                g.initializer("b1", Tensor.ofFloats(new long[] {6}, b1))), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r1 = g.node("Relu", "relu1", List.of(c1));
        String p1 = g.node("MaxPool", "pool1", List.of(r1), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        float[] b2 = new float[8];
        b2[5] = -1000f;
        b2[6] = -1000f;
        String c2 = g.node("Conv", "conv2", List.of(p1, g.initializer("w2", Tensor.ofFloats(new long[] {8, 6, 3, 3},
                gaussian(r, 8 * 54, 0.4))), g.initializer("b2", Tensor.ofFloats(new long[] {8}, b2))),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String r2 = g.node("Relu", "relu2", List.of(c2));
        String f = g.node("Flatten", "flatten", List.of(r2));
        String fc = g.node("Gemm", "fc", List.of(f, g.initializer("w3", Tensor.ofFloats(new long[] {5, 128},
                gaussian(r, 5 * 128, 0.2)))), Attribute.ofInt("transB", 1));
        g.output(g.node("Relu", "relu3", List.of(fc)));
        return g.build();
    }

    static float[] gaussian(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * s);
        }
        return a;
    }

    Path data(int n) {
        Random r = new Random(9);
        float[] x = new float[n * H * H];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        Path p = dir.resolve("images.npy");
        Npy.write(p, x, n, 1, H, H);
        return p;
    }

    @Test
    void tableJsonAndHistogramsReportExactlyTheDeadFilters() throws Exception {
        Graph graph = model();
        Path m = dir.resolve("deadnet.onnx");
        OnnxWriter.write(graph, m);
        Path d = data(50);
        Path png = Paths.get("target", "render-samples", "cli-dead-filters.png");
        Cli.Result r = Cli.run("dead-filters", "--model", m.toString(), "--data", d.toString(), "--preset", "none",
                "--batch-size", "16", "--out", png.toString(), "--no-progress");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("50 images"), r.out());
        assertTrue(r.out().contains("  relu1: 2\n"), r.out());
        assertTrue(r.out().contains("  relu2: 5, 6\n"), r.out());
        assertTrue(r.out().contains("positions firing min / median / max"), r.out());
        assertTrue(r.out().contains("histograms of the positional firing rates"), r.out());
        assertTrue(Png.read(png).getWidth() > 400);

        Cli.Result j = Cli.run("dead-filters", "--model", m.toString(), "--data", d.toString(), "--preset", "none",
                "--all", "--json", "--out", dir.resolve("h.png").toString());
        assertEquals(0, j.code(), j.toString());
        JsonNode doc = OutputOptions.mapper().readTree(j.out());
        assertEquals(50, doc.get("images").asInt());
        assertEquals(3, doc.get("layers").size(), "--all adds the fully connected relu3");
        JsonNode relu2 = doc.get("layers").get(1);
        assertEquals("relu2", relu2.get("layer").asText());
        assertEquals("[5,6]", relu2.get("deadFilters").toString());
        assertEquals(16, relu2.get("positions").asInt(), "4 x 4 positions per image after the 2 x 2 pool");
        assertEquals("positions", doc.get("histogram").asText());
        assertEquals(0.01, doc.get("nearlyDeadBelow").asDouble());

        // the JSON statistics are the library's, computed on the same images
        float[] all = Npy.read(d).toFloatArray();
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            images.add(Arrays.copyOfRange(all, i * H * H, (i + 1) * H * H));
        }
        try (Interpreter ip = Interpreter.of(graph)) {
            DeadFilters.Report lib = DeadFilters.scan(ip, List.of("relu2"), images.iterator(), new long[] {1, H, H},
                    DeadFilters.Options.defaults(), null);
            for (int c = 0; c < 8; c++) {
                JsonNode s = relu2.get("stats").get(c);
                assertEquals(lib.layers().get(0).mean()[c], s.get("mean").asDouble(), 1e-6);
                assertEquals(lib.layers().get(0).max()[c], s.get("max").asDouble(), 1e-6);
                assertEquals(lib.layers().get(0).firingRate()[c], s.get("firingRate").asDouble(), 0);
                assertEquals(c == 5 || c == 6, s.get("dead").asBoolean());
                double positional = lib.layers().get(0).positionalRate()[c];
                assertEquals(positional, s.get("positionalRate").asDouble(), 0);
                assertEquals(positional > 0 && positional < 0.01, s.get("nearlyDead").asBoolean());
            }
        }
    }

    @Test
    void badRequestsAndEmptyDatasetExitWith2() throws Exception {
        Path m = dir.resolve("deadnet.onnx");
        OnnxWriter.write(model(), m);
        Path d = data(4);
        Cli.Result both = Cli.run("dead-filters", "-m", m.toString(), "--data", d.toString(), "--preset", "none",
                "--all", "--layer", "relu1");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give either --layer or --all, not both"), both.err());
        Cli.Result unknown = Cli.run("dead-filters", "-m", m.toString(), "--data", d.toString(), "--preset", "none",
                "--layer", "relu9", "--out", dir.resolve("x.png").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown layer 'relu9'; did you mean"), unknown.err());
        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, new float[0], 0, 1, H, H);
        Cli.Result none = Cli.run("dead-filters", "-m", m.toString(), "--data", empty.toString(), "--preset", "none",
                "--out", dir.resolve("x.png").toString());
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("has no images"), none.err());
        assertEquals(1, none.err().strip().lines().count());
        assertTrue(!Files.exists(dir.resolve("x.png")));
    }
}
