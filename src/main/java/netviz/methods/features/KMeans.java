package netviz.methods.features;

import java.util.Arrays;
import java.util.Random;
import netviz.OutOfRangeException;

/**
 * k-means clustering (Lloyd 1982): partition n points into k clusters minimising the inertia
 * <pre>  Σ_i ‖x_i − μ_{c(i)}‖²  </pre>
 * by alternating (1) assign each point to its nearest centroid and (2) move each centroid to the
 * mean of its members, until no assignment changes. Centroids start by k-means++ seeding (Arthur
 * and Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA 2007): the first
 * uniformly at random, each next one a point drawn with probability proportional to its squared
 * distance to the nearest centroid chosen so far. The whole procedure is repeated
 * {@code restarts} times from different seedings (one seeded {@link Random} drives them all, so
 * the same seed gives the same result) and the run with the lowest inertia is kept.
 *
 * <p>Ties in the nearest-centroid assignment go to the lower centroid index. A cluster that
 * becomes empty is re-seeded with the point farthest from its current centroid (as scikit-learn
 * does), so every cluster of the result has at least one member whenever the data has at least
 * k distinct points.
 *
 * <p>At convergence ({@link Result#converged()}), every point's assignment equals its
 * nearest centroid and every centroid equals the mean of its members.
 */
public final class KMeans {

    /**
     * @param k             number of clusters (1 to n)
     * @param restarts      independent k-means++ seedings; the lowest inertia wins (10, as
     *                      scikit-learn's {@code n_init})
     * @param maxIterations Lloyd iterations per restart at most (300, as scikit-learn)
     * @param seed          seed of the random seeding
     */
    public record Options(int k, int restarts, int maxIterations, long seed) {
        public Options {
            if (restarts < 1 || restarts > 1000) {
                throw new OutOfRangeException("k-means restarts must be between 1 and 1000, not " + restarts);
            }
            if (maxIterations < 1 || maxIterations > 1_000_000) {
                throw new OutOfRangeException("k-means iterations must be between 1 and 1000000, not " + maxIterations);
            }
        }

        /** k clusters, 10 restarts, at most 300 iterations each, seed 0. */
        public static Options defaults(int k) {
            return new Options(k, 10, 300, 0);
        }

        public Options withRestarts(int r) {
            return new Options(k, r, maxIterations, seed);
        }

        public Options withMaxIterations(int m) {
            return new Options(k, restarts, m, seed);
        }

        public Options withSeed(long s) {
            return new Options(k, restarts, maxIterations, s);
        }
    }

    /**
     * A clustering.
     *
     * @param k           number of clusters
     * @param dim         dimensions of each point
     * @param centroids   k × dim, row-major
     * @param assignments the cluster of each point
     * @param sizes       members per cluster
     * @param inertia     Σ squared distance of each point to its centroid
     * @param iterations  Lloyd iterations of the kept run
     * @param converged   whether the kept run stopped because no assignment changed
     */
    public record Result(int k, int dim, double[] centroids, int[] assignments, int[] sizes, double inertia,
                         int iterations, boolean converged) {
        /** Centroid {@code c} as a new array. */
        public double[] centroid(int c) {
            return Arrays.copyOfRange(centroids, c * dim, (c + 1) * dim);
        }

        /** The indices of cluster {@code c}'s members, in increasing order. */
        public int[] members(int c) {
            int[] m = new int[sizes[c]];
            int j = 0;
            for (int i = 0; i < assignments.length; i++) {
                if (assignments[i] == c) {
                    m[j++] = i;
                }
            }
            return m;
        }
    }

    private KMeans() {
    }

    /** Clusters the rows of {@code x} (row-major, {@code dim} columns). */
    public static Result fit(float[] x, int dim, Options o) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return fit(d, dim, o);
    }

    /** Clusters the rows of {@code x} (row-major, {@code dim} columns). */
    public static Result fit(double[] x, int dim, Options o) {
        if (dim < 1 || x.length % dim != 0) {
            throw new IllegalArgumentException(x.length + " values are not rows of " + dim);
        }
        int n = x.length / dim;
        if (n == 0) {
            throw new OutOfRangeException("k-means needs at least one point");
        }
        if (o.k() < 1 || o.k() > n) {
            throw new OutOfRangeException("k-means needs between 1 and " + n + " clusters for " + n
                    + " point" + (n == 1 ? "" : "s") + ", not k = " + o.k());
        }
        Random rnd = new Random(o.seed());
        Result best = null;
        for (int r = 0; r < o.restarts(); r++) {
            Result res = lloyd(x, n, dim, seed(x, n, dim, o.k(), rnd), o.k(), o.maxIterations());
            if (best == null || res.inertia() < best.inertia()) {
                best = res;
            }
        }
        return best;
    }

    /** k-means++ seeding: k centroids, row-major. */
    static double[] seed(double[] x, int n, int dim, int k, Random rnd) {
        double[] c = new double[k * dim];
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * dim, c, 0, dim);
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(x, i * dim, c, 0, dim);
        }
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total > 0) {
                double u = rnd.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (u < acc) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rnd.nextInt(n);
            }
            System.arraycopy(x, pick * dim, c, j * dim, dim);
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist2(x, i * dim, c, j * dim, dim));
            }
        }
        return c;
    }

    private static Result lloyd(double[] x, int n, int dim, double[] c, int k, int maxIterations) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        int[] sizes = new int[k];
        boolean converged = false;
        int it = 0;
        while (it < maxIterations) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int j = nearest(c, k, dim, x, i * dim);
                if (j != a[i]) {
                    a[i] = j;
                    changed = true;
                }
            }
            if (!changed) {
                converged = true;
                break;
            }
            it++;
            update(x, n, dim, a, c, k, sizes);
        }
        Arrays.fill(sizes, 0);
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            sizes[a[i]]++;
            inertia += dist2(x, i * dim, c, a[i] * dim, dim);
        }
        return new Result(k, dim, c, a, sizes, inertia, it, converged);
    }

    /**
     * Moves each centroid to the mean of its members. An empty cluster takes the point farthest from
     * its centroid (from a cluster with more than one member), and the means are then recomputed, so
     * that on return every centroid is the mean of its members.
     */
    private static void update(double[] x, int n, int dim, int[] a, double[] c, int k, int[] sizes) {
        for (int round = 0; round <= k; round++) {
            means(x, n, dim, a, c, k, sizes);
            boolean reseeded = false;
            for (int j = 0; j < k; j++) {
                if (sizes[j] > 0) {
                    continue;
                }
                int far = -1;
                double farD = -1;
                for (int i = 0; i < n; i++) {
                    if (sizes[a[i]] <= 1) {
                        continue;
                    }
                    double d2 = dist2(x, i * dim, c, a[i] * dim, dim);
                    if (d2 > farD) {
                        farD = d2;
                        far = i;
                    }
                }
                if (far < 0) {
                    return;
                }
                sizes[a[far]]--;
                a[far] = j;
                sizes[j] = 1;
                reseeded = true;
            }
            if (!reseeded) {
                return;
            }
        }
    }

    private static void means(double[] x, int n, int dim, int[] a, double[] c, int k, int[] sizes) {
        double[] sum = new double[k * dim];
        Arrays.fill(sizes, 0);
        for (int i = 0; i < n; i++) {
            sizes[a[i]]++;
            for (int d = 0; d < dim; d++) {
                sum[a[i] * dim + d] += x[i * dim + d];
            }
        }
        for (int j = 0; j < k; j++) {
            if (sizes[j] == 0) {
                continue;
            }
            for (int d = 0; d < dim; d++) {
                c[j * dim + d] = sum[j * dim + d] / sizes[j];
            }
        }
    }

    /** The index of the centroid nearest to the point at {@code x[off..off+dim)} (lowest index on ties). */
    public static int nearest(double[] centroids, int k, int dim, double[] x, int off) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double d = dist2(x, off, centroids, j * dim, dim);
            if (d < bestD) {
                bestD = d;
                best = j;
            }
        }
        return best;
    }

    static double dist2(double[] a, int ao, double[] b, int bo, int dim) {
        double s = 0;
        for (int d = 0; d < dim; d++) {
            double t = a[ao + d] - b[bo + d];
            s += t * t;
        }
        return s;
    }
}
