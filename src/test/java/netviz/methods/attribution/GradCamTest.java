package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import netviz.ShapeMismatchException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.render.MapContrast;
import org.junit.jupiter.api.Test;

class GradCamTest {

    /**
     * x (N,1,4,4) → conv (2 maps, 3×3, pad 1) → relu → A (N,2,4,4) → GlobalAveragePool → flatten →
     * fc (W: 3 × 2). Then dS_k/dA_c(i,j) = W[k][c] / 16, so α_c = W[k][c] / 16 and
     * L = ReLU(Σ_c W[k][c] A_c / 16).
     */
    static Graph gapModel(float[] fc) {
        Random r = new Random(41);
        GraphBuilder g = new GraphBuilder("gap", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String w = g.initializer("w", Tensor.ofFloats(new long[] {2, 1, 3, 3}, AttributionModels.random(r, 18, 0.6)));
        String c = g.node("Conv", "conv", List.of(x, w), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String a = g.node("Relu", "relu", List.of(c));
        String p = g.node("GlobalAveragePool", "gap", List.of(a));
        String f = g.node("Flatten", "flatten", List.of(p));
        String wf = g.initializer("wf", Tensor.ofFloats(new long[] {3, 2}, fc));
        g.output(g.node("Gemm", "fc", List.of(f, wf), Attribute.ofInt("transB", 1)));
        return g.build();
    }

    @Test
    void equalsTheFormulaOnAHandMadeModel() {
        float[] fc = {1.5f, -0.5f, -1f, 2f, 0.25f, 0.25f};
        try (Interpreter it = Interpreter.of(gapModel(fc)); NDManager m = it.newScope()) {
            NDArray x = m.create(AttributionModels.random(new Random(42), 32, 1), new Shape(2, 1, 4, 4));
            // the default layer is the last map with h·w > 1: relu (gap's output is 1×1)
            assertEquals("relu_out", GradCam.defaultLayer(it, x));
            for (int k = 0; k < 3; k++) {
                Attributions cam = new GradCam(it).attribute(x, Target.classes(k));
                assertArrayEquals(new long[] {2, 4, 4}, cam.shape());
                for (int n = 0; n < 2; n++) {
                    double[] a = AttributionModels.tensor(it, x.get(n + ":" + (n + 1)), "relu_out");
                    for (int p = 0; p < 16; p++) {
                        double v = (fc[k * 2] * a[p] + fc[k * 2 + 1] * a[16 + p]) / 16;
                        assertEquals(Math.max(0, v), cam.get(n, p / 4, p % 4), 1e-6, "class " + k + " pixel " + p);
                    }
                }
            }
        }
    }

    /** Without global pooling: α_c = mean over positions of ∂S/∂A_c = mean of the fc weights of map c. */
    @Test
    void equalsTheFormulaThroughAFlatten() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(43, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 44, 1, 1, DataType.FLOAT32);
            assertEquals("relu2_out", GradCam.defaultLayer(it, x));
            float[] w3 = it.parameter("w3").toFloatArray(); // (3, 96) = (3, 6 maps × 16 positions)
            double[] a = AttributionModels.tensor(it, x, "relu2_out");
            Attributions cam = new GradCam(it, "relu2").attribute(x, Target.classes(2));
            for (int p = 0; p < 16; p++) {
                double v = 0;
                for (int c = 0; c < 6; c++) {
                    double alpha = 0;
                    for (int q = 0; q < 16; q++) {
                        alpha += w3[2 * 96 + c * 16 + q] / 16.0;
                    }
                    v += alpha * a[c * 16 + p];
                }
                assertEquals(Math.max(0, v), cam.values()[p], 1e-5);
            }
        }
    }

    @Test
    void upsampleIsBilinearWithHalfPixelCentres() {
        Attributions raw = new Attributions(new float[] {0, 1, 2, 3}, new long[] {1, 2, 2}, null);
        Attributions up = GradCam.upsample(raw, 4, 4);
        // torch.nn.functional.interpolate([[0,1],[2,3]], size=4, mode="bilinear", align_corners=False)
        assertArrayEquals(new float[] {
            0f, 0.25f, 0.75f, 1f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2f, 2.25f, 2.75f, 3f}, up.values(), 1e-6f);
    }

    @Test
    void guidedGradCamIsGuidedBackpropTimesTheUpsampledMap() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(45, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 46, 2, 2, DataType.FLOAT32);
            Attributions ggc = new GuidedGradCam(it, null).attribute(x, Target.predicted());
            Attributions gb = new GuidedBackprop(it).attribute(x, Target.of(ggc.target()));
            Attributions up = GradCam.upsample(new GradCam(it).attribute(x, Target.of(ggc.target())), 8, 8);
            assertArrayEquals(new long[] {2, 2, 8, 8}, ggc.shape());
            boolean nonZero = false;
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 2; c++) {
                    for (int p = 0; p < 64; p++) {
                        float expect = gb.get(n, c, p / 8, p % 8) * up.get(n, p / 8, p % 8);
                        assertEquals(expect, ggc.get(n, c, p / 8, p % 8), 1e-6f);
                        nonZero |= expect != 0;
                    }
                }
            }
            assertTrue(nonZero);
        }
    }

    @Test
    void aLayerWithoutASpatialMapIsRefused() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(45, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 46, 1, 1, DataType.FLOAT32);
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> new GradCam(it, "flatten").attribute(x, Target.predicted()));
            assertEquals("Grad-CAM needs a layer with a spatial map (N, C, H, W), but 'flatten_out' has shape [1, 96];"
                    + " choose a convolutional layer", e.getMessage());
        }
    }

    /** Class 0 of {@link AttributionModels#signSplit}: α = (2.5, −3) / 16; class 1: α = (−4, 0) / 16. */
    static final float[] SIGN_SPLIT_FC = {1, -1, 0.5f, 2, -1, -2, 0.5f, -0.5f, -1, -1, -1, -1, 0, 0, 0, 0};

    /**
     * By hand on {@link AttributionModels#signSplit}: the max-pool passes ∂S/∂P to the one largest
     * position of each window, so α_1 = (1 − 1 + 0.5 + 2) / 16 = 2.5/16 and
     * α_2 = (−1 − 2 + 0.5 − 0.5) / 16 = −3/16, and L = ReLU(2.5·ReLU(x) − 3·ReLU(−x)) / 16 =
     * 2.5·x/16 where x &gt; 0, else 0. The default layer is the ReLU after the last convolution (the
     * paper's relu5_3), not the pooled map after it. Class 1 has α = (−4/16, 0): its map is zero
     * everywhere, which {@link MapContrast} reports as empty.
     */
    @Test
    void theDefaultLayerIsTheLastConvolutionsReluAndTheMapIsTheHandComputedOne() {
        try (Interpreter it = Interpreter.of(AttributionModels.signSplit(SIGN_SPLIT_FC)); NDManager m = it.newScope()) {
            NDArray x = m.create(AttributionModels.SIGN_SPLIT_IMAGE, new Shape(1, 1, 4, 4));
            assertEquals("relu_out", GradCam.defaultLayer(it, x));
            Attributions cam = new GradCam(it).attribute(x, Target.classes(0));
            assertArrayEquals(new long[] {1, 4, 4}, cam.shape());
            for (int p = 0; p < 16; p++) {
                float v = AttributionModels.SIGN_SPLIT_IMAGE[p];
                assertEquals(v > 0 ? 2.5 * v / 16 : 0, cam.values()[p], 1e-6, "pixel " + p);
            }
            assertEquals(MapContrast.Kind.VARYING, MapContrast.of(cam.values()).kind());
            Attributions empty = new GradCam(it).attribute(x, Target.classes(1));
            assertEquals(MapContrast.Kind.EMPTY, MapContrast.of(empty.values()).kind());
        }
    }

    /**
     * A residual block: conv1 → relu1 → conv2 → BatchNormalization → Add(relu1) → relu2 → MaxPool →
     * flatten → fc. The default layer is relu2 (the block's output), not the pooled map.
     */
    @Test
    void theDefaultLayerFollowsNormalisationAndTheResidualAdd() {
        Random r = new Random(7);
        GraphBuilder g = new GraphBuilder("res", 13);
        String r1 = g.node("Relu", "relu1", List.of(conv(g, r, "conv1", g.input("x", -1, 1, 4, 4), 2, 1, 3, 1)));
        String c2 = conv(g, r, "conv2", r1, 2, 2, 3, 1);
        String bn = g.node("BatchNormalization", "bn", List.of(c2,
                g.initializer("scale", Tensor.ofFloats(new long[] {2}, new float[] {1, 2})),
                g.initializer("bias", Tensor.ofFloats(new long[] {2}, new float[] {0.1f, -0.1f})),
                g.initializer("mean", Tensor.ofFloats(new long[] {2}, new float[] {0, 0.5f})),
                g.initializer("var", Tensor.ofFloats(new long[] {2}, new float[] {1, 4}))));
        String add = g.node("Add", "add", List.of(bn, r1));
        String r2 = g.node("Relu", "relu2", List.of(add));
        String p = g.node("MaxPool", "pool", List.of(r2), Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        String f = g.node("Flatten", "flatten", List.of(p));
        g.output(g.node("Gemm", "fc", List.of(f, g.initializer("wf", Tensor.ofFloats(new long[] {3, 8},
                AttributionModels.random(r, 24, 0.5)))), Attribute.ofInt("transB", 1)));
        try (Interpreter it = Interpreter.of(g.build()); NDManager m = it.newScope()) {
            NDArray img = m.create(AttributionModels.random(new Random(8), 16, 1), new Shape(1, 1, 4, 4));
            assertEquals(r2, GradCam.defaultLayer(it, img));
        }
    }

    /** When the last convolution maps to 1×1 (a convolutional classifier), the block before it is the default. */
    @Test
    void aLastConvolutionWithoutSpatialExtentIsSkipped() {
        Random r = new Random(9);
        GraphBuilder g = new GraphBuilder("fcn", 13);
        String r1 = g.node("Relu", "relu1", List.of(conv(g, r, "conv1", g.input("x", -1, 1, 4, 4), 2, 1, 3, 1)));
        String c2 = conv(g, r, "conv2", r1, 3, 2, 4, 0);
        g.output(g.node("Flatten", "flatten", List.of(c2)));
        try (Interpreter it = Interpreter.of(g.build()); NDManager m = it.newScope()) {
            NDArray img = m.create(AttributionModels.random(new Random(10), 16, 1), new Shape(1, 1, 4, 4));
            assertEquals(r1, GradCam.defaultLayer(it, img));
        }
    }

    /** A Conv node named {@code name} with random weights (out × in × k × k), no bias, padding {@code pad}. */
    static String conv(GraphBuilder g, Random r, String name, String input, int out, int in, int k, int pad) {
        String w = g.initializer(name + "_w", Tensor.ofFloats(new long[] {out, in, k, k},
                AttributionModels.random(r, out * in * k * k, 0.5)));
        return g.node("Conv", name, List.of(input, w), Attribute.ofInts("kernel_shape", k, k),
                Attribute.ofInts("pads", pad, pad, pad, pad));
    }
}
