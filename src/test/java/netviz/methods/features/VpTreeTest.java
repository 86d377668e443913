package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import netviz.OutOfRangeException;
import netviz.methods.features.NearestNeighbors.Metric;

class VpTreeTest {
    /** Gaussian rows with every fifth row an exact duplicate of an earlier one and every seventh on a small integer grid. */
    static float[] withDuplicatesAndTies(int n, int d, long seed) {
        float[] x = NearestNeighborsTest.gaussian(n, d, seed);
        Random r = new Random(seed);
        for (int i = 1; i < n; i++) {
            if (i % 5 == 0) {
                System.arraycopy(x, r.nextInt(i) * d, x, i * d, d);
            } else if (i % 7 == 0) {
                for (int c = 0; c < d; c++) {
                    x[i * d + c] = r.nextInt(3);
                }
            }
        }
        return x;
    }

    @Test
    void graphEqualsBruteForceWithTiesAndDuplicates() {
        for (int d : new int[] {1, 2, 10}) {
            int n = 700;
            float[] x = withDuplicatesAndTies(n, d, d);
            VpTree tree = new VpTree(x, d, 3);
            for (int k : new int[] {1, 5, n - 1}) {
                NearestNeighbors.Result r = tree.graph(k);
                for (int i = 0; i < n; i += (k == n - 1 ? 97 : 3)) {
                    int[] expected = NearestNeighborsTest.bruteForce(x, d, x, i, k, Metric.EUCLIDEAN, i);
                    assertArrayEquals(expected, Arrays.copyOfRange(r.indices(), i * k, i * k + k), "d=" + d + " k=" + k + " row " + i);
                    for (int t = 0; t < k; t++) {
                        assertEquals(NearestNeighbors.distance(x, i * d, x, expected[t] * d, d, Metric.EUCLIDEAN), r.distance(i, t), 0);
                    }
                }
            }
        }
    }

    @Test
    void externalQueriesEqualBruteForceAndTheBlockedSearch() {
        int d = 8;
        float[] x = withDuplicatesAndTies(1500, d, 11);
        float[] q = NearestNeighborsTest.gaussian(40, d, 12);
        System.arraycopy(x, 5 * d, q, 0, d);   // a query equal to a (duplicated) row
        NearestNeighbors.Result r = new VpTree(x, d, 1).search(q, 30);
        NearestNeighbors.Result b = new NearestNeighbors(x, d, Metric.EUCLIDEAN).using(NearestNeighbors.Kernel.JAVA).search(q, 30);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(NearestNeighborsTest.bruteForce(x, d, q, i, 30, Metric.EUCLIDEAN, -1),
                    Arrays.copyOfRange(r.indices(), i * 30, i * 30 + 30), "query " + i);
        }
        assertArrayEquals(b.indices(), r.indices());
        assertArrayEquals(b.distances(), r.distances());
    }

    @Test
    void allPointsEqualIsFine() {
        float[] x = new float[50 * 3];
        Arrays.fill(x, 2f);
        NearestNeighbors.Result r = new VpTree(x, 3, 0).graph(4);
        assertArrayEquals(new int[] {1, 2, 3, 4}, Arrays.copyOfRange(r.indices(), 0, 4));
        assertArrayEquals(new int[] {0, 1, 2, 3}, Arrays.copyOfRange(r.indices(), 49 * 4, 50 * 4));
        assertThrows(OutOfRangeException.class, () -> new VpTree(x, 3, 0).graph(50));
    }
}
