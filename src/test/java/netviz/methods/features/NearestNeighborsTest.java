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
        double[] dist = new double[n];
        for (int j = 0; j < n; j++) {
            dist[j] = NearestNeighbors.distance(q, qi * d, data, j * d, d, m);
        }
        return IntStream.range(0, n).filter(j -> j != exclude).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> dist[j]).thenComparingInt(j -> j))
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
     * Every kernel against brute force on data with planted exact duplicates, exact ties and near
     * duplicates (d = 1: thousands of points on a short line, closer than float rounding of
     * {@code ‖a‖² + ‖b‖² − 2ab} can tell): the same indices, ties broken by the smaller index, and the
     * same distances (relative 1e-6).
     */
    @Test
    void bothKernelsEqualBruteForceWithDuplicatesAndTies() {
        Random r = new Random(5);
        int n = NearestNeighbors.LIBTORCH_DB_BLOCK + 813;   // two libtorch blocks and three ONNX Runtime blocks, the last one partial
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
                for (NearestNeighbors.Kernel kernel : NearestNeighbors.Kernel.values()) {
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
        for (NearestNeighbors.Kernel kernel : NearestNeighbors.Kernel.values()) {
            NearestNeighbors.Result res = new NearestNeighbors(x, d, Metric.EUCLIDEAN).using(kernel).search(q, n);
            for (int i = 0; i < 3; i++) {
                assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, n, Metric.EUCLIDEAN, -1), res, Metric.EUCLIDEAN, kernel + " k=n query " + i);
            }
        }
    }

    /**
     * The ONNX Runtime kernel against brute force in double on random 32-d data: three database blocks (the
     * last one partial) and three query blocks (the last one partial), external queries and the
     * self-excluding form, both metrics.
     */
    @Test
    void ortKernelEqualsBruteForceOnRandomData() {
        int n = 2 * NearestNeighbors.ORT_DB_BLOCK + 813;
        int d = 32;
        float[] x = gaussian(n, d, 11);
        int nq = 2 * NearestNeighbors.ORT_QUERY_BLOCK + 9;
        float[] q = gaussian(nq, d, 12);
        int[] rows = IntStream.range(0, nq).map(i -> (i * 977) % n).toArray();
        float[] rq = new float[nq * d];
        for (int i = 0; i < nq; i++) {
            System.arraycopy(x, rows[i] * d, rq, i * d, d);
        }
        for (Metric m : Metric.values()) {
            NearestNeighbors nn = new NearestNeighbors(x, d, m).using(NearestNeighbors.Kernel.ORT);
            NearestNeighbors.Result res = nn.search(q, 10);
            NearestNeighbors.Result own = nn.neighborsOf(rows, 10);
            for (int i = 0; i < nq; i++) {
                assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, 10, m, -1), res, m, m + " query " + i);
                assertSameAsBruteForce(x, d, rq, i, bruteForce(x, d, rq, i, 10, m, rows[i]), own, m, m + " row " + rows[i]);
            }
        }
    }

    /**
     * Searches of different widths one after the other on the ONNX Runtime kernel, whose workers keep their
     * buffers from one search to the next (a kept set that is too small is replaced): each equals brute force.
     */
    @Test
    void ortKernelAlternatingWidthsEqualBruteForce() {
        for (int round = 0; round < 2; round++) {
            for (int d : new int[] {40, 3, 300}) {
                int n = 2 * NearestNeighbors.ORT_DB_BLOCK * 128 / Math.max(d, 128) + 77;
                float[] x = gaussian(n, d, 20 + d);
                float[] q = gaussian(NearestNeighbors.NATIVE_MIN_QUERIES + d % 7, d, 21 + d);
                NearestNeighbors.Result r = new NearestNeighbors(x, d, Metric.EUCLIDEAN).using(NearestNeighbors.Kernel.ORT).search(q, 3);
                for (int i = 0; i < q.length / d; i++) {
                    assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, 3, Metric.EUCLIDEAN, -1), r, Metric.EUCLIDEAN,
                            "round " + round + " d=" + d + " query " + i);
                }
            }
        }
    }

    /** A one-row database: every query's only neighbour is row 0, on every kernel and through AUTO's native route. */
    @Test
    void oneRowDatabase() {
        int d = 5;
        float[] x = gaussian(1, d, 13);
        float[] q = gaussian(NearestNeighbors.NATIVE_MIN_QUERIES + 1, d, 14);
        for (NearestNeighbors.Kernel kernel : NearestNeighbors.Kernel.values()) {
            for (Metric m : Metric.values()) {
                NearestNeighbors.Result r = new NearestNeighbors(x, d, m).using(kernel).search(q, 1);
                for (int i = 0; i < q.length / d; i++) {
                    assertEquals(0, r.index(i, 0), kernel + " " + m);
                    assertEquals(NearestNeighbors.distance(q, i * d, x, 0, d, m), r.distance(i, 0), 1e-12, kernel + " " + m);
                }
            }
        }
    }

    /** k = n − 1 with the row itself excluded: every other row, sorted, on every kernel. */
    @Test
    void everyOtherRowWhenKIsTheRestOfTheDataset() {
        int n = 97;
        int d = 4;
        float[] x = gaussian(n, d, 15);
        System.arraycopy(x, 3 * d, x, 40 * d, d);   // a duplicate: a tie at distance 0
        int[] rows = {0, 3, 40, 96};
        float[] rq = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * d, rq, i * d, d);
        }
        for (NearestNeighbors.Kernel kernel : NearestNeighbors.Kernel.values()) {
            NearestNeighbors.Result r = new NearestNeighbors(x, d, Metric.EUCLIDEAN).using(kernel).neighborsOf(rows, n - 1);
            for (int i = 0; i < rows.length; i++) {
                assertSameAsBruteForce(x, d, rq, i, bruteForce(x, d, rq, i, n - 1, Metric.EUCLIDEAN, rows[i]), r, Metric.EUCLIDEAN,
                        kernel + " row " + rows[i]);
            }
        }
    }

    /**
     * Tight clusters far from the origin, where {@code ‖a‖² + ‖b‖² − 2ab} in float cancels almost every
     * digit: centres with coordinates near ±1000 (‖a‖² about 2·10⁷), members 10⁻² apart, so squared
     * distances (about 10⁻³) lie far below the float rounding of the expansion (about 1); some members are
     * exact duplicates. Every kernel must still return the brute-force neighbours in double, ties included.
     */
    @Test
    void clusteredDataWithLargeNormsKeepsTheExactNeighbours() {
        int d = 24;
        int n = NearestNeighbors.ORT_DB_BLOCK + 501;   // two database blocks, the last one partial
        Random r = new Random(16);
        float[][] centres = new float[3][d];
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) (1000 * (r.nextBoolean() ? 1 : -1) + r.nextGaussian());
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            float[] c = centres[i % 3];
            if (i > 30 && i % 11 == 0) {
                System.arraycopy(x, (i - 3 * (1 + r.nextInt(10))) * d, x, i * d, d);   // a duplicate in the same cluster
                continue;
            }
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (c[j] + 1e-2 * r.nextGaussian());
            }
        }
        int nq = NearestNeighbors.ORT_QUERY_BLOCK + 6;
        float[] q = new float[nq * d];
        for (int i = 0; i < nq; i++) {
            float[] c = centres[i % 3];
            for (int j = 0; j < d; j++) {
                q[i * d + j] = (float) (c[j] + 1e-2 * r.nextGaussian());
            }
        }
        int[] rows = {0, 1, 33, 44, n - 1};
        float[] rq = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * d, rq, i * d, d);
        }
        for (NearestNeighbors.Kernel kernel : NearestNeighbors.Kernel.values()) {
            for (Metric m : Metric.values()) {
                NearestNeighbors nn = new NearestNeighbors(x, d, m).using(kernel);
                NearestNeighbors.Result res = nn.search(q, 10);
                for (int i = 0; i < nq; i++) {
                    assertSameAsBruteForce(x, d, q, i, bruteForce(x, d, q, i, 10, m, -1), res, m, kernel + " " + m + " query " + i);
                }
                NearestNeighbors.Result own = nn.neighborsOf(rows, 5);
                for (int i = 0; i < rows.length; i++) {
                    assertSameAsBruteForce(x, d, rq, i, bruteForce(x, d, rq, i, 5, m, rows[i]), own, m, kernel + " " + m + " row " + rows[i]);
                }
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
