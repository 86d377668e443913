package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardCommandTest {
    @TempDir
    Path dir;

    /** Tensor names with characters that are not file-safe. */
    static Graph awkwardNames() {
        GraphBuilder g = new GraphBuilder("awkward", 13);
        String x = g.input("input:0", -1, 4);
        String b = g.initializer("bias", Tensor.ofFloats(new long[] {4}, 0.5f, -1f, 2f, -3f));
        g.node("Add", "block/add", List.of(x, b), List.of("block/add:0"));
        g.node("Relu", "block/relu", List.of("block/add:0"), List.of("logits"));
        g.output("logits");
        return g.build();
    }

    @Test
    void writesOutputsAndTapsEqualToTheInterpreter() throws Exception {
        Path model = dir.resolve("m.onnx");
        Graph graph = awkwardNames();
        OnnxWriter.write(graph, model);
        float[] xs = {1f, 2f, 3f, 4f, -1f, -2f, -3f, 5f};
        Path x = dir.resolve("x.npy");
        Npy.write(x, xs, 2, 4);
        Path out = dir.resolve("acts");

        Cli.Result r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(),
                "--tap", "block/add", "--out-dir", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("logits.npy")), r.out());
        assertTrue(Files.isRegularFile(out.resolve("block_add_0.npy")), r.out());
        assertTrue(r.out().contains("block/add (block/add:0)  →  " + out.resolve("block_add_0.npy") + "  [2, 4]"), r.out());
        try (Stream s = new Stream(out)) {
            assertEquals(2, s.count(), "only the two .npy files, no temporary files");
        }

        try (Interpreter ip = Interpreter.of(graph); NDManager m = ip.newScope()) {
            NDArray in = m.create(xs, new Shape(2, 4));
            Values v = ip.forward(m, Map.of("input:0", in), List.of("block/add:0"));
            Tensor logits = Npy.read(out.resolve("logits.npy"));
            Tensor add = Npy.read(out.resolve("block_add_0.npy"));
            assertArrayEquals(new long[] {2, 4}, logits.shape());
            assertArrayEquals(v.get("logits").toFloatArray(), logits.toFloatArray(), 0f);
            assertArrayEquals(v.get("block/add:0").toFloatArray(), add.toFloatArray(), 0f);
            // hand check: relu(x + b)
            assertArrayEquals(new float[] {1.5f, 1f, 5f, 1f, 0f, 0f, 0f, 2f}, logits.toFloatArray(), 0f);
        }
    }

    @Test
    void chwInputGetsABatchAxisAndJsonListsTheFiles() throws Exception {
        GraphBuilder g = new GraphBuilder("img", 13);
        String x = g.input("x", -1, 1, 2, 2);
        g.output(g.node("Relu", "relu", List.of(x)));
        Path model = dir.resolve("img.onnx");
        OnnxWriter.write(g.build(), model);
        Path in = dir.resolve("x.npy");
        Npy.write(in, new float[] {-1f, 2f, -3f, 4f}, 1, 2, 2);
        Path out = dir.resolve("o");
        Cli.Result r = Cli.run("forward", "-m", model.toString(), "--input", in.toString(), "-d", out.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        var doc = OutputOptions.mapper().readTree(r.out());
        assertEquals("relu_out", doc.get(0).get("tensor").asText());
        assertEquals("[1,1,2,2]", doc.get(0).get("shape").toString());
        Tensor t = Npy.read(out.resolve("relu_out.npy"));
        assertArrayEquals(new float[] {0f, 2f, 0f, 4f}, t.toFloatArray(), 0f);
    }

    /** Counts the entries of a folder. */
    private static final class Stream implements AutoCloseable {
        private final java.util.stream.Stream<Path> s;

        Stream(Path dir) throws java.io.IOException {
            s = Files.list(dir);
        }

        long count() {
            return s.count();
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
