package netviz.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.methods.attribution.AttributionModels;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.onnx.GraphBuilder;
import netviz.session.Session;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;
import org.junit.jupiter.api.Test;

/**
 * {@link OrtGradient} answers as the interpreter does (the oracle; error max |Δ| / max |g| at most
 * {@value #TOLERANCE}, float32 against float32 autograd): saliency on the bundled model through a
 * {@link Session} (default runtime) with the predicted class, SmoothGrad and integrated gradients
 * through it; saliency on the zoo's ResNet-18 and on every zoo model at opset 13 or later (those it
 * cannot differentiate fall back); a model exported with batch 1 run with batch 3 (in the input, and
 * written into a Reshape); central finite differences of the float64 interpreter's score; a graph
 * with an operator it has no rule for, and a float64 model, give the interpreter's gradient and one
 * warning line; a
 * failed self-check sends every gradient to the interpreter; more tapped layers than graphs kept.
 */
class OrtGradientTest {
    static final double TOLERANCE = 1e-4;

    static double relError(float[] got, float[] want) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(want[i] - got[i]));
        }
        return err / Math.max(scale, 1e-30);
    }

    static void near(Attributions ort, Attributions torch, String what) {
        assertArrayEquals(torch.shape(), ort.shape(), what + ": shape");
        assertEquals(torch.target(), ort.target(), what + ": target");
        double e = relError(ort.values(), torch.values());
        assertTrue(e <= TOLERANCE, what + ": relative error " + e);
    }

    @Test
    void bundledModelThroughTheSession() {
        List<String> warnings = new ArrayList<>();
        try (Session s = Session.builder(Path.of("models/fashion-mnist-cnn.onnx")).alignDataset(false)
                .warnings(warnings::add).build()) {
            OrtGradient ort = assertInstanceOf(OrtGradient.class, s.gradients());
            Interpreter it = s.interpreter();
            long[] shape = it.graph().inputs().get(0).dims().clone();
            shape[0] = 3;
            try (NDManager m = it.newScope()) {
                NDArray x = m.create(Ort.randomInput(shape, 21), new Shape(shape));
                String score = s.scoreTensor();
                assertTrue(ort.supports(Objective.logit(score, 1)), "the bundled model runs on ONNX Runtime");
                near(new Saliency(ort).gradient(x, Target.predicted()), new Saliency(it).gradient(x, Target.predicted()),
                        "saliency, predicted class");
                near(new Saliency(ort).attribute(x, Target.classes(4)), new Saliency(it).attribute(x, Target.classes(4)),
                        "saliency, class 4");
                near(new Saliency(ort).attribute(x, Target.neuron("relu2", 3)),
                        new Saliency(it).attribute(x, Target.neuron("relu2", 3)), "saliency of a neuron at its maximum");
                NoiseTunnel.Options o = NoiseTunnel.Options.defaults().withSamples(5).withBatch(4);
                near(new NoiseTunnel(ort, new Saliency(ort), o).attribute(x, Target.predicted()),
                        new NoiseTunnel(it, new Saliency(it), o).attribute(x, Target.predicted()), "SmoothGrad");
                IntegratedGradients.Options io = IntegratedGradients.Options.defaults().withSteps(8);
                near(new IntegratedGradients(ort, io).attribute(x, Target.classes(2)),
                        new IntegratedGradients(it, io).attribute(x, Target.classes(2)), "integrated gradients");
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void resnet18AndTheZooAtOpset13OrLater() {
        List<ModelZoo.ZooModel> models = new ArrayList<>(List.of(ModelZoo.resnet18(13), ModelZoo.resnetV1(13, 2),
                ModelZoo.resnetV2(13, 1), ModelZoo.mobilenetV3(14, 2), ModelZoo.mobilenetV3(18, 1),
                ModelZoo.shufflenet(13, 2), ModelZoo.efficientnet(17, 1), ModelZoo.exporterPlumbing(13, 1)));
        List<String> onOrt = new ArrayList<>();
        for (ModelZoo.ZooModel z : models) {
            List<String> warnings = new ArrayList<>();
            try (Interpreter it = Interpreter.of(z.graph());
                 OrtGradient ort = OrtGradient.of(it, null, warnings::add);
                 NDManager m = it.newScope()) {
                long[] shape = z.inputShape().clone();
                shape[0] = Math.max(1, shape[0]);
                NDArray x = m.create(Ort.randomInput(shape, 4), new Shape(shape));
                Target t = Target.classes(1);
                near(new Saliency(ort).gradient(x, t), new Saliency(it).gradient(x, t), z.name());
                if (ort.supports(Objective.logit(z.logits(), 1))) {
                    onOrt.add(z.name());
                    assertEquals(List.of(), warnings, z.name());
                } else {
                    assertEquals(1, warnings.size(), z.name() + ": " + warnings);
                }
            }
        }
        // the exporter's plumbing pads with auto_pad=SAME_LOWER, which has no rule: it falls back
        assertEquals(List.of("resnet18_op13_n1", "resnet_v1_op13_n2", "resnet_v2_op13_n1", "mobilenet_v3_op14_n2",
                "mobilenet_v3_op18_n1", "shufflenet_op13_n2", "efficientnet_op17_n1"), onOrt);
    }

    @Test
    void batchOneExportRunWithBatchThree() {
        Graph free = AttributionModels.cnn(61, 2, true);
        for (boolean reshape : new boolean[] {false, true}) {
            Graph fixed = AttributionModels.cnn(61, 2, true, 1, reshape);
            try (Interpreter a = Interpreter.of(free); Interpreter b = Interpreter.of(fixed);
                 OrtGradient ort = OrtGradient.of(b, null, null); NDManager m = a.newScope()) {
                assertTrue(ort.supports(Objective.logit("fc_out", 0)));
                NDArray x = AttributionModels.images(m, 62, 3, 2, DataType.FLOAT32);
                Target t = Target.classes(2, 0, 1);
                near(new Saliency(ort).gradient(x, t), new Saliency(a).gradient(x, t), "fixed batch, reshape " + reshape);
                near(new Saliency(ort).gradient(x, Target.predicted()), new Saliency(a).gradient(x, Target.predicted()),
                        "fixed batch, predicted, reshape " + reshape);
            }
        }
    }

    /** More tapped layers than graphs kept: each objective still gets its own graph's gradient. */
    @Test
    void moreTapSetsThanGraphsKept() {
        Graph g = AttributionModels.cnn(75, 2, true);
        List<String> layers = List.of("conv1_out", "relu1_out", "pool1_out", "conv2_out", "relu2_out", "fc_out");
        assertTrue(layers.size() > OrtGradient.MAX_GRAPHS);
        try (Interpreter it = Interpreter.of(g); OrtGradient ort = OrtGradient.of(it, null, null);
             NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 76, 2, 2, DataType.FLOAT32);
            for (int round = 0; round < 2; round++) {
                for (String layer : layers) {
                    Objective o = Objective.channel(layer, 1).plus(Objective.sum(layer).times(0.1));
                    assertTrue(ort.supports(o));
                    float[] want = it.gradient(m, Map.of("x", x), o, List.of("x")).wrt("x").toFloatArray();
                    float[] got = ort.gradient(m, Map.of("x", x), o, List.of("x")).wrt("x").toFloatArray();
                    double e = relError(got, want);
                    assertTrue(e <= TOLERANCE, layer + ": relative error " + e);
                }
            }
        }
    }

    @Test
    void equalsCentralFiniteDifferences() {
        Graph g = AttributionModels.cnn(71, 2, false);
        try (Interpreter exact = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             Interpreter it = Interpreter.of(g); OrtGradient ort = OrtGradient.of(it, null, null);
             NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 72, 1, 2, DataType.FLOAT32);
            float[] got = new Saliency(ort).gradient(x, Target.classes(1)).values();
            double[] xv = x.toType(DataType.FLOAT64, false).toDoubleArray();
            double h = 1e-6;
            float[] fd = new float[xv.length];
            for (int i = 0; i < xv.length; i++) {
                double[] p = xv.clone();
                p[i] += h;
                double up = AttributionModels.tensor(exact, m.create(p, new Shape(1, 2, 8, 8)), "fc_out")[1];
                p[i] -= 2 * h;
                double down = AttributionModels.tensor(exact, m.create(p, new Shape(1, 2, 8, 8)), "fc_out")[1];
                fd[i] = (float) ((up - down) / (2 * h));
            }
            double e = relError(got, fd);
            assertTrue(e <= TOLERANCE, "relative error against finite differences " + e);
        }
    }

    /** x → conv → Softplus (no backward rule) → flatten → Gemm. */
    static Graph unsupported() {
        GraphBuilder b = new GraphBuilder("softplus", 13);
        String x = b.input("x", -1, 1, 4, 4);
        String c = b.node("Conv", "conv", List.of(x, b.initializer("w", Tensor.ofFloats(new long[] {2, 1, 3, 3},
                0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, 0.8f, -0.9f, -0.1f, 0.2f, 0.3f, -0.4f, 0.5f, 0.6f, -0.7f, 0.8f,
                0.9f))), Attribute.ofInts("pads", 1, 1, 1, 1));
        String sp = b.node("Softplus", "soft", List.of(c));
        String f = b.node("Flatten", "flat", List.of(sp));
        float[] w = new float[3 * 32];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i);
        }
        b.node("Gemm", "fc", List.of(f, b.initializer("wf", Tensor.ofFloats(new long[] {3, 32}, w))), List.of("out"),
                Attribute.ofInt("transB", 1));
        b.output("out");
        return b.build();
    }

    @Test
    void anOperatorWithoutARuleFallsBackWithOneLine() {
        List<String> warnings = new ArrayList<>();
        try (Interpreter it = Interpreter.of(unsupported()); OrtGradient ort = OrtGradient.of(it, null, warnings::add);
             NDManager m = it.newScope()) {
            NDArray x = m.create(Ort.randomInput(new long[] {2, 1, 4, 4}, 3), new Shape(2, 1, 4, 4));
            assertFalse(ort.supports(Objective.logit("out", 0)));
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(new Saliency(it).gradient(x, Target.classes(k)).values(),
                        new Saliency(ort).gradient(x, Target.classes(k)).values(), 0f);
            }
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("Softplus") && warnings.get(0).contains("interpreter"), warnings.get(0));
        }
    }

    @Test
    void aFloat64ModelFallsBackWithOneLine() {
        List<String> warnings = new ArrayList<>();
        Graph g = OrtForwardTest.float64Model();
        try (Interpreter it = Interpreter.of(g, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
             OrtGradient ort = OrtGradient.of(it, null, warnings::add); NDManager m = it.newScope()) {
            NDArray x = OrtForwardTest.random(m, 3, 4).toType(DataType.FLOAT64, false);
            Objective o = Objective.logit("relu_out", 1).plus(Objective.logit("fc_out", 2));
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(it.gradient(m, Map.of("x", x), o, List.of("x")).wrt("x").toDoubleArray(),
                        ort.gradient(m, Map.of("x", x), o, List.of("x")).wrt("x").toDoubleArray(), 0);
            }
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("float32"), warnings.get(0));
        }
    }

    @Test
    void aFailedSelfCheckSendsGradientsToTheInterpreter() {
        OrtGradient.Trust good = OrtGradient.trust();
        assertTrue(good.trusted(), good.line());
        assertTrue(good.relError() <= OrtGradient.TRUSTED_ERROR);
        OrtGradient.Trust bad = OrtGradient.selfCheck(g -> {
            g[5] += 0.01f;
            return g;
        });
        assertFalse(bad.trusted());
        assertTrue(bad.line().contains("interpreter"), bad.line());
        Graph g = AttributionModels.cnn(81, 2, true);
        try {
            OrtGradient.setTrust(bad);
            try (Interpreter it = Interpreter.of(g); OrtGradient ort = OrtGradient.of(it, null, null);
                 NDManager m = it.newScope()) {
                assertFalse(ort.supports(Objective.logit("fc_out", 0)));
                NDArray x = AttributionModels.images(m, 82, 2, 2, DataType.FLOAT32);
                assertArrayEquals(new Saliency(it).gradient(x, Target.classes(1)).values(),
                        new Saliency(ort).gradient(x, Target.classes(1)).values(), 0f);
            }
        } finally {
            OrtGradient.setTrust(good);
        }
    }
}
