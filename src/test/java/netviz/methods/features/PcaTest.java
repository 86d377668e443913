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
}
