package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.render.MapContrast;
import org.junit.jupiter.api.Test;

class ScoreCamTest {
    static final float[] X = AttributionModels.SIGN_SPLIT_IMAGE;

    /** The logits of {@link AttributionModels#signSplit} written out: window maxima of ReLU(±x) times fc. */
    static double[] signSplitLogits(float[] x, float[] fc) {
        double[] pooled = new double[8];
        for (int c = 0; c < 2; c++) {
            for (int win = 0; win < 4; win++) {
                double best = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        float v = x[(win / 2 * 2 + dy) * 4 + win % 2 * 2 + dx];
                        best = Math.max(best, c == 0 ? v : -v);
                    }
                }
                pooled[c * 4 + win] = best;
            }
        }
        double[] z = new double[fc.length / 8];
        for (int k = 0; k < z.length; k++) {
            for (int j = 0; j < 8; j++) {
                z[k] += fc[k * 8 + j] * pooled[j];
            }
        }
        return z;
    }

    static double softmax(double[] z, int k) {
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v);
        }
        return Math.exp(z[k]) / sum;
    }

    /** x ∘ H with H = ReLU(±x) / max ReLU(±x): the paper's masked input for channel c (min 0, layer = input size). */
    static float[] masked(float[] x, int c) {
        float max = 0;
        for (float v : x) {
            max = Math.max(max, c == 0 ? v : -v);
        }
        float[] out = new float[x.length];
        for (int p = 0; p < x.length; p++) {
            out[p] = x[p] * Math.max(0, c == 0 ? x[p] : -x[p]) / max;
        }
        return out;
    }

    /**
     * On {@link AttributionModels#signSplit} the layer has the input's size, so each mask is the
     * channel min-max normalised, H_1 = ReLU(x)/5 and H_2 = ReLU(−x)/4; the weights are the softmax
     * increases over the zero image (whose logits are all 0), computed here by a scalar forward pass.
     */
    @Test
    void equalsTheScoreIncreasesByHand() {
        float[] fc = GradCamTest.SIGN_SPLIT_FC;
        double base = 0.5;
        double w1 = softmax(signSplitLogits(masked(X, 0), fc), 0) - base;
        double w2 = softmax(signSplitLogits(masked(X, 1), fc), 0) - base;
        try (Interpreter it = Interpreter.of(AttributionModels.signSplit(fc)); NDManager m = it.newScope()) {
            NDArray x = m.create(X, new Shape(1, 1, 4, 4));
            for (int batch : new int[] {1, 2}) {
                ScoreCam cam = new ScoreCam(it, null, ScoreCam.Options.defaults().withBatch(batch));
                assertEquals("relu_out", cam.layer(x));
                Attributions a = cam.attribute(x, Target.classes(0));
                assertArrayEquals(new long[] {1, 4, 4}, a.shape());
                for (int p = 0; p < 16; p++) {
                    double expect = Math.max(0, w1 * Math.max(X[p], 0) + w2 * Math.max(-X[p], 0));
                    assertEquals(expect, a.values()[p], 1e-6, "batch " + batch + " pixel " + p);
                }
            }
        }
    }

    /**
     * A saturated output: the class score is Clip(GAP(A_1) + GAP(A_2), max 0.5) and the image drives
     * it to 2.25, so ∂S/∂A = 0, every Grad-CAM weight is 0 and its map is empty. Masked inputs bring
     * the score below the clip at 0.5 (above the zero image's 0), so Score-CAM weighs both channels by
     * sigmoid(0.5) − 0.5 and its map is that times |x|.
     */
    @Test
    void isNonZeroWhereGradCamsGradientsVanish() {
        GraphBuilder g = new GraphBuilder("saturated", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String c = g.node("Conv", "conv", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {2, 1, 1, 1}, 1, -1))),
                Attribute.ofInts("kernel_shape", 1, 1));
        String a = g.node("Relu", "relu", List.of(c));
        String p = g.node("GlobalAveragePool", "gap", List.of(a));
        String f = g.node("Flatten", "flatten", List.of(p));
        String z = g.node("Gemm", "fc", List.of(f, g.initializer("wf", Tensor.ofFloats(new long[] {2, 2}, 1, 1, 0, 0))),
                Attribute.ofInt("transB", 1));
        g.output(g.node("Clip", "clip", List.of(z, g.initializer("lo", Tensor.ofFloats(new long[0], -100)),
                g.initializer("hi", Tensor.ofFloats(new long[0], 0.5f)))));
        Graph graph = g.build();
        double w = 1 / (1 + Math.exp(-0.5)) - 0.5;
        try (Interpreter it = Interpreter.of(graph); NDManager m = it.newScope()) {
            NDArray img = m.create(X, new Shape(1, 1, 4, 4));
            Attributions gc = new GradCam(it).attribute(img, Target.classes(0));
            assertEquals(MapContrast.Kind.EMPTY, MapContrast.of(gc.values()).kind(), "Grad-CAM's gradient vanishes");
            Attributions sc = new ScoreCam(it).attribute(img, Target.classes(0));
            assertEquals(MapContrast.Kind.VARYING, MapContrast.of(sc.values()).kind());
            for (int q = 0; q < 16; q++) {
                assertEquals(w * Math.abs(X[q]), sc.values()[q], 1e-6, "pixel " + q);
            }
        }
    }

    /** Each example of a batch gets its own masks and baseline: the same maps as one image at a time. */
    @Test
    void aBatchEqualsOneImageAtATime() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(45, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 46, 3, 2, DataType.FLOAT32);
            ScoreCam cam = new ScoreCam(it, "relu2", ScoreCam.Options.defaults().withBatch(4));
            Attributions all = cam.attribute(x, Target.predicted());
            boolean nonZero = false;
            for (int n = 0; n < 3; n++) {
                Attributions one = cam.attribute(x.get(n + ":" + (n + 1)), Target.classes(all.target().index(n)));
                assertArrayEquals(one.values(), all.example(n), 1e-5f);
                nonZero |= MapContrast.of(one.values()).kind() == MapContrast.Kind.VARYING;
            }
            assertTrue(nonZero);
        }
    }
}
