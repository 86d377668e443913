package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import netviz.OutOfRangeException;
import netviz.methods.features.NearestNeighbors.Metric;

class NearestNeighborsTest {
    static float[] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Brute force: every distance in double, sorted by (distance, index). */
    static int[] bruteForce(float[] data, int d, float[] q, int qi, int k, Metric m, int exclude) {
        int n = data.length / d;
        return IntStream.range(0, n).filter(j -> j != exclude).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> NearestNeighbors.distance(q, qi * d, data, j * d, d, m))
                        .thenComparingInt(j -> j))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void graphEqualsBruteForceForBothMetrics() {
        int n = 2500;   // more than two database blocks
        int d = 13;
        float[] x = gaussian(n, d, 1);
        for (Metric m : Metric.values()) {
            NearestNeighbors nn = new NearestNeighbors(x, d, m);
            NearestNeighbors.Result r = nn.graph(7);
            for (int i = 0; i < n; i += 37) {
                int[] expected = bruteForce(x, d, x, i, 7, m, i);
                int[] got = Arrays.copyOfRange(r.indices(), i * 7, i * 7 + 7);
                assertArrayEquals(expected, got, m + " row " + i);
                for (int t = 0; t < 7; t++) {
                    assertEquals(NearestNeighbors.distance(x, i * d, x, expected[t] * d, d, m), r.distance(i, t), 1e-12);
                }
            }
        }
    }

    @Test
    void externalQueriesEqualBruteForce() {
        int d = 6;
        float[] x = gaussian(900, d, 2);
        float[] q = gaussian(70, d, 3);
        q[0] = 0;   // a partly zero query row is fine
        for (Metric m : Metric.values()) {
            NearestNeighbors.Result r = new NearestNeighbors(x, d, m).search(q, 5);
            for (int i = 0; i < 70; i++) {
                assertArrayEquals(bruteForce(x, d, q, i, 5, m, -1), Arrays.copyOfRange(r.indices(), i * 5, i * 5 + 5), m + " query " + i);
            }
        }
    }

    @Test
    void cosineIgnoresScale() {
        float[] x = {1, 0, 10, 0, 0, 1, 1, 1};
        NearestNeighbors nn = new NearestNeighbors(x, 2, Metric.COSINE);
        NearestNeighbors.Result r = nn.neighborsOf(new int[] {0}, 1);
        assertEquals(1, r.index(0, 0));
        assertEquals(0, r.distance(0, 0), 1e-12);
        NearestNeighbors.Result e = new NearestNeighbors(x, 2, Metric.EUCLIDEAN).neighborsOf(new int[] {0}, 1);
        assertEquals(3, e.index(0, 0));
    }

    @Test
    void kLargerThanTheDatasetIsOneClearError() {
        NearestNeighbors nn = new NearestNeighbors(gaussian(5, 3, 4), 3, Metric.EUCLIDEAN);
        OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> nn.graph(5));
        assertTrue(e.getMessage().contains("k = 5") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(OutOfRangeException.class, () -> nn.search(new float[3], 6));
        assertThrows(OutOfRangeException.class, () -> nn.neighborsOf(new int[] {5}, 1));
    }

    @Test
    void knnAccuracyOfSeparatedClasses() {
        float[] p = {0, 0, 0.1f, 0, 0, 0.1f, 10, 10, 10.1f, 10, 10, 10.1f};
        assertEquals(1.0, NearestNeighbors.knnAccuracy(p, 2, new int[] {0, 0, 0, 1, 1, 1}, 2));
        assertEquals(0.0, NearestNeighbors.knnAccuracy(p, 2, new int[] {0, 1, 1, 0, 1, 0}, 1), 0.5);
    }
}
