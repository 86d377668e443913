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
}
