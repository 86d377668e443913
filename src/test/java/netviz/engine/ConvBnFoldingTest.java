package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.zoo.ModelZoo;
import netviz.zoo.ModelZoo.ZooModel;
import netviz.zoo.Ort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conv→BatchNormalization folding in forward-only runs (see {@link ConvBnFolding}): the folded
 * forward agrees with ONNX Runtime and with the unfolded node-by-node forward (forced by tapping
 * every folded Conv's output) within float rounding, and a tapped Conv output is exactly the
 * unfolded Conv's output (the one an autograd run computes when it differentiates every folded Conv's output).
 */
class ConvBnFoldingTest {
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1", "resnet_v1_op8_n3", "mobilenet_v2_op9_n2", "mobilenet_v3_op14_n2",
        "efficientnet_op18_n2"})
    void foldedForwardMatchesUnfoldedAndOnnxRuntime(String name) throws Exception {
        ZooModel z = ModelZoo.named(name);
        float[] x = Ort.randomInput(z.inputShape(), 7);
        Map<String, float[]> ref;
        try (Ort ort = Ort.of(z.graph(), List.of(), 1)) {
            ref = ort.run(z.input(), x, z.inputShape());
        }
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            List<String> convs = it.foldedConvOutputs();
            assertTrue(it.foldedPairs() > 0 && convs.size() == it.foldedPairs(),
                    name + " should have foldable Conv→BatchNormalization pairs");
            NDArray in = m.create(x, new Shape(z.inputShape()));
            Values folded = it.forward(m, Map.of(z.input(), in), List.of());
            Values unfolded = it.forward(m, Map.of(z.input(), in), convs);
            Values onlyLogits = it.tensors(m, Map.of(z.input(), in), List.of(z.logits()));
            for (ValueInfo o : z.graph().outputs()) {
                float[] f = folded.get(o.name()).toFloatArray();
                float[] u = unfolded.get(o.name()).toFloatArray();
                double vsUnfolded = Ort.relError(f, u);
                double vsOrt = Ort.relError(f, ref.get(o.name()));
                assertTrue(vsUnfolded <= TOLERANCE, name + " " + o.name() + ": folded vs unfolded " + vsUnfolded);
                assertTrue(vsOrt <= TOLERANCE, name + " " + o.name() + ": folded vs ONNX Runtime " + vsOrt);
                assertEquals(unfolded.get(o.name()).getShape(), folded.get(o.name()).getShape());
            }
            float[] l = onlyLogits.get(z.logits()).toFloatArray();
            assertTrue(Ort.relError(l, unfolded.get(z.logits()).toFloatArray()) <= TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1", "mobilenet_v2_op9_n2"})
    void tappedConvOutputIsTheUnfoldedConvOutput(String name) {
        ZooModel z = ModelZoo.named(name);
        float[] x = Ort.randomInput(z.inputShape(), 11);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            List<String> convs = it.foldedConvOutputs();
            String first = convs.get(0);
            String mid = convs.get(convs.size() / 2);
            NDArray in = m.create(x, new Shape(z.inputShape()));
            Map<String, NDArray> feeds = Map.of(z.input(), in);
            Values tapped = it.forward(m, feeds, List.of(first, mid));
            Values allTapped = it.forward(m, feeds, convs);
            for (String c : List.of(first, mid)) {
                // an autograd run that differentiates every folded Conv's output folds nothing: its
                // forward value of c is the unfolded Conv's output
                List<String> wrt = new ArrayList<>(convs);
                wrt.add(z.input());
                Gradients g = it.gradient(m, feeds, Objective.sum(c), wrt);
                float[] expected = g.forward().get(c).toFloatArray();
                // with every folded Conv tapped, nothing upstream is folded: bit-identical
                assertArrayEquals(expected, allTapped.get(c).toFloatArray(), 0f, name + ": all tapped, " + c);
                float[] alone = tapped.get(c).toFloatArray();
                if (c.equals(first)) {
                    // the first Conv reads the graph input: bit-identical even with later folds active
                    assertArrayEquals(expected, alone, 0f, name + ": tapped " + c);
                    assertArrayEquals(expected, it.tensors(m, feeds, List.of(c)).get(c).toFloatArray(), 0f);
                } else {
                    // upstream folds change the Conv's input by rounding only
                    double err = Ort.relError(alone, expected);
                    assertTrue(err <= TOLERANCE, name + ": tapped " + c + " rel err " + err);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1"})
    void float64FoldingAgreesToDoublePrecision(String name) {
        ZooModel z = ModelZoo.named(name);
        float[] x = Ort.randomInput(z.inputShape(), 3);
        try (Interpreter it = Interpreter.of(z.graph(), new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            Map<String, NDArray> feeds = Map.of(z.input(), in);
            double[] f = it.forward(m, feeds, List.of()).get(z.logits()).toDoubleArray();
            double[] u = it.forward(m, feeds, it.foldedConvOutputs()).get(z.logits()).toDoubleArray();
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < f.length; i++) {
                diff = Math.max(diff, Math.abs(f[i] - u[i]));
                scale = Math.max(scale, Math.abs(u[i]));
            }
            assertTrue(diff <= 1e-12 * scale, "float64 folded vs unfolded: " + diff + " of " + scale);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1"})
    void feedingAFoldedInitializerDisablesThatFold(String name) {
        ZooModel z = ModelZoo.named(name);
        float[] x = Ort.randomInput(z.inputShape(), 5);
        Node bn = null;
        for (Node n : z.graph().nodes()) {
            if (n.opType().equals("BatchNormalization")) {
                bn = n;
                break;
            }
        }
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            String beta = bn.input(2);
            NDArray shifted = it.parameter(beta).add(1.0f);
            shifted.attach(m);
            float[] fed = it.forward(m, Map.of(z.input(), in, beta, shifted), List.of(bn.outputs().get(0)))
                    .get(bn.outputs().get(0)).toFloatArray();
            float[] plain = it.forward(m, Map.of(z.input(), in), List.of(bn.outputs().get(0))).get(bn.outputs().get(0))
                    .toFloatArray();
            List<Float> deltas = new ArrayList<>();
            for (int i = 0; i < fed.length; i += Math.max(1, fed.length / 50)) {
                deltas.add(fed[i] - plain[i]);
            }
            for (float d : deltas) {
                assertEquals(1.0f, d, 1e-4f, "the fed bias must shift the BatchNormalization output by 1");
            }
        }
    }
}
