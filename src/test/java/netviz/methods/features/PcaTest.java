package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

import netviz.OutOfRangeException;

class PcaTest {
    @Test
    void recoversKnownComponentsAndVariances() {
        int d = 6;
        int n = 40_000;
        double[] lambda = {9, 4, 2, 1, 0.5, 0.25};
        Random r = new Random(42);
        double[][] a = new double[d][d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        RealMatrix v = new QRDecomposition(MatrixUtils.createRealMatrix(a)).getQ();   // random orthogonal basis
        double[] mean = {3, -1, 0.5, 10, 0, -7};
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int c = 0; c < d; c++) {
                z[c] = Math.sqrt(lambda[c]) * r.nextGaussian();
            }
            for (int j = 0; j < d; j++) {
                double s = mean[j];
                for (int c = 0; c < d; c++) {
                    s += v.getEntry(j, c) * z[c];
                }
                x[i * d + j] = (float) s;
            }
        }
        Pca pca = Pca.fit(x, d, 3);
        double total = 0;
        for (double l : lambda) {
            total += l;
        }
        for (int c = 0; c < 3; c++) {
            double[] got = pca.component(c);
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += got[j] * v.getEntry(j, c);
            }
            assertEquals(1, Math.abs(dot), 0.01, "component " + c);
            assertEquals(lambda[c], pca.explainedVariance()[c], lambda[c] * 0.03, "variance " + c);
            assertEquals(lambda[c] / total, pca.explainedVarianceRatio()[c], 0.01, "ratio " + c);
        }
        assertEquals(total, pca.totalVariance(), total * 0.02);
        for (int j = 0; j < d; j++) {
            assertEquals(mean[j], pca.mean()[j], 0.05);
        }
        // the coordinates are centred, uncorrelated and carry the variances
        double[] t = pca.transform(x);
        double m0 = 0;
        double v0 = 0;
        double c01 = 0;
        for (int i = 0; i < n; i++) {
            m0 += t[i * 3];
            v0 += t[i * 3] * t[i * 3];
            c01 += t[i * 3] * t[i * 3 + 1];
        }
        assertEquals(0, m0 / n, 1e-3);
        assertEquals(pca.explainedVariance()[0], v0 / (n - 1), 1e-3 * v0 / n);
        assertEquals(0, c01 / n, 1e-3);
        assertTrue(pca.explainedVarianceRatio()[0] > pca.explainedVarianceRatio()[1]);
    }

    @Test
    void badComponentCountsAreOneClearError() {
        float[] x = NearestNeighborsTest.gaussian(10, 3, 1);
        assertThrows(OutOfRangeException.class, () -> Pca.fit(x, 3, 4));
        assertThrows(OutOfRangeException.class, () -> Pca.fit(new float[3], 3, 1));
    }

    /**
     * Features like a ReLU layer's: non-negative, correlated through a few latent factors with
     * decaying strength, plus noise; n × d row-major.
     */
    static float[] reluFeatures(int n, int d, long seed) {
        Random r = new Random(seed);
        int factors = 20;
        double[][] load = new double[factors][d];
        for (double[] row : load) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[factors];
            for (int f = 0; f < factors; f++) {
                z[f] = r.nextGaussian() * Math.pow(0.7, f);
            }
            for (int j = 0; j < d; j++) {
                double s = 0.3 * r.nextGaussian();
                for (int f = 0; f < factors; f++) {
                    s += z[f] * load[f][j];
                }
                x[i * d + j] = (float) Math.max(0, s);
            }
        }
        return x;
    }

    /**
     * The randomised method, with its products in Java and on the engine, agrees with the exact
     * eigen-decomposition: components up to sign, variances to 1e-4 relative.
     */
    @Test
    void randomizedAgreesWithTheExactMethod() {
        int n = 500;
        int d = 300;
        float[] x = reluFeatures(n, d, 5);
        for (int m : new int[] {2, 10}) {
            Pca exact = Pca.fit(x, d, m, Pca.Options.defaults().withMethod(Pca.Method.COVARIANCE));
            for (Pca.Multiply multiply : Pca.Multiply.values()) {
                assertAgree(exact, Pca.fit(x, d, m, Pca.Options.defaults().withMethod(Pca.Method.RANDOMIZED)
                        .withMultiply(multiply)), multiply + ", " + m + " components");
            }
        }
    }

    private static void assertAgree(Pca exact, Pca fast, String what) {
        int d = exact.dim();
        assertEquals(exact.totalVariance(), fast.totalVariance(), 1e-9 * exact.totalVariance());
        for (int j = 0; j < d; j++) {
            assertEquals(exact.mean()[j], fast.mean()[j], 0);
        }
        for (int c = 0; c < exact.count(); c++) {
            assertEquals(exact.explainedVariance()[c], fast.explainedVariance()[c], 1e-4 * exact.explainedVariance()[c],
                    what + ": variance " + c);
            assertEquals(exact.explainedVarianceRatio()[c], fast.explainedVarianceRatio()[c],
                    1e-4 * exact.explainedVarianceRatio()[c]);
            double[] a = exact.component(c);
            double[] b = fast.component(c);
            for (int j = 0; j < d; j++) {
                // same sign convention (largest coefficient positive), so equal up to rounding
                assertEquals(a[j], b[j], 1e-4, what + ": component " + c + " coefficient " + j);
            }
        }
    }

    @Test
    void autoTakesTheCovarianceMethodForModerateWidthsAndRandomizedForWideOnes() {
        Pca.Options o = Pca.Options.defaults();
        assertEquals(Pca.Method.COVARIANCE, Pca.choose(10_000, 512, 2, o));
        assertEquals(Pca.Method.RANDOMIZED, Pca.choose(10_000, 3136, 2, o));
        assertEquals(Pca.Method.RANDOMIZED, Pca.choose(10_000, 3136, 50, o));
        assertEquals(Pca.Method.COVARIANCE, Pca.choose(10_000, 3136, 900, o), "k > d / 4: little to save");
        assertEquals(Pca.Method.RANDOMIZED, Pca.choose(30, 3136, 2, o), "k is capped at n");
        assertEquals(Pca.Method.RANDOMIZED, Pca.choose(10, 3, 1, o.withMethod(Pca.Method.RANDOMIZED)));
    }

    /** Rank-deficient input (more components asked than the data has): the randomised method still returns orthonormal components. */
    @Test
    void randomizedHandlesRankDeficientData() {
        int n = 50;
        int d = 40;
        float[] x = new float[n * d];
        Random r = new Random(6);
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (a * (j % 3 - 1));   // rank 1
            }
        }
        Pca p = Pca.fit(x, d, 3, Pca.Options.defaults().withMethod(Pca.Method.RANDOMIZED));
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += p.component(a)[j] * p.component(b)[j];
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-9, a + "," + b);
            }
        }
        assertEquals(1, p.explainedVarianceRatio()[0], 1e-6);
        assertEquals(0, p.explainedVariance()[1], 1e-9);
    }
}
