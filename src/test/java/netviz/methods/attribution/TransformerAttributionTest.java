package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import netviz.engine.Attribute;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.zoo.ModelZoo;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.Test;

/**
 * Grad-CAM and guided backpropagation on models without ReLU and without a spatial map: the
 * ViT-style zoo model (class token + 4 × 4 patch grid; GELU as Erf at opset 17, as Gelu at
 * opset 20) and tiny Gelu / HardSwish networks with hand-computed answers.
 */
class TransformerAttributionTest {

    static NDArray images(NDManager m, ZooModel z, long seed) {
        Random r = new Random(seed);
        long[] s = z.inputShape();
        float[] v = new float[(int) (s[0] * s[1] * s[2] * s[3])];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, new Shape(s));
    }

    /**
     * The default layer is the input of the last block's attention (the third LayerNormalization:
     * after that attention only the class token reaches the head); the map is its 16 patch tokens
     * on the 4 × 4 grid, α_d the mean gradient over those tokens, L = ReLU(Σ_d α_d A_td).
     */
    @Test
    void gradCamOnVitReshapesThePatchTokensToTheirGrid() {
        ZooModel z = ModelZoo.vit(20, 2);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            NDArray x = images(m, z, 3);
            List<String> norms = z.graph().nodes().stream().filter(n -> n.opType().equals("LayerNormalization"))
                    .map(n -> n.outputs().get(0)).collect(Collectors.toList());
            assertEquals(5, norms.size());
            String layer = GradCam.defaultLayer(it, x);
            assertEquals(norms.get(2), layer);
            // the final norm's patch tokens get no gradient: that is why it is not the default
            for (int k : new int[] {0, 7}) {
                Attributions cam = new GradCam(it).attribute(x, Target.classes(k));
                assertArrayEquals(new long[] {2, 4, 4}, cam.shape());
                Gradients g = it.gradient(m, Map.of(z.input(), x), Objective.logit(z.logits(), k), List.of(layer));
                float[] a = it.forward(m, Map.of(z.input(), x), List.of(layer)).get(layer).toFloatArray();   // (2, 17, 16)
                float[] d = g.wrt(layer).toFloatArray();
                double max = 0;
                for (int n = 0; n < 2; n++) {
                    double[] alpha = new double[16];
                    for (int t = 1; t < 17; t++) {
                        for (int c = 0; c < 16; c++) {
                            alpha[c] += d[(n * 17 + t) * 16 + c] / 16.0;
                        }
                    }
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 4; j++) {
                            int t = 1 + i * 4 + j;
                            double v = 0;
                            for (int c = 0; c < 16; c++) {
                                v += alpha[c] * a[(n * 17 + t) * 16 + c];
                            }
                            assertEquals(Math.max(0, v), cam.get(n, i, j), 1e-5 * (1 + Math.abs(v)),
                                    "class " + k + " image " + n + " patch " + i + "," + j);
                            max = Math.max(max, v);
                        }
                    }
                }
                assertTrue(max > 0, "the map is not all zero");
            }
            String finalNorm = norms.get(4);
            Gradients g = it.gradient(m, Map.of(z.input(), x), Objective.logit(z.logits(), 0), List.of(finalNorm));
            assertEquals(0f, g.wrt(finalNorm).get(":, 1:, :").abs().sum().getFloat());
        }
    }

    /**
     * Swin as torchvision exports it keeps its tokens as (B, H, W, C) maps and permutes them to
     * (B, C, H, W) before the pooling head: Grad-CAM's default is that permuted map, at 8 × 8.
     */
    @Test
    void gradCamOnSwinUsesThePermutedFinalMap() {
        ZooModel z = ModelZoo.swin(20, 1);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            NDArray x = images(m, z, 6);
            String layer = GradCam.defaultLayer(it, x);
            assertEquals("Transpose", z.graph().producer(layer).opType());
            Attributions cam = new GradCam(it).attribute(x, Target.classes(2));
            assertArrayEquals(new long[] {1, 8, 8}, cam.shape());
            // global average pooling: α_c = W[2][c] / 64, so the map is ReLU(Σ_c W[2][c] A_c / 64)
            float[] a = it.forward(m, Map.of(z.input(), x), List.of(layer)).get(layer).toFloatArray();
            Gradients g = it.gradient(m, Map.of(z.input(), x), Objective.logit(z.logits(), 2), List.of(layer));
            float[] d = g.wrt(layer).toFloatArray();
            for (int p = 0; p < 64; p++) {
                double v = 0;
                for (int c = 0; c < 8; c++) {
                    assertEquals(d[c * 64], d[c * 64 + p], 1e-6, "the gradient of a pooled map is uniform");
                    v += d[c * 64] * a[c * 64 + p];
                }
                assertEquals(Math.max(0, v), cam.get(0, p / 8, p % 8), 1e-5 * (1 + Math.abs(v)));
            }
        }
    }

    /**
     * A CNN that flattens its last map to (N, C, h·w) = (N, 16, 4) for an attention-style pooling is
     * not a token model: 16 channels would fill a 4 × 4 grid, but the default stays the 4-D map.
     */
    @Test
    void aFlattenedConvMapIsNotATokenSequence() {
        GraphBuilder b = new GraphBuilder("flat", 13);
        String x = b.input("x", -1, 1, 8, 8);
        Random r = new Random(8);
        String c = b.node("Conv", "conv", List.of(x, b.initializer("w", Tensor.ofFloats(new long[] {16, 1, 3, 3},
                AttributionModels.random(r, 144, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 4, 4), Attribute.ofInts("pads", 1, 1, 1, 1));
        String relu = b.node("Relu", "relu", List.of(c));                                       // (N, 16, 2, 2)
        String flat = b.node("Reshape", "tokens", List.of(relu, b.initializer("s", Tensor.ofLongs(new long[] {3}, 0, 16, 4))));
        String pooled = b.node("ReduceMean", "pool", List.of(flat), Attribute.ofInts("axes", 2), Attribute.ofInt("keepdims", 0));
        b.output(b.node("Gemm", "fc", List.of(pooled, b.initializer("fw", Tensor.ofFloats(new long[] {3, 16},
                AttributionModels.random(r, 48, 0.5)))), Attribute.ofInt("transB", 1)));
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            NDArray img = m.create(AttributionModels.random(new Random(9), 64, 1), new Shape(1, 1, 8, 8));
            assertEquals(relu, GradCam.defaultLayer(it, img));
        }
    }

    @Test
    void tokenGridDropsTheClassTokenAndFollowsTheImageAspect() {
        assertArrayEquals(new int[] {1, 14, 14}, GradCam.tokenGrid(new long[] {1, 197, 768}, 1, 224, 224));
        assertArrayEquals(new int[] {0, 7, 7}, GradCam.tokenGrid(new long[] {2, 49, 768}, 2, 224, 224));
        assertArrayEquals(new int[] {2, 14, 14}, GradCam.tokenGrid(new long[] {1, 198, 384}, 1, 224, 224));
        assertArrayEquals(new int[] {1, 12, 16}, GradCam.tokenGrid(new long[] {1, 193, 64}, 1, 192, 256));
        assertEquals(null, GradCam.tokenGrid(new long[] {1, 100, 64}, 2, 224, 224));
        assertEquals(null, GradCam.tokenGrid(new long[] {1, 8, 64}, 1, 224, 224));
    }

    /** With GELU written out (Div, Erf, Add, Mul) no node gets a guided rule: the result is the gradient, and it says so. */
    @Test
    void guidedBackpropOnErfGeluSaysItIsThePlainGradient() {
        ZooModel z = ModelZoo.vit(17, 1);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            GuidedBackprop gb = new GuidedBackprop(it);
            assertTrue(!gb.isReluOnly());
            assertEquals("guided backprop: no node gets a guided rule (exact gradient through 2 GELU written out with "
                    + "Erf), so the result is the plain gradient (saliency)", gb.ruleSummary());
            NDArray x = images(m, z, 4);
            float[] guided = gb.attribute(x, Target.classes(3)).values();
            float[] plain = new Saliency(it).gradient(x, Target.classes(3)).values();
            assertArrayEquals(plain, guided, 1e-7f);
        }
    }

    /** With Gelu nodes (opset 20) the generalised rule applies, it says so, and the result is not the gradient. */
    @Test
    void guidedBackpropOnGeluNodesUsesTheGeneralisedRule() {
        ZooModel z = ModelZoo.vit(20, 2);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            GuidedBackprop gb = new GuidedBackprop(it);
            assertEquals("guided backprop: the guided rule f'(x)·max(R, 0) on 2 Gelu nodes", gb.ruleSummary());
            NDArray x = images(m, z, 5);
            float[] guided = gb.attribute(x, Target.classes(1)).values();
            float[] plain = new Saliency(it).gradient(x, Target.classes(1)).values();
            double diff = 0;
            for (int i = 0; i < plain.length; i++) {
                diff = Math.max(diff, Math.abs(guided[i] - plain[i]));
            }
            assertTrue(diff > 1e-4, "the rule changed nothing");
        }
    }

    /** The commands say which rule they applied: guided-backprop, and grad-cam --guided. */
    @Test
    void theCommandsSayWhichRuleTheyApply(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path model = dir.resolve("vit.onnx");
        java.nio.file.Files.write(model, netviz.onnx.OnnxWriter.toBytes(ModelZoo.vit(20, 1).graph()));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
        Random r = new Random(2);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        java.nio.file.Path png = dir.resolve("img.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        for (List<String> cmd : List.of(List.of("guided-backprop"), List.of("grad-cam", "--guided"))) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            List<String> args = new java.util.ArrayList<>(cmd);
            args.addAll(List.of("--model", model.toString(), "--image", png.toString(), "--out",
                    dir.resolve(cmd.get(0) + ".png").toString()));
            int code = netviz.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), args.toArray(String[]::new));
            assertEquals(0, code, err.toString());
            assertTrue(err.toString().contains("netviz: guided backprop: the guided rule f'(x)·max(R, 0) on 2 Gelu nodes"),
                    cmd + ": " + err);
        }
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf by its Taylor series (|x| ≤ 3 here: 60 terms are exact to double precision). */
    static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /**
     * x (1 × 3) → h = x W1ᵀ (4 units) → f(h) → scores = f(h) W2ᵀ (2 classes), f = Gelu (erf and tanh)
     * or HardSwish. Guided backprop for class k: R_h = f'(h) · max(W2[k], 0), R_x = W1ᵀ R_h, with
     * f' by central differences of f written in Java.
     */
    @Test
    void generalisedRuleEqualsTheHandComputedResult() {
        double[] w1 = {0.5, -1.0, 0.3, 1.2, 0.4, -0.7, -0.6, 0.9, 1.1, 0.2, -0.3, 0.8};
        double[] w2 = {1.5, -2.0, 0.7, 0.4, -1.0, 0.6, -0.3, 2.2};
        double[] x = {1.3, -0.8, 0.6};
        for (String act : List.of("Gelu", "Gelu tanh", "HardSwish")) {
            GraphBuilder b = new GraphBuilder("tiny", 20);
            String in = b.input("x", -1, 3);
            String h = b.node("Gemm", "fc1", List.of(in, b.initializer("w1", floats(new long[] {4, 3}, w1))),
                    Attribute.ofInt("transB", 1));
            String f = act.equals("Gelu tanh") ? b.node("Gelu", "act", List.of(h), Attribute.ofString("approximate", "tanh"))
                    : b.node(act, "act", List.of(h));
            String out = b.node("Gemm", "fc2", List.of(f, b.initializer("w2", floats(new long[] {2, 4}, w2))),
                    Attribute.ofInt("transB", 1));
            b.output(out);
            Graph g = b.build();
            java.util.function.DoubleUnaryOperator fn = act.equals("Gelu") ? TransformerAttributionTest::gelu
                    : act.equals("Gelu tanh") ? v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))
                    : v -> v * Math.max(0, Math.min(1, v / 6 + 0.5));
            try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
                NDArray xs = m.create(new float[] {(float) x[0], (float) x[1], (float) x[2]}, new Shape(1, 3));
                for (int k = 0; k < 2; k++) {
                    // the input is not an image, so run the method's rules through the interpreter directly
                    Gradients gr = it.backward(m, Map.of("x", xs), Objective.logit(out, k), List.of("x"),
                            new GuidedBackprop(it).rules());
                    float[] got = gr.wrt("x").toFloatArray();
                    double[] want = new double[3];
                    for (int u = 0; u < 4; u++) {
                        double hu = 0;
                        for (int i = 0; i < 3; i++) {
                            hu += w1[u * 3 + i] * x[i];
                        }
                        double eps = 1e-5;
                        double slope = (fn.applyAsDouble(hu + eps) - fn.applyAsDouble(hu - eps)) / (2 * eps);
                        double r = slope * Math.max(0, w2[k * 4 + u]);
                        for (int i = 0; i < 3; i++) {
                            want[i] += w1[u * 3 + i] * r;
                        }
                    }
                    for (int i = 0; i < 3; i++) {
                        assertEquals(want[i], got[i], 1e-4, act + " class " + k + " input " + i);
                    }
                }
            }
        }
    }

    static Tensor floats(long[] shape, double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensor.ofFloats(shape, f);
    }
}
