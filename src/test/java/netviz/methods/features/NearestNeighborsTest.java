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

    /**
     * Both kernels against brute force on data with planted exact duplicates, exact ties and near
     * duplicates (d = 1: thousands of points on a short line, closer than float rounding of
     * {@code ‖a‖² + ‖b‖² − 2ab} can tell): the same indices, ties broken by the smaller index, and the
     * same distances (relative 1e-6).
     */
    @Test
    void bothKernelsEqualBruteForceWithDuplicatesAndTies() {
        Random r = new Random(5);
        int n = NearestNeighbors.LIBTORCH_DB_BLOCK + 813;   // two libtorch blocks, the last one partial
        for (int d : new int[] {1, 9}) {
            float[] x = gaussian(n, d, 6 + d);
            for (int i = 0; i < n; i += 7) {
                if (i % 3 == 0) {   // a small integer grid: many exactly tied distances
                    for (int c = 0; c < d; c++) {
                        x[i * d + c] = r.nextInt(3);
                    }
                } else if (i > 0) {   // an exact duplicate of an earlier row
                    System.arraycopy(x, r.nextInt(i) * d, x, i * d, d);
                }
            }
            int nq = 70;
            float[] q = new float[nq * d];
            for (int i = 0; i < nq; i++) {
                System.arraycopy(x, (i * 131) % n * d, q, i * d, d);
            }
            for (Metric m : Metric.values()) {
                NearestNeighbors nn = new NearestNeighbors(x, d, m);
                for (NearestNeighbors.Kernel kernel : new NearestNeighbors.Kernel[] {NearestNeighbors.Kernel.JAVA, NearestNeighbors.Kernel.LIBTORCH}) {
                    for (int k : new int[] {1, 10}) {
                        NearestNeighbors.Result res = nn.using(kernel).search(q, k);
                        for (int i = 0; i < nq; i++) {
                            assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, k, m, -1), res, m, m + " " + kernel + " d=" + d + " k=" + k + " query " + i);
                        }
                    }
                    int[] rows = {0, 7, 21, n - 1};
                    NearestNeighbors.Result g = nn.using(kernel).neighborsOf(rows, 4);
                    float[] rq = new float[rows.length * d];
                    for (int i = 0; i < rows.length; i++) {
                        System.arraycopy(x, rows[i] * d, rq, i * d, d);
                    }
                    for (int i = 0; i < rows.length; i++) {
                        assertSameAsBruteForce(x, d, rq, i, bruteForce(x, d, rq, i, 4, m, rows[i]), g, m, m + " " + kernel + " self-excluded row " + rows[i]);
                        for (int t = 0; t < 4; t++) {
                            assertTrue(g.index(i, t) != rows[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void kEqualToTheDatasetSizeSortsEveryRow() {
        int n = 301;
        int d = 3;
        float[] x = gaussian(n, d, 8);
        System.arraycopy(x, 0, x, 5 * d, d);
        float[] q = gaussian(3, d, 9);
        for (NearestNeighbors.Kernel kernel : new NearestNeighbors.Kernel[] {NearestNeighbors.Kernel.JAVA, NearestNeighbors.Kernel.LIBTORCH}) {
            NearestNeighbors.Result res = new NearestNeighbors(x, d, Metric.EUCLIDEAN).using(kernel).search(q, n);
            for (int i = 0; i < 3; i++) {
                assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, n, Metric.EUCLIDEAN, -1), res, Metric.EUCLIDEAN, kernel + " k=n query " + i);
            }
        }
    }

    private static void assertSameAsBruteForce(float[] x, int d, float[] q, int qi, int[] expected, NearestNeighbors.Result got,
                                               Metric m, String what) {
        int k = expected.length;
        int[] idx = Arrays.copyOfRange(got.indices(), qi * k, qi * k + k);
        assertEquals(k, Arrays.stream(idx).distinct().count(), what + ": repeated index");
        for (int t = 0; t < k; t++) {
            double want = NearestNeighbors.distance(q, qi * d, x, expected[t] * d, d, m);
            double have = got.distance(qi, t);
            assertEquals(want, have, 1e-6 * Math.max(1, Math.abs(want)), what + " rank " + t);
            assertEquals(NearestNeighbors.distance(q, qi * d, x, idx[t] * d, d, m), have, 1e-12, what + " rank " + t + " index");
        }
        assertArrayEquals(expected, idx, what + ": indices (ties broken by the smaller index)");
    }
}
