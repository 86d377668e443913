package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import netviz.OutOfRangeException;

class TsneTest {
    /** {@code clusters} Gaussian blobs of unit variance in {@code d} dimensions, centres 20 apart on the axes. */
    static float[] blobs(int clusters, int perCluster, int d, long seed, int[] labels) {
        Random r = new Random(seed);
        float[] x = new float[clusters * perCluster * d];
        for (int c = 0; c < clusters; c++) {
            for (int i = 0; i < perCluster; i++) {
                int row = c * perCluster + i;
                labels[row] = c;
                for (int j = 0; j < d; j++) {
                    x[row * d + j] = (float) (r.nextGaussian() + (j == c ? 20 : 0));
                }
            }
        }
        return x;
    }

    /*
     * Thresholds: the blobs' centres are 20·√2 ≈ 28 standard deviations apart, so in the input every point's
     * 10 nearest neighbours share its blob (kNN accuracy 1). An embedding that keeps the clusters apart
     * keeps that: we ask for ≥ 99 % 5-NN accuracy in 2-D (a few points may land on a cluster's rim) and a
     * trustworthiness ≥ 0.85 (within a blob the points are isotropic noise, so neighbour ranks inside a
     * blob are only partly preserved; mixing blobs would push T towards 0.5).
     */
    @Test
    void keepsWellSeparatedClustersApartExactBarnesHutAndFft() {
        for (Tsne.Method m : List.of(Tsne.Method.EXACT, Tsne.Method.BARNES_HUT, Tsne.Method.FFT)) {
            int[] labels = new int[5 * 80];
            float[] x = blobs(5, 80, 10, 3, labels);
            Tsne.Result r = Tsne.run(x, 10, Tsne.Options.defaults().withMethod(m).withIterations(500));
            float[] y = r.coordinatesAsFloats();
            double acc = NearestNeighbors.knnAccuracy(y, 2, labels, 5);
            double t = Trustworthiness.of(x, 10, y, 2, 10);
            assertTrue(acc >= 0.99, m + " kNN accuracy " + acc);
            assertTrue(t >= 0.85, m + " trustworthiness " + t);
            // the KL divergence falls from the initial (collapsed) layout
            List<double[]> h = r.klHistory();
            assertEquals(0, h.get(0)[0]);
            assertTrue(r.klDivergence() < 0.5 * h.get(0)[1], m + " KL " + h.get(0)[1] + " -> " + r.klDivergence());
            // after exaggeration ends, every 50 iterations lower it (or leave it within noise)
            for (int i = 1; i < h.size(); i++) {
                if (h.get(i - 1)[0] >= 300) {
                    assertTrue(h.get(i)[1] <= h.get(i - 1)[1] * 1.01, m + " KL rose at " + h.get(i)[0]);
                }
            }
        }
    }

    @Test
    void sameSeedSameResultInTwoAndThreeDimensions() {
        int[] labels = new int[3 * 70];
        float[] x = blobs(3, 70, 5, 11, labels);
        for (int dim : new int[] {2, 3}) {
            Tsne.Options o = Tsne.Options.defaults().withDim(dim).withPerplexity(10).withIterations(300)
                    .withMethod(Tsne.Method.BARNES_HUT).withInit(Tsne.Init.RANDOM).withSeed(7);
            double[] a = Tsne.run(x, 5, o).coordinates();
            double[] b = Tsne.run(x, 5, o).coordinates();
            assertArrayEquals(a, b);
            assertEquals(210 * dim, a.length);
            double[] c = Tsne.run(x, 5, o.withSeed(8)).coordinates();
            assertFalse(Arrays.equals(a, c));
        }
    }

    @Test
    void progressIsToldEveryIterationAndChangesNothing() {
        float[] x = blobs(3, 40, 5, 3, new int[120]);
        Tsne.Options o = Tsne.Options.defaults().withPerplexity(10).withIterations(120)
                .withMethod(Tsne.Method.BARNES_HUT).withSeed(5);
        java.util.List<int[]> calls = new java.util.ArrayList<>();
        Tsne.Result told = Tsne.run(x, 5, o, (stage, done, total) -> calls.add(new int[] {(int) done, (int) total}));
        Tsne.Result quiet = Tsne.run(x, 5, o);
        assertArrayEquals(quiet.coordinates(), told.coordinates());
        assertEquals(told.iterations(), calls.size());
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(i + 1, calls.get(i)[0]);
            assertEquals(120, calls.get(i)[1]);
        }
    }

    /**
     * The map depends on the input and the seed only: the same on one thread as on two, for every gradient
     * (the per-point loops are cut into chunks that do not depend on the thread count, sums are ordered).
     */
    @Test
    void sameMapOnOneThreadAndOnTwo() {
        int[] labels = new int[3 * 70];
        float[] x = blobs(3, 70, 5, 11, labels);
        for (Tsne.Method m : List.of(Tsne.Method.EXACT, Tsne.Method.BARNES_HUT, Tsne.Method.FFT)) {
            Tsne.Options o = Tsne.Options.defaults().withPerplexity(10).withIterations(300).withMethod(m)
                    .withInit(Tsne.Init.RANDOM).withSeed(7);
            double[] one = Tsne.run(x, 5, o.withThreads(1)).coordinates();
            double[] two = Tsne.run(x, 5, o.withThreads(2)).coordinates();
            double[] again = Tsne.run(x, 5, o.withThreads(2)).coordinates();
            assertArrayEquals(one, two, m + ": one thread vs two");
            assertArrayEquals(two, again, m + ": two threads, twice");
        }
    }

    /**
     * On a 2-D map of enough points the automatic method takes the FFT repulsion while the map is small and
     * Barnes-Hut once its grid would cost more; which one runs depends on the map only, so the map is the same
     * on one thread as on two. No exaggeration and a large step make 4,500 points spread past the break-even
     * grid within 120 iterations.
     */
    @Test
    void automaticMethodMixesFftAndBarnesHutAndKeepsOneMapForAnyThreadCount() {
        int[] labels = new int[3 * 1500];
        float[] x = blobs(3, 1500, 5, 13, labels);
        Tsne.Options o = new Tsne.Options(2, 10, 1, 0, 120, 4000, 0.5, Tsne.Method.AUTO, Tsne.Init.RANDOM, 3, 1);
        Tsne.Result one = Tsne.run(x, 5, o);
        Tsne.Result two = Tsne.run(x, 5, o.withThreads(2));
        assertArrayEquals(one.coordinates(), two.coordinates());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) iterations fft.*, (\\d+) barnes-hut").matcher(one.method());
        assertTrue(m.find(), one.method());
        assertTrue(Integer.parseInt(m.group(1)) > 0 && Integer.parseInt(m.group(2)) > 0, one.method());
        assertEquals(120, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)), one.method());
    }

    /**
     * The switch compares the padded grid, {@code s = 2·3·max(50, ⌈extent⌉) − 1} rounded up to a 5-smooth
     * length, with N log₂ N: at 10,000 points a map 10 units wide (s = 300, 90,000 nodes) takes the FFT,
     * one 170.5 units wide (171 boxes: 2·513 − 1 = 1,025 → s = 1,080, 1.17 million nodes) takes Barnes-Hut.
     */
    @Test
    void automaticMethodComparesTheFftGridWithNLogN() {
        FftRepulsion fft = new FftRepulsion();
        int n = 10_000;
        double[] small = new double[2 * n];
        double[] wide = new double[2 * n];
        for (int i = 0; i < n; i++) {
            small[2 * i] = 10.0 * i / (n - 1);
            wide[2 * i] = 170.5 * i / (n - 1);
        }
        assertEquals(300, fft.paddedSide(small));
        assertEquals(1080, fft.paddedSide(wide));   // 171 boxes: 2·513 − 1 = 1025 → 1080 = 2³·3³·5
        assertTrue(Tsne.cheaper(fft, small, n) == fft);
        assertTrue(Tsne.cheaper(fft, wide, n) == null);
    }

    /**
     * Barnes-Hut with θ = 0 sums every pair, also where many points coincide (a leaf of identical points
     * larger than a leaf may hold) and where leaves hold several points.
     */
    @Test
    void barnesHutWithThetaZeroIsExactWithDuplicatePoints() {
        Tsne.Affinities p = Tsne.affinities(NearestNeighborsTest.gaussian(200, 6, 9), 6, 10, 31);
        Random r = new Random(9);
        double[] y = new double[2 * 200];
        // every fifth point (40 in all) at (1.5, −0.5), the others scattered
        Arrays.setAll(y, c -> (c / 2) % 5 == 0 ? (c % 2 == 0 ? 1.5 : -0.5) : r.nextGaussian() * 3);
        double[] exact = new double[y.length];
        double[] bh0 = new double[y.length];
        double klExact = Tsne.gradient(y, 2, p, 1, -1, exact, true);
        double kl0 = Tsne.gradient(y, 2, p, 1, 0, bh0, true);
        for (int i = 0; i < y.length; i++) {
            assertEquals(exact[i], bh0[i], 1e-9 * (1 + Math.abs(exact[i])), "coordinate " + i);
        }
        assertEquals(klExact, kl0, 1e-9);
    }

    /**
     * P is stored exactly where a brute-force search finds j among the k nearest neighbours of i or i among
     * those of j (no tied distances in Gaussian data), and its rows are the symmetrised conditionals.
     */
    @Test
    void affinitiesLiveOnTheBruteForceNeighbourGraph() {
        int n = 150;
        int d = 6;
        int k = 31;
        float[] x = NearestNeighborsTest.gaussian(n, d, 9);
        Tsne.Affinities p = Tsne.affinities(x, d, 10, k);
        boolean[][] near = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            Integer[] order = new Integer[n - 1];
            for (int j = 0, t = 0; j < n; j++) {
                if (j != i) {
                    order[t++] = j;
                }
            }
            double[] d2 = new double[n];
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < d; c++) {
                    double diff = (double) x[i * d + c] - x[j * d + c];
                    d2[j] += diff * diff;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(d2[a], d2[b]));
            for (int t = 0; t < k; t++) {
                near[i][order[t]] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean expected = near[i][j] || near[j][i];
                assertEquals(expected, p.get(i, j) > 0, "P_" + i + "," + j + " stored");
                assertEquals(p.get(i, j), p.get(j, i), 1e-15, "P symmetric at " + i + "," + j);
            }
        }
    }

    @Test
    void fftGradientAgreesWithTheExactGradient() {
        int n = 300;
        float[] x = NearestNeighborsTest.gaussian(n, 8, 4);
        Tsne.Affinities p = Tsne.affinities(x, 8, 20, 61);
        Random r = new Random(4);
        double[] y = new double[n * 2];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian() * 5;
        }
        double[] exact = new double[y.length];
        double klExact = Tsne.gradient(y, 2, p, 1, -1, exact, true);
        double[] tolerance = {1e-2, 1e-4};
        FftRepulsion[] fft = {new FftRepulsion(5, 50, 1), new FftRepulsion(6, 50, 2)};
        for (int v = 0; v < 2; v++) {
            double[] g = new double[y.length];
            double kl = Tsne.gradient(y, 2, p, 1, 0.5, fft[v], g, true);
            double err = 0;
            double norm = 0;
            for (int i = 0; i < y.length; i++) {
                err += (g[i] - exact[i]) * (g[i] - exact[i]);
                norm += exact[i] * exact[i];
            }
            assertTrue(Math.sqrt(err / norm) <= tolerance[v], fft[v] + ": relative gradient error " + Math.sqrt(err / norm));
            assertEquals(klExact, kl, tolerance[v] * klExact);
        }
    }

    @Test
    void fftIsTwoDimensionalOnly() {
        OutOfRangeException e = assertThrows(OutOfRangeException.class,
                () -> Tsne.validate(Tsne.Options.defaults().withDim(3).withMethod(Tsne.Method.FFT), 1000));
        assertTrue(e.getMessage().contains("2 dimensions"), e.getMessage());
    }

    @Test
    void barnesHutGradientAgreesWithTheExactGradient() {
        for (int dim : new int[] {2, 3}) {
            int n = 300;
            float[] x = NearestNeighborsTest.gaussian(n, 8, dim);
            Tsne.Affinities p = Tsne.affinities(x, 8, 20, 61);
            Random r = new Random(dim);
            double[] y = new double[n * dim];
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextGaussian() * 5;
            }
            double[] exact = new double[y.length];
            double[] bh0 = new double[y.length];
            double[] bh = new double[y.length];
            double klExact = Tsne.gradient(y, dim, p, 1, -1, exact, true);
            double kl0 = Tsne.gradient(y, dim, p, 1, 0, bh0, true);
            double klBh = Tsne.gradient(y, dim, p, 1, 0.5, bh, true);
            for (int i = 0; i < y.length; i++) {
                assertEquals(exact[i], bh0[i], 1e-9 * (1 + Math.abs(exact[i])), "theta 0, coordinate " + i);
            }
            assertEquals(klExact, kl0, 1e-9);
            double err = 0;
            double norm = 0;
            for (int i = 0; i < y.length; i++) {
                err += (exact[i] - bh[i]) * (exact[i] - bh[i]);
                norm += exact[i] * exact[i];
            }
            assertTrue(Math.sqrt(err / norm) < 0.05, dim + "-D relative gradient error " + Math.sqrt(err / norm));
            assertEquals(klExact, klBh, 0.02 * Math.abs(klExact));
        }
    }

    @Test
    void exactGradientMatchesFiniteDifferencesOfKl() {
        int n = 40;
        float[] x = NearestNeighborsTest.gaussian(n, 4, 5);
        Tsne.Affinities p = Tsne.affinities(x, 4, 5, n - 1);
        Random r = new Random(1);
        double[] y = new double[n * 2];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        double[] g = new double[y.length];
        Tsne.gradient(y, 2, p, 1, -1, g, true);
        double h = 1e-6;
        for (int c : new int[] {0, 7, 33, 79}) {
            double keep = y[c];
            y[c] = keep + h;
            double up = Tsne.gradient(y, 2, p, 1, -1, new double[y.length], true);
            y[c] = keep - h;
            double down = Tsne.gradient(y, 2, p, 1, -1, new double[y.length], true);
            y[c] = keep;
            assertEquals((up - down) / (2 * h), g[c], 1e-5, "coordinate " + c);
        }
    }

    @Test
    void affinitiesAreSymmetricNormalisedAndHitThePerplexity() {
        float[] x = NearestNeighborsTest.gaussian(200, 3, 8);
        Tsne.Affinities p = Tsne.affinities(x, 3, 10, 31);
        double sum = Arrays.stream(p.values()).sum();
        assertEquals(1, sum, 1e-12);
        for (int i = 0; i < 200; i += 13) {
            for (int t = p.rowStart()[i]; t < p.rowStart()[i + 1]; t++) {
                assertEquals(p.values()[t], p.get(p.cols()[t], i), 1e-15);
            }
        }
    }

    @Test
    void badInputIsOneClearError() {
        float[] x = NearestNeighborsTest.gaussian(50, 3, 1);
        OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> Tsne.run(x, 3, Tsne.Options.defaults()));
        assertTrue(e.getMessage().contains("perplexity 30 is too large for 50 points"), e.getMessage());
        e = assertThrows(OutOfRangeException.class, () -> Tsne.run(x, 3, Tsne.Options.defaults().withPerplexity(5).withDim(4)));
        assertTrue(e.getMessage().contains("2 or 3 dimensions"), e.getMessage());
    }
}
