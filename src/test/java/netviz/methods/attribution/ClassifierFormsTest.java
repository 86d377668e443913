package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.UnknownNameException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ModelView;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import org.junit.jupiter.api.Test;

/**
 * Classifiers as the rest of the world exports them, each against a twin netviz already handles
 * (the oracle): a channels-last input with a Transpose inside (tf2onnx / Keras), a Softmax head
 * (also behind Identity or Reshape, as Keras writes it) and {@code --score probability}, the
 * preprocessing inside the graph (Sub/Div on the input), and several outputs (auxiliary heads).
 * Float64 throughout, so twins agree to rounding.
 */
public class ClassifierFormsTest {
    static final Map<String, Attribute> NONE = Map.of();

    static Interpreter f64(Graph g) {
        return Interpreter.of(g, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
    }

    /** {@code g} with its input x replaced by {@code prefix} nodes that read a new input {@code in} and write "x". */
    static Graph prepend(Graph g, ValueInfo in, List<Node> prefix, Map<String, Tensor> extra) {
        List<Node> nodes = new ArrayList<>(prefix);
        List<Node> rest = new ArrayList<>();
        for (Node n : g.nodes()) {
            List<String> ins = new ArrayList<>(n.inputs());
            ins.replaceAll(x -> x.equals("x") ? "x_inner" : x);
            rest.add(new Node(n.name(), n.opType(), n.domain(), ins, n.outputs(), n.attributes()));
        }
        nodes.addAll(rest);
        Map<String, Tensor> inits = new LinkedHashMap<>(g.initializers());
        inits.putAll(extra);
        return new Graph(g.name(), nodes, inits, List.of(in), g.outputs(), g.opsets(), g.metadata());
    }

    /** The cnn twin as tf2onnx writes a Keras model: input (N, 8, 8, C), then a Transpose to NCHW. */
    public static Graph channelsLast(Graph nchw, int c) {
        ValueInfo in = new ValueInfo("x", Tensor.ElementType.FLOAT, new long[] {-1, 8, 8, c}, List.of("N", "", "", ""));
        Node t = new Node("to_nchw", "Transpose", "", List.of("x"), List.of("x_inner"),
                Map.of("perm", Attribute.ofInts("perm", 0, 3, 1, 2)));
        return prepend(nchw, in, List.of(t), Map.of());
    }

    @Test
    void channelsLastModelGivesTheAttributionOfItsNchwTwin() {
        Graph nchw = AttributionModels.cnn(41, 3, false);
        Graph nhwc = channelsLast(nchw, 3);
        assertEquals(ModelView.Layout.NHWC, ModelView.detect(nhwc));
        assertEquals(ModelView.Layout.NCHW, ModelView.detect(nchw));
        Graph view = ModelView.of(nhwc, ModelView.Options.defaults());
        assertTrue(ModelView.isTransposed(view));
        assertArrayEquals(new long[] {-1, 3, 8, 8}, view.inputs().get(0).dims());
        assertEquals("x", view.inputs().get(0).name());
        // seen once more, the view is left as it is; --layout nchw keeps the model's own input
        assertEquals(ModelView.Layout.NCHW, ModelView.detect(view));
        assertArrayEquals(new long[] {-1, 8, 8, 3},
                ModelView.of(nhwc, ModelView.Options.defaults().withLayout(ModelView.Layout.NCHW)).inputs().get(0).dims());
        try (Interpreter a = f64(nchw); Interpreter b = f64(view); Interpreter raw = f64(nhwc); NDManager m = a.newScope()) {
            NDArray x = AttributionModels.images(m, 42, 3, 3, DataType.FLOAT64);
            assertArrayEquals(AttributionModels.tensor(a, x, "fc_out"), AttributionModels.tensor(b, x, "fc_out"), 1e-12);
            // the model in its own layout, fed the transposed images, agrees too
            assertArrayEquals(AttributionModels.tensor(a, x, "fc_out"),
                    AttributionModels.tensor(raw, x.transpose(0, 2, 3, 1), "fc_out"), 1e-12);
            Target t = Target.classes(0, 2, 1);
            assertArrayEquals(new Saliency(a).gradient(x, t).values(), new Saliency(b).gradient(x, t).values(), 1e-9f);
            assertArrayEquals(new Saliency(a).attribute(x, t).values(), new Saliency(b).attribute(x, t).values(), 1e-9f);
            assertArrayEquals(new GuidedBackprop(a).attribute(x, t).values(),
                    new GuidedBackprop(b).attribute(x, t).values(), 1e-9f);
            assertArrayEquals(new GradCam(a).attribute(x, t).values(), new GradCam(b).attribute(x, t).values(), 1e-9f);
            assertArrayEquals(new long[] {3, 3, 8, 8}, new Saliency(b).gradient(x, t).shape());
            // receptive fields follow: analytic through the two Transposes, as on the twin
            netviz.methods.neurons.ReceptiveField fa = netviz.methods.neurons.ReceptiveField.analyze(a);
            netviz.methods.neurons.ReceptiveField fb = netviz.methods.neurons.ReceptiveField.analyze(b);
            for (int[] u : new int[][] {{0, 0}, {2, 3}, {3, 3}}) {
                assertEquals(fa.box("conv2", u[0], u[1]), fb.box("conv2", u[0], u[1]));
            }
            assertTrue(fb.box("conv2", 2, 3).analytic());
        }
    }

    @Test
    void layoutDetectionFollowsTheShape() {
        assertEquals(ModelView.Layout.NHWC, layoutOf(-1, 224, 224, 3));
        assertEquals(ModelView.Layout.NHWC, layoutOf(1, 28, 28, 1));
        assertEquals(ModelView.Layout.NHWC, layoutOf(-1, -1, -1, 3));
        assertEquals(ModelView.Layout.NCHW, layoutOf(-1, 3, 224, 224));
        assertEquals(ModelView.Layout.NCHW, layoutOf(-1, 1, 28, 28));
        assertEquals(ModelView.Layout.NCHW, layoutOf(-1, 3, 32, 3)); // ambiguous: NCHW
    }

    private static ModelView.Layout layoutOf(long... dims) {
        netviz.onnx.GraphBuilder b = new netviz.onnx.GraphBuilder("l", 13);
        b.output(b.node("Relu", "r", List.of(b.input("x", dims))));
        return ModelView.detect(b.build());
    }

    /** A Softmax head: saliency explains the logits, exactly as on the same model without the softmax. */
    @Test
    void softmaxHeadIsExplainedThroughItsLogits() {
        Graph logits = AttributionModels.cnn(43, 2, false);
        Graph softmax = AttributionModels.cnn(43, 2, true);
        Graph keras = withTail(softmax, "Identity");
        Graph reshaped = withTail(softmax, "Reshape");
        assertNull(ScoreTensor.note(logits));
        assertTrue(ScoreTensor.note(softmax).contains("logits 'fc_out'"), ScoreTensor.note(softmax));
        try (Interpreter a = f64(logits); NDManager m = a.newScope()) {
            NDArray x = AttributionModels.images(m, 44, 3, 2, DataType.FLOAT64);
            Target t = Target.predicted();
            float[] expect = new Saliency(a).attribute(x, t).values();
            for (Graph g : List.of(softmax, keras, reshaped)) {
                assertEquals("fc_out", ScoreTensor.find(g));
                try (Interpreter b = f64(g)) {
                    assertArrayEquals(expect, new Saliency(b).attribute(x, t).values(), 1e-9f);
                    assertArrayEquals(new IntegratedGradients(a, IntegratedGradients.Options.defaults().withSteps(4))
                                    .attribute(x, t).values(),
                            new IntegratedGradients(b, IntegratedGradients.Options.defaults().withSteps(4))
                                    .attribute(x, t).values(), 1e-9f);
                }
            }
        }
    }

    /** Softmax (axis 1) → {@code op} → output, as Keras exports write it. */
    private static Graph withTail(Graph g, String op) {
        List<Node> nodes = new ArrayList<>(g.nodes());
        Map<String, Tensor> inits = new LinkedHashMap<>(g.initializers());
        List<String> ins = new ArrayList<>(List.of("prob_out"));
        if (op.equals("Reshape")) {
            inits.put("tail_shape", Tensor.ofLongs(new long[] {2}, 0, -1));
            ins.add("tail_shape");
        }
        nodes.add(new Node("tail", op, "", ins, List.of("scores"), NONE));
        return new Graph(g.name(), nodes, inits, g.inputs(),
                List.of(new ValueInfo("scores", Tensor.ElementType.FLOAT, new long[] {-1, 3}, List.of("N", ""))),
                g.opsets(), g.metadata());
    }

    /**
     * {@code --score probability}: the gradient of the softmax output p_k, against the chain rule on
     * the logits model: ∂p_k/∂x = p_k (∂z_k/∂x − Σ_j p_j ∂z_j/∂x).
     */
    @Test
    void scoreProbabilityExplainsTheOutputItself() {
        Graph logits = AttributionModels.cnn(45, 1, false);
        Graph prob = ModelView.of(AttributionModels.cnn(45, 1, true),
                ModelView.Options.defaults().withScore(ModelView.Score.PROBABILITY));
        assertEquals("prob_out", ScoreTensor.find(prob));
        assertTrue(ScoreTensor.note(prob).contains("--score probability"), ScoreTensor.note(prob));
        try (Interpreter a = f64(logits); Interpreter b = f64(prob); NDManager m = a.newScope()) {
            NDArray x = AttributionModels.images(m, 46, 1, 1, DataType.FLOAT64);
            double[] z = AttributionModels.tensor(a, x, "fc_out");
            double[] p = netviz.methods.evaluation.Classifier.softmax(new float[] {(float) z[0], (float) z[1], (float) z[2]});
            float[][] dz = new float[3][];
            for (int j = 0; j < 3; j++) {
                dz[j] = new Saliency(a).gradient(x, Target.classes(j)).values();
            }
            int k = 1;
            float[] got = new Saliency(b).gradient(x, Target.classes(k)).values();
            double norm = 0;
            for (int i = 0; i < got.length; i++) {
                double mix = 0;
                for (int j = 0; j < 3; j++) {
                    mix += p[j] * dz[j][i];
                }
                double expect = p[k] * (dz[k][i] - mix);
                assertEquals(expect, got[i], 1e-5 * (1 + Math.abs(expect)), "pixel " + i);
                norm += Math.abs(expect);
            }
            assertTrue(norm > 0);
            // occlusion measures the probability either way: softmax of the logits, or the output itself
            Occlusion.Options o = new Occlusion.Options(3, 2, Baseline.zero(), 9);
            assertArrayEquals(new Occlusion(a, o).attribute(x, Target.classes(k)).values(),
                    new Occlusion(b, o).attribute(x, Target.classes(k)).values(), 1e-6f);
        }
    }

    /** Preprocessing inside the graph, (x − mean) / std: S'(x) = S((x − m)/s), so ∂S'/∂x = ∂S/∂x' / s. */
    @Test
    void preprocessingInsideTheGraph() {
        Graph plain = AttributionModels.cnn(47, 2, false);
        ValueInfo in = new ValueInfo("x", Tensor.ElementType.FLOAT, new long[] {-1, 2, 8, 8}, List.of("N", "", "", ""));
        Map<String, Tensor> consts = Map.of(
                "pre_mean", Tensor.ofFloats(new long[] {1, 2, 1, 1}, 0.5f, -0.25f),
                "pre_std", Tensor.ofFloats(new long[] {1, 2, 1, 1}, 0.25f, 2f));
        Graph inGraph = prepend(plain, in, List.of(
                new Node("sub", "Sub", "", List.of("x", "pre_mean"), List.of("centred"), NONE),
                new Node("div", "Div", "", List.of("centred", "pre_std"), List.of("x_inner"), NONE)), consts);
        try (Interpreter a = f64(plain); Interpreter b = f64(inGraph); NDManager m = a.newScope()) {
            NDArray raw = AttributionModels.images(m, 48, 2, 2, DataType.FLOAT64);
            NDArray mean = m.create(new double[] {0.5, -0.25}).reshape(1, 2, 1, 1);
            NDArray std = m.create(new double[] {0.25, 2}).reshape(1, 2, 1, 1);
            NDArray normalised = raw.sub(mean).div(std);
            assertArrayEquals(AttributionModels.tensor(a, normalised, "fc_out"), AttributionModels.tensor(b, raw, "fc_out"),
                    1e-12);
            Target t = Target.classes(2, 0);
            float[] inner = new Saliency(a).gradient(normalised, t).values();
            float[] outer = new Saliency(b).gradient(raw, t).values();
            for (int i = 0; i < inner.length; i++) {
                double s = (i / 64) % 2 == 0 ? 0.25 : 2;
                assertEquals(inner[i] / s, outer[i], 1e-9 * (1 + Math.abs(outer[i])), "value " + i);
            }
        }
    }

    /**
     * Two outputs, the auxiliary head first in the file: the default is the 2-D output with the
     * most columns; --output chooses the other; a name that is no output fails naming them.
     */
    @Test
    void severalOutputsPickTheClassifier() {
        Graph g = twoHeads();
        assertEquals("main", ModelView.defaultOutput(g));
        Graph view = ModelView.of(g, ModelView.Options.defaults());
        assertEquals(List.of("main", "aux"), view.outputs().stream().map(ValueInfo::name).toList());
        assertEquals(List.of("aux"), ModelView.auxiliaryOutputs(view));
        Graph aux = ModelView.of(g, ModelView.Options.defaults().withOutput("aux"));
        assertEquals("aux", aux.outputs().get(0).name());
        UnknownNameException e = assertThrows(UnknownNameException.class,
                () -> ModelView.of(g, ModelView.Options.defaults().withOutput("mian")));
        assertTrue(e.getMessage().contains("main"), e.getMessage());
        try (Interpreter it = f64(view); Interpreter ia = f64(aux); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 50, 2, 2, DataType.FLOAT64);
            assertEquals("main", ScoreTensor.find(view));
            Attributions s = new Saliency(it).gradient(x, Target.predicted());
            assertEquals("main", s.target().tensor());
            double[] main = AttributionModels.tensor(it, x, "main");
            assertEquals(10, main.length);
            // the predicted class is the argmax of the main head's 5 scores, not of the auxiliary 3
            for (int n = 0; n < 2; n++) {
                int best = 0;
                for (int k = 1; k < 5; k++) {
                    best = main[n * 5 + k] > main[n * 5 + best] ? k : best;
                }
                assertEquals(best, s.target().coords()[n][0]);
            }
            // the auxiliary head's saliency is the gradient of its own scores
            Attributions viaAux = new Saliency(ia).gradient(x, Target.classes(1));
            try (Interpreter single = f64(AttributionModels.cnn(49, 2, false))) {
                Attributions direct = new Saliency(single).gradient(x, Target.classes(1));
                assertArrayEquals(direct.values(), viaAux.values(), 1e-9f);
            }
        }
    }

    /** cnn(49) whose fc gives the 3-class auxiliary head "aux" (listed first), plus a 5-class "main" head on the same features. */
    public static Graph twoHeads() {
        Graph base = AttributionModels.cnn(49, 2, false);
        List<Node> nodes = new ArrayList<>(base.nodes());
        Map<String, Tensor> inits = new LinkedHashMap<>(base.initializers());
        inits.put("w_main", Tensor.ofFloats(new long[] {5, 96}, AttributionModels.random(new java.util.Random(3), 480, 0.3)));
        inits.put("b_main", Tensor.ofFloats(new long[] {5}, 0.1f, -0.1f, 0.2f, 0f, 0.05f));
        nodes.add(new Node("main_fc", "Gemm", "", List.of("flatten_out", "w_main", "b_main"), List.of("main"),
                Map.of("transB", Attribute.ofInt("transB", 1))));
        nodes.add(new Node("aux_id", "Identity", "", List.of("fc_out"), List.of("aux"), NONE));
        return new Graph("two", nodes, inits, base.inputs(), List.of(
                new ValueInfo("aux", Tensor.ElementType.FLOAT, new long[] {-1, 3}, List.of("N", "")),
                new ValueInfo("main", Tensor.ElementType.FLOAT, new long[] {-1, 5}, List.of("N", ""))),
                base.opsets(), base.metadata());
    }
}
