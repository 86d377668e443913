package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import netviz.NetvizException;
import org.junit.jupiter.api.Test;

class KMeansTest {

    private static double[] random(int n, int dim, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() * (1 + (i % 3));
        }
        return x;
    }

    @Test
    void atConvergenceAssignmentsAreNearestCentroidsAndCentroidsAreMemberMeans() {
        for (long seed = 0; seed < 6; seed++) {
            int dim = 2 + (int) (seed % 3);
            double[] x = random(300, dim, seed);
            KMeans.Result r = KMeans.fit(x, dim, KMeans.Options.defaults(5).withSeed(seed));
            assertTrue(r.converged(), "converged");
            int n = x.length / dim;
            double inertia = 0;
            for (int i = 0; i < n; i++) {
                // brute force: the centroid at the smallest squared distance, first one on ties
                int best = -1;
                double bestD = Double.POSITIVE_INFINITY;
                for (int c = 0; c < r.k(); c++) {
                    double d = 0;
                    for (int j = 0; j < dim; j++) {
                        double t = x[i * dim + j] - r.centroids()[c * dim + j];
                        d += t * t;
                    }
                    if (d < bestD) {
                        bestD = d;
                        best = c;
                    }
                }
                assertEquals(best, r.assignments()[i], "point " + i);
                inertia += bestD;
            }
            assertEquals(inertia, r.inertia(), 1e-9 * Math.max(1, inertia));
            for (int c = 0; c < r.k(); c++) {
                int[] m = r.members(c);
                assertEquals(r.sizes()[c], m.length);
                assertTrue(m.length > 0, "cluster " + c + " is not empty");
                for (int j = 0; j < dim; j++) {
                    double s = 0;
                    for (int i : m) {
                        s += x[i * dim + j];
                    }
                    assertEquals(s / m.length, r.centroids()[c * dim + j], 1e-12, "centroid " + c + " dim " + j);
                }
            }
        }
    }

    @Test
    void wellSeparatedBlobsAreClusteredExactly() {
        int k = 6;
        int per = 40;
        Random rnd = new Random(7);
        double[] x = new double[k * per * 2];
        int[] truth = new int[k * per];
        // blob centres on a circle of radius 100, points within radius 1: far apart, so any exact
        // partition is the blobs; interleave the points so order gives nothing away
        for (int i = 0; i < k * per; i++) {
            int b = i % k;
            truth[i] = b;
            double a = 2 * Math.PI * b / k;
            x[2 * i] = 100 * Math.cos(a) + rnd.nextDouble() - 0.5;
            x[2 * i + 1] = 100 * Math.sin(a) + rnd.nextDouble() - 0.5;
        }
        for (long seed = 0; seed < 5; seed++) {
            KMeans.Result r = KMeans.fit(x, 2, KMeans.Options.defaults(k).withSeed(seed));
            Map<Integer, Integer> map = new HashMap<>();
            for (int i = 0; i < truth.length; i++) {
                Integer prev = map.putIfAbsent(truth[i], r.assignments()[i]);
                assertEquals(prev == null ? r.assignments()[i] : prev, r.assignments()[i], "blob " + truth[i] + " split");
            }
            assertEquals(k, map.values().stream().distinct().count(), "every blob its own cluster");
        }
    }

    @Test
    void sameSeedSameResultOtherSeedMayDiffer() {
        double[] x = random(200, 2, 3);
        KMeans.Result a = KMeans.fit(x, 2, KMeans.Options.defaults(4).withSeed(11).withRestarts(3));
        KMeans.Result b = KMeans.fit(x, 2, KMeans.Options.defaults(4).withSeed(11).withRestarts(3));
        assertArrayEquals(a.assignments(), b.assignments());
        assertArrayEquals(a.centroids(), b.centroids());
        assertEquals(a.inertia(), b.inertia());
        assertEquals(a.iterations(), b.iterations());
    }

    @Test
    void moreRestartsNeverIncreaseInertia() {
        double[] x = random(250, 3, 5);
        KMeans.Result one = KMeans.fit(x, 3, KMeans.Options.defaults(7).withSeed(2).withRestarts(1));
        KMeans.Result ten = KMeans.fit(x, 3, KMeans.Options.defaults(7).withSeed(2).withRestarts(10));
        // the first restart of both runs uses the same random draws, so ten restarts contain the single one
        assertTrue(ten.inertia() <= one.inertia() + 1e-9, ten.inertia() + " > " + one.inertia());
    }

    @Test
    void kEqualToNAndDuplicatePointsWork() {
        double[] x = {0, 0, 1, 1, 5, 5};
        KMeans.Result r = KMeans.fit(x, 2, KMeans.Options.defaults(3));
        assertEquals(0, r.inertia(), 1e-12);
        double[] dup = {2, 2, 2, 2, 2, 2, 9, 9};
        KMeans.Result d = KMeans.fit(dup, 2, KMeans.Options.defaults(2));
        assertEquals(0, d.inertia(), 1e-12);
        assertEquals(d.assignments()[0], d.assignments()[1]);
    }

    @Test
    void badKIsAClearError() {
        double[] x = random(5, 2, 1);
        NetvizException big = assertThrows(NetvizException.class, () -> KMeans.fit(x, 2, KMeans.Options.defaults(6)));
        assertTrue(big.getMessage().contains("k = 6") && big.getMessage().contains("5 points"), big.getMessage());
        NetvizException zero = assertThrows(NetvizException.class, () -> KMeans.fit(x, 2, KMeans.Options.defaults(0)));
        assertTrue(zero.getMessage().contains("k = 0"), zero.getMessage());
        assertThrows(NetvizException.class, () -> KMeans.Options.defaults(2).withRestarts(0));
    }
}
