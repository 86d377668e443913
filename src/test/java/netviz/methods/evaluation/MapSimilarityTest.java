package netviz.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link MapSimilarity} against hand-computed small cases. */
public class MapSimilarityTest {

    @Test
    void spearmanWithoutTiesIsOneMinusSixSumOfSquaredRankDifferences() {
        // ranks of b: 1, 3, 2, 4; d = 0, -1, 1, 0; rho = 1 - 6 * 2 / (4 * 15) = 0.8
        assertEquals(0.8, MapSimilarity.spearman(new float[] {10, 20, 30, 40}, new float[] {1, 3, 2, 4}), 1e-12);
        assertEquals(-1, MapSimilarity.spearman(new float[] {1, 2, 3}, new float[] {9, 5, 1}), 1e-12);
        // monotone but non-linear: rank correlation 1
        assertEquals(1, MapSimilarity.spearman(new float[] {1, 2, 3, 4}, new float[] {1, 8, 27, 64}), 1e-12);
    }

    @Test
    void tiesGetTheirAverageRank() {
        assertArrayEquals(new double[] {1, 2, 3.5, 5, 3.5}, MapSimilarity.ranks(new float[] {5, 6, 7, 8, 7}));
        // Pearson of ranks (1..5) and (1, 2, 3.5, 5, 3.5): sxy = 8, sxx = 10, syy = 9.5
        assertEquals(8 / Math.sqrt(95), MapSimilarity.spearman(new float[] {1, 2, 3, 4, 5},
                new float[] {5, 6, 7, 8, 7}), 1e-12);
    }

    @Test
    void aConstantMapSharesNoRanking() {
        assertEquals(0, MapSimilarity.spearman(new float[] {1, 2, 3}, new float[] {4, 4, 4}));
    }

    @Test
    void ssimIsOneForTheSameMapUpToScaleAndBelowOneOtherwise() {
        float[] a = new float[64];
        float[] scaled = new float[64];
        float[] other = new float[64];
        for (int i = 0; i < 64; i++) {
            a[i] = (i % 8) * (i / 8);
            scaled[i] = 3 * a[i] + 2;
            other[i] = (i * 37) % 64;
        }
        assertEquals(1, MapSimilarity.ssim(a, scaled, 8, 8), 1e-9);
        assertTrue(MapSimilarity.ssim(a, other, 8, 8) < 0.5);
    }
}
