package netviz.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.InputFormatException;
import netviz.ShapeMismatchException;
import netviz.UnsupportedOperatorException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import netviz.session.Session;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OrtForward} answers as the libtorch interpreter does (the oracle; error measure
 * {@link Ort#relError}, at most 1e-5): graph outputs and taps of intermediate tensors (by tensor
 * name, node name and node index, each returned under both names), among them a Conv output that
 * ONNX Runtime would otherwise fuse with the BatchNormalization after it; {@code tensors} returns the
 * taps only; a model that fixes its batch at 1 runs a batch of 7; a float64 model (oracle: the
 * interpreter in float64; ONNX Runtime computes in float64 and answers float32); more tap sets
 * than sessions kept. A {@link Session} picks ONNX Runtime by default, the interpreter with runtime
 * "torch", and falls back to the interpreter with exactly one warning line when ONNX Runtime refuses
 * the model.
 */
class OrtForwardTest {
    static final double TOLERANCE = 1e-5;

    static NDArray random(NDManager m, long... shape) {
        return m.create(Ort.randomInput(shape, 5), new Shape(shape));
    }

    static void near(NDArray ort, NDArray torch, String what) {
        assertArrayEquals(torch.getShape().getShape(), ort.getShape().getShape(), what + ": shape");
        double e = Ort.relError(ort.toFloatArray(), torch.toFloatArray());
        assertTrue(e <= TOLERANCE, what + ": relative error " + e);
    }

    /** The output of the first Conv whose only reader is a BatchNormalization. */
    static String convBeforeBn(Graph g) {
        for (Node n : g.nodes()) {
            if (n.opType().equals("BatchNormalization") && g.producer(n.input(0)) != null
                    && g.producer(n.input(0)).opType().equals("Conv")) {
                return n.input(0);
            }
        }
        throw new AssertionError("no Conv→BatchNormalization in " + g.name());
    }

    @Test
    void outputsAndTapsMatchTheInterpreterUnderBothNames() {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, -1);
        Graph g = z.graph();
        String conv = convBeforeBn(g);
        String probe = z.probes().get(2);
        String nodeName = g.producer(probe).name();
        int index = g.producerIndex(z.logits());
        List<String> taps = List.of(conv, nodeName, Integer.toString(index));
        try (Interpreter torch = Interpreter.of(g); OrtForward ort = OrtForward.of(g);
             NDManager m = ort.newScope()) {
            assertEquals("ort", ort.runtime());
            NDArray x = random(m, 3, 3, 32, 32);
            Values a = ort.forward(m, java.util.Map.of(ort.inputName(), x), taps);
            Values b = torch.forward(m, java.util.Map.of(torch.inputName(), x), taps);
            for (String t : List.of(z.logits(), conv, probe, nodeName, Integer.toString(index))) {
                assertTrue(a.has(t), t + " in " + a.names());
                near(a.get(t), b.get(t), t);
            }
            // the Conv's own output, not the Conv+BatchNormalization fusion: it differs from the BN output
            String bnOut = g.nodes().stream().filter(n -> n.inputs().contains(conv)).findFirst().orElseThrow()
                    .outputs().get(0);
            NDArray bn = torch.tensors(m, java.util.Map.of(torch.inputName(), x), List.of(bnOut)).get(bnOut);
            assertTrue(Ort.relError(a.get(conv).toFloatArray(), bn.toFloatArray()) > 1e-2);
            Values only = ort.tensors(m, java.util.Map.of(ort.inputName(), x), List.of(probe));
            assertEquals(List.of(probe), List.copyOf(only.names()));
            near(only.get(probe), b.get(probe), "tensors " + probe);
            // the input itself and a parameter, as the interpreter returns them
            String w = g.nodes().get(0).input(1);
            Values direct = ort.tensors(m, java.util.Map.of(ort.inputName(), x), List.of(ort.inputName(), w));
            near(direct.get(ort.inputName()), x, "input");
            near(direct.get(w), torch.parameter(w), "parameter");
        }
    }

    /** {@code free} with its input's batch fixed at 1, as PyTorch exports by default. */
    static Graph batchOne(Graph free) {
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo v : free.inputs()) {
            long[] d = v.dims().clone();
            d[0] = 1;
            inputs.add(new ValueInfo(v.name(), v.type(), d, List.of("", "", "", "")));
        }
        return new Graph(free.name(), free.nodes(), free.initializers(), inputs, free.outputs(), free.opsets(),
                free.metadata());
    }

    @Test
    void aModelWithBatchOneFixedRunsABatchOfSeven() {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, -1);
        Graph free = z.graph();
        Graph fixed = batchOne(free);
        String probe = z.probes().get(3);
        try (Interpreter torch = Interpreter.of(free); OrtForward ort = OrtForward.of(fixed);
             NDManager m = ort.newScope()) {
            assertEquals(1, ort.fixedBatch());
            NDArray x = random(m, 7, 3, 32, 32);
            Values a = ort.forward(m, x, probe);
            Values b = torch.forward(m, x, probe);
            near(a.get(z.logits()), b.get(z.logits()), "logits of 7 images in passes of 1");
            near(a.get(probe), b.get(probe), probe + " of 7 images in passes of 1");
            assertEquals(7, a.get(probe).getShape().get(0));
            assertThrows(ShapeMismatchException.class, () -> ort.forward(m, random(m, 7, 3, 30, 32)));
        }
    }

    /**
     * A batch given as Java data answers as the same batch given as an array, on both runtimes, for a
     * free batch, a model that fixes batch 1 (run in passes), a float64 model (through an array) and a
     * tap that names the input; the caller's data is left as it was.
     */
    @Test
    void aBatchGivenAsJavaDataAnswersAsTheSameArray() {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, -1);
        Graph free = z.graph();
        Graph fixed = batchOne(free);
        String probe = z.probes().get(3);
        long[] shape = {5, 3, 32, 32};
        float[] data = Ort.randomInput(shape, 11);
        float[] kept = data.clone();
        try (Interpreter torch = Interpreter.of(free); OrtForward ort = OrtForward.of(free);
             OrtForward ortFixed = OrtForward.of(fixed); NDManager m = ort.newScope()) {
            NDArray x = m.create(data, new Shape(shape));
            NDArray want = torch.tensors(m, Map.of(torch.inputName(), x), List.of(probe)).get(probe);
            for (netviz.engine.Forward f : List.<netviz.engine.Forward>of(ort, ortFixed, torch)) {
                Values a = f.tensors(m, f.inputName(), data, shape, List.of(probe, z.logits()));
                near(a.get(probe), want, f.runtime() + " (fixed batch " + f.fixedBatch() + "): " + probe);
                assertEquals(List.of(probe, z.logits()), List.copyOf(a.names()));
            }
            Values in = ort.tensors(m, ort.inputName(), data, shape, List.of(ort.inputName()));
            assertArrayEquals(data, in.get(ort.inputName()).toFloatArray());
            assertThrows(ShapeMismatchException.class, () -> ort.tensors(m, ort.inputName(), data,
                    new long[] {5, 3, 16, 64}, List.of(probe)));
            assertArrayEquals(kept, data);
        }
        Graph g = float64Model();
        try (Interpreter torch = Interpreter.of(g, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
             OrtForward ort = OrtForward.of(g); NDManager m = ort.newScope()) {
            float[] d = Ort.randomInput(new long[] {3, 4}, 2);
            NDArray a = ort.tensors(m, "x", d, new long[] {3, 4}, List.of("fc")).get("fc");
            NDArray b = torch.tensors(m, Map.of("x", m.create(d, new Shape(3, 4)).toType(DataType.FLOAT64, false)),
                    List.of("fc")).get("fc");
            near(a, b.toType(DataType.FLOAT32, false), "float64 model fed Java floats");
        }
    }

    /** x (N, 4) float64 → Gemm (3 outputs) → Relu, all in float64. */
    static Graph float64Model() {
        GraphBuilder b = new GraphBuilder("f64", 13);
        String x = b.input("x", Tensor.ElementType.DOUBLE, -1, 4);
        double[] w = new double[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sin(i + 1.0);
        }
        b.initializer("w", Tensor.ofDoubles(new long[] {4, 3}, w));
        b.initializer("c", Tensor.ofDoubles(new long[] {3}, 0.1, -0.2, 0.3));
        String y = b.node("Gemm", "fc", List.of(x, "w", "c"));
        b.output(new ValueInfo(b.node("Relu", "relu", List.of(y)), Tensor.ElementType.DOUBLE, null, List.of()));
        return b.build();
    }

    @Test
    void aFloat64ModelAnswersInFloat32() {
        Graph g = float64Model();
        try (Interpreter torch = Interpreter.of(g, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
             OrtForward ort = OrtForward.of(g); NDManager m = ort.newScope()) {
            NDArray x = random(m, 5, 4);
            Values a = ort.forward(m, x, "fc");
            Values b = torch.forward(m, x, "fc");
            assertEquals(DataType.FLOAT32, a.get("relu_out").getDataType());
            near(a.get("relu_out"), b.get("relu_out").toType(DataType.FLOAT32, false), "float64 output");
            near(a.get("fc"), b.get("fc").toType(DataType.FLOAT32, false), "float64 tap");
        }
    }

    @Test
    void moreTapSetsThanSessionsKeptStayCorrect() {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, -1);
        Graph g = z.graph();
        try (Interpreter torch = Interpreter.of(g); OrtForward ort = OrtForward.of(g); NDManager m = ort.newScope()) {
            NDArray x = random(m, 2, 3, 32, 32);
            int n = g.nodes().size();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < OrtForward.MAX_SESSIONS + 3; i++) {
                    String tap = Integer.toString(i * (n - 1) / (OrtForward.MAX_SESSIONS + 2));
                    near(ort.tensors(m, Map.of(ort.inputName(), x), List.of(tap)).get(tap),
                            torch.tensors(m, Map.of(torch.inputName(), x), List.of(tap)).get(tap), "node " + tap);
                    assertTrue(ort.openSessions() <= OrtForward.MAX_SESSIONS);
                }
            }
        }
    }

    /** x (N, 4) → Relu, whose declared output type (float64) is not what Relu gives: ONNX Runtime refuses it. */
    static Graph mistypedModel() {
        GraphBuilder b = new GraphBuilder("mistyped", 13);
        String x = b.input("x", -1, 4);
        b.output(new ValueInfo(b.node("Relu", "relu", List.of(x)), Tensor.ElementType.DOUBLE, null, List.of()));
        return b.build();
    }

    @Test
    void aModelOnnxRuntimeRefusesRunsOnTheInterpreterAfterOneWarning(@TempDir Path dir) {
        Graph g = mistypedModel();
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> OrtForward.of(g));
        assertTrue(e.getMessage().startsWith("ONNX Runtime cannot run this model ("), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        Path file = dir.resolve("mistyped.onnx");
        OnnxWriter.write(g, file);
        List<String> warnings = new ArrayList<>();
        try (Session s = Session.builder(file).warnings(warnings::add).build()) {
            assertEquals("torch", s.forward().runtime());
            assertSame(s.forward(), s.forward());
            // the warning comes with the first forward pass that the interpreter could run
            assertEquals(List.of(), warnings);
            for (int pass = 0; pass < 2; pass++) {
                try (NDManager m = s.forward().newScope()) {
                    NDArray y = s.forward().forward(m, m.create(new float[] {-1, 2, -3, 4}, new Shape(1, 4)))
                            .get("relu_out");
                    assertArrayEquals(new float[] {0, 2, 0, 4}, y.toFloatArray());
                }
            }
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("ONNX Runtime cannot run this model ("), warnings.get(0));
            assertFalse(warnings.get(0).contains("Error code"), warnings.get(0));
            assertTrue(warnings.get(0).endsWith("; forward passes run on the libtorch interpreter"), warnings.get(0));
        }
    }

    @Test
    void aSessionRunsOnnxRuntimeByDefaultAndTheInterpreterOnRequest() {
        Path model = Path.of("models/fashion-mnist-cnn.onnx");
        List<String> warnings = new ArrayList<>();
        try (Session ort = Session.builder(model).warnings(warnings::add).build();
             Session torch = Session.builder(model).runtime("torch").build()) {
            assertEquals("ort", ort.forward().runtime());
            assertEquals("torch", torch.forward().runtime());
            assertSame(torch.interpreter(), torch.forward());
            assertEquals(List.of(), warnings);
        }
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> Session.builder(model).runtime("tensorrt"));
        assertTrue(e.getMessage().contains("'tensorrt'") && e.getMessage().contains("ort")
                && e.getMessage().contains("torch"), e.getMessage());
    }

    @Test
    void closedForwardRefusesCalls() {
        OrtForward ort = OrtForward.of(float64Model());
        ort.close();
        ort.close();
        assertEquals(0, ort.openSessions());
        try (Interpreter it = Interpreter.of(float64Model()); NDManager m = it.newScope()) {
            assertThrows(IllegalStateException.class, () -> ort.forward(m, random(m, 1, 4)));
        }
    }
}
