package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.engine.Interpreter;
import org.junit.jupiter.api.Test;

class OcclusionTest {

    /** The brute-force oracle: one forward pass per mask position, softmax of the graph's own output. */
    static double[][] bruteForce(Interpreter it, float[] x, int c, int h, int w, int window, int stride,
                                 float[] fill, int target) {
        int rows = (h - window) / stride + 1;
        int cols = (w - window) / stride + 1;
        double[][] out = new double[rows][cols];
        try (NDManager m = it.newScope()) {
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < cols; q++) {
                    float[] p = x.clone();
                    for (int ch = 0; ch < c; ch++) {
                        for (int y = r * stride; y < r * stride + window; y++) {
                            for (int xx = q * stride; xx < q * stride + window; xx++) {
                                int i = (ch * h + y) * w + xx;
                                p[i] = fill[i];
                            }
                        }
                    }
                    // the model ends in Softmax: its output is the probability
                    double[] prob = AttributionModels.tensor(it, m.create(p, new Shape(1, c, h, w)), "prob_out");
                    out[r][q] = prob[target];
                }
            }
        }
        return out;
    }

    @Test
    void equalsBruteForceSingleForwardPasses() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(21, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 22, 2, 2, DataType.FLOAT32);
            List<Integer> batches = new ArrayList<>();
            Occlusion occ = new Occlusion(it, new Occlusion.Options(3, 2, Baseline.constant(0.5, -0.25), 5),
                    (stage, done, total) -> batches.add((int) done));
            Occlusion.Result res = occ.run(x, Target.classes(1, 2));
            Attributions a = res.map();
            // positions where a 3-wide window fits in 8 pixels with stride 2: 0, 2, 4 → 3 × 3
            assertArrayEquals(new long[] {2, 3, 3}, a.shape());
            assertEquals(List.of(0, 5, 10, 15, 18), batches);
            for (int n = 0; n < 2; n++) {
                float[] xn = x.get(n + ":" + (n + 1)).toFloatArray();
                float[] fill = new float[128];
                java.util.Arrays.fill(fill, 0, 64, 0.5f);
                java.util.Arrays.fill(fill, 64, 128, -0.25f);
                int target = n == 0 ? 1 : 2;
                double[][] expect = bruteForce(it, xn, 2, 8, 8, 3, 2, fill, target);
                for (int r = 0; r < 3; r++) {
                    for (int q = 0; q < 3; q++) {
                        assertEquals(expect[r][q], a.get(n, r, q), 1e-6, "example " + n + " position " + r + "," + q);
                    }
                }
                double[] intact = AttributionModels.tensor(it, x.get(n + ":" + (n + 1)), "prob_out");
                assertEquals(intact[target], res.unoccluded()[n], 1e-6);
            }
        }
    }

    /** Zero, mean and blur fills against the same oracle; batch size does not change the result. */
    @Test
    void fillsAndBatchSizes() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(23, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 24, 1, 1, DataType.FLOAT32);
            float[] xv = x.toFloatArray();
            int predicted = new Saliency(it).attribute(x, Target.predicted()).target().index(0);
            for (Baseline fill : List.of(Baseline.zero(), Baseline.mean(), Baseline.blur(1.5))) {
                float[] f = fill.image(xv, 1, 8, 8);
                double[][] expect = bruteForce(it, xv, 1, 8, 8, 4, 1, f, predicted);
                for (int batch : new int[] {1, 7}) {
                    Attributions a = new Occlusion(it, new Occlusion.Options(4, 1, fill, batch))
                            .attribute(x, Target.predicted());
                    assertArrayEquals(new long[] {1, 5, 5}, a.shape());
                    assertEquals(predicted, a.target().index(0));
                    for (int r = 0; r < 5; r++) {
                        for (int q = 0; q < 5; q++) {
                            assertEquals(expect[r][q], a.get(0, r, q), 1e-6, fill + " batch " + batch);
                        }
                    }
                }
            }
        }
    }

    @Test
    void baselinesAreWhatTheySay() {
        float[] x = new float[2 * 3 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < 9 ? i : 2;
        }
        float[] mean = Baseline.mean().image(x, 2, 3, 3);
        assertEquals(4f, mean[0], 1e-6f);
        assertEquals(2f, mean[17], 1e-6f);
        // a blur keeps a constant image constant and keeps the mean of a symmetric image's centre
        float[] blur = Baseline.blur(1).image(x, 2, 3, 3);
        for (int i = 9; i < 18; i++) {
            assertEquals(2f, blur[i], 1e-5f);
        }
        assertEquals(4f, blur[4], 1e-5f);
        assertTrue(blur[0] > 0 && blur[0] < 4);
        float[] rgb = Baseline.parse("0.1, 0.2").image(x, 2, 3, 3);
        assertEquals(0.1f, rgb[0], 1e-7f);
        assertEquals(0.2f, rgb[9], 1e-7f);
        assertEquals(Baseline.zero(), Baseline.parse("zero"));
        OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> Baseline.parse("grey"));
        assertEquals("fill 'grey' is not one of zero, mean, blur, blur:SIGMA or per-channel values R,G,B",
                e.getMessage());
        OutOfRangeException c = assertThrows(OutOfRangeException.class,
                () -> Baseline.parse("1,2,3").image(x, 2, 3, 3));
        assertEquals("a constant fill of 3 values does not fit an input of 2 channels; give one value or 2", c.getMessage());
    }

    @Test
    void badWindowAndStride() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(23, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 24, 1, 1, DataType.FLOAT32);
            OutOfRangeException big = assertThrows(OutOfRangeException.class,
                    () -> new Occlusion(it, Occlusion.Options.defaults().withWindow(9)).attribute(x, Target.predicted()));
            assertEquals("occlusion window 9 is larger than the image (8x8); use a window of at most 8", big.getMessage());
            OutOfRangeException zero = assertThrows(OutOfRangeException.class,
                    () -> Occlusion.Options.defaults().withStride(0));
            assertEquals("occlusion stride 0 must be at least 1 pixel", zero.getMessage());
        }
    }

    /** Feature-map mode: the strongest maps and their activation drops, against a brute-force loop. */
    @Test
    void featureMapsEqualBruteForce() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(25, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 26, 1, 1, DataType.FLOAT32);
            float[] xv = x.toFloatArray();
            OcclusionFeatureMaps.Result res = new OcclusionFeatureMaps(it,
                    new OcclusionFeatureMaps.Options("relu1", 2, new Occlusion.Options(4, 2, Baseline.zero(), 4)),
                    Progress.NONE).run(x);
            double[] a = AttributionModels.tensor(it, x, "relu1_out");
            double[] totals = new double[4];
            for (int c = 0; c < 4; c++) {
                for (int p = 0; p < 64; p++) {
                    totals[c] += a[c * 64 + p];
                }
            }
            Integer[] order = {0, 1, 2, 3};
            java.util.Arrays.sort(order, (p, q) -> Double.compare(totals[q], totals[p]));
            assertArrayEquals(new int[] {order[0], order[1]}, res.channels()[0]);
            assertArrayEquals(new long[] {1, 2, 3, 3}, res.drops().shape());
            for (int k = 0; k < 2; k++) {
                int ch = order[k];
                assertEquals(totals[ch], res.totals()[0][k], 1e-4);
                for (int r = 0; r < 3; r++) {
                    for (int q = 0; q < 3; q++) {
                        float[] p = xv.clone();
                        for (int y = 2 * r; y < 2 * r + 4; y++) {
                            for (int xx = 2 * q; xx < 2 * q + 4; xx++) {
                                p[y * 8 + xx] = 0;
                            }
                        }
                        double[] ao = AttributionModels.tensor(it, m.create(p, new Shape(1, 1, 8, 8)), "relu1_out");
                        double occluded = 0;
                        for (int i = 0; i < 64; i++) {
                            occluded += ao[ch * 64 + i];
                        }
                        assertEquals(totals[ch] - occluded, res.drops().get(0, k, r, q), 1e-4);
                    }
                }
            }
        }
    }
}
