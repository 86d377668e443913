package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import netviz.OutOfRangeException;

class TrustworthinessTest {
    /** The definition, literally: full rankings in the original space, k nearest in the embedding. */
    static double bruteForce(float[] x, int dx, float[] y, int dy, int k) {
        int n = x.length / dx;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            final int fi = i;
            Integer[] orig = IntStream.range(0, n).filter(j -> j != fi).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(j -> d2(x, dx, fi, j)).thenComparingInt(j -> j)).toArray(Integer[]::new);
            int[] rank = new int[n];
            for (int r = 0; r < orig.length; r++) {
                rank[orig[r]] = r + 1;
            }
            int[] emb = IntStream.range(0, n).filter(j -> j != fi).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(j -> d2(y, dy, fi, j)).thenComparingInt(j -> j))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            for (int j : emb) {
                sum += Math.max(0, rank[j] - k);
            }
        }
        return 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * sum;
    }

    static double d2(float[] a, int d, int i, int j) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double t = a[i * d + c] - a[j * d + c];
            s += t * t;
        }
        return s;
    }

    @Test
    void equalsTheBruteForceDefinitionOnTinyCases() {
        for (long seed = 1; seed <= 5; seed++) {
            float[] x = NearestNeighborsTest.gaussian(23, 5, seed);
            float[] y = NearestNeighborsTest.gaussian(23, 2, seed + 100);
            for (int k = 1; k <= 5; k++) {
                assertEquals(bruteForce(x, 5, y, 2, k), Trustworthiness.of(x, 5, y, 2, k), 1e-12, "seed " + seed + " k " + k);
            }
        }
    }

    @Test
    void aFaithfulEmbeddingScoresOne() {
        float[] x = NearestNeighborsTest.gaussian(40, 2, 9);
        float[] x3 = new float[40 * 3];
        for (int i = 0; i < 40; i++) {
            x3[i * 3] = x[i * 2];
            x3[i * 3 + 1] = x[i * 2 + 1];
        }
        assertEquals(1.0, Trustworthiness.of(x3, 3, x, 2, 10), 1e-12);
    }

    @Test
    void kMustBeBelowHalfTheSize() {
        float[] x = NearestNeighborsTest.gaussian(10, 2, 1);
        assertThrows(OutOfRangeException.class, () -> Trustworthiness.of(x, 2, x, 2, 5));
    }
}
