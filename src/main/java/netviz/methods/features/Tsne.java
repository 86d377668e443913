package netviz.methods.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import netviz.OutOfRangeException;
import netviz.methods.Finite;
import netviz.Progress;

/**
 * t-distributed stochastic neighbour embedding (van der Maaten &amp; Hinton 2008, "Visualizing data
 * using t-SNE", JMLR 9) with the Barnes-Hut gradient of van der Maaten (2014, "Accelerating t-SNE
 * using tree-based algorithms", JMLR 15), following scikit-learn's {@code TSNE} in its choices:
 * <ul>
 * <li><b>Affinities.</b> For each point a Gaussian bandwidth is found by binary search so that the
 *     conditional distribution {@code p(j|i) ∝ exp(−β_i ‖x_i − x_j‖²)} has perplexity {@code 2^H = Perp}
 *     (entropy within 1e-5 nats, at most 100 steps); Barnes-Hut restricts j to the
 *     {@code ⌊3·Perp⌋ + 1} nearest neighbours (exact search by {@link NearestNeighbors}), the exact
 *     method uses every point. {@code P = (P_cond + P_condᵀ) / Σ}.</li>
 * <li><b>Embedding.</b> {@code q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Z} (Student t, one degree of freedom, as
 *     in the paper), minimising {@code KL(P‖Q)} with gradient
 *     {@code ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)}: an attractive term over the
 *     sparse P and a repulsive term over all pairs, approximated by a quadtree (2-D) or octree (3-D)
 *     ({@link SpaceTree}): a cell of width w at distance δ from y_i stands for all its points when
 *     {@code w / δ < θ} (θ = 0.5; θ = 0 gives the exact sum). On 2-D maps FFT-accelerated interpolation ({@link FftRepulsion},
 *     Linderman et al. 2019) takes the iterations where its grid is cheaper ({@link #FFT_GRID_NODES_PER_POINT}).</li>
 * <li><b>Optimisation.</b> PCA initialisation scaled to standard deviation 1e-4 in the first coordinate
 *     (or Gaussian noise with the seed); early exaggeration 12 of P for the first 250 iterations with
 *     momentum 0.5, then momentum 0.8; per-coordinate gains (delta-bar-delta, Jacobs 1988: +0.2 when the
 *     gradient changes sign against the update, ×0.8 otherwise, at least 0.01); learning rate
 *     {@code max(N / 12 / 4, 50)} (Belkina et al. 2019, scikit-learn's "auto"); 1000 iterations.</li>
 * </ul>
 * Per-point work runs in parallel and every sum is taken in a fixed order, so the result depends only
 * on the input and the seed.
 */
public final class Tsne {
    /** How the repulsive forces are computed. */
    public enum Method {
        /**
         * Exact up to {@link #EXACT_MAX_POINTS} points; above, on 2-D maps, FFT-accelerated interpolation at the
         * iterations where its grid is cheaper than Barnes-Hut ({@link #FFT_GRID_NODES_PER_POINT}) and Barnes-Hut
         * at the others; 3-D maps stay with Barnes-Hut.
         */
        AUTO,
        BARNES_HUT,
        EXACT,
        /** FFT-accelerated interpolation of the repulsive forces ({@link FftRepulsion}, FIt-SNE); 2-D only. */
        FFT
    }

    /** Initial layout. */
    public enum Init { PCA, RANDOM }

    /** Up to this many points, {@link Method#AUTO} uses the exact O(N²) gradient. */
    public static final int EXACT_MAX_POINTS = 500;

    /**
     * {@link Method#AUTO} on a 2-D map takes, at each iteration, the FFT repulsion while its zero-padded grid of
     * side s has {@code s² ≤ FFT_GRID_NODES_PER_POINT · N log₂ N} nodes, Barnes-Hut otherwise: the FFT's cost
     * grows with the grid, that is with the map's extent (1 box per unit), Barnes-Hut's with N log N whatever
     * the extent. A map starts small (all of early exaggeration fits the smallest grid) and spreads, so the
     * FFT serves the first half of the iterations and Barnes-Hut the rest at 10,000 points, and the FFT keeps
     * a 70,000-point map while it is narrower than about 240 units. Measured on the 10,000-point Fashion-MNIST
     * map (one repulsion evaluation, one thread, ±20 % on a shared machine): Barnes-Hut 15-20 ms at any extent;
     * FFT 5 ms at grid side 300 (up to 50 units), 8.5 ms at 360, 14-19 ms at 480-500, 24-31 ms at 540-576,
     * 57 ms at 720, 108-123 ms at 1080 (174 units): the break-even side is about 500,
     * {@code 500² ≈ 1.9 · N log₂ N}.
     */
    public static final double FFT_GRID_NODES_PER_POINT = 1.9;

    /**
     * @param dim               2 or 3
     * @param perplexity        effective number of neighbours (30, as in scikit-learn; the paper suggests 5–50)
     * @param earlyExaggeration factor on P during the first iterations (12, van der Maaten 2014)
     * @param earlyIterations   iterations with exaggeration and momentum 0.5 (250)
     * @param iterations        total iterations (1000)
     * @param learningRate      step size; NaN = auto, {@code max(N / earlyExaggeration / 4, 50)}
     * @param theta             Barnes-Hut accuracy (0.5; 0 = exact)
     * @param seed              for the random initialisation
     * @param threads           worker threads (0 = one per available processor); the map does not depend on it
     */
    public record Options(int dim, double perplexity, double earlyExaggeration, int earlyIterations, int iterations,
                          double learningRate, double theta, Method method, Init init, long seed, int threads) {
        public static Options defaults() {
            return new Options(2, 30, 12, 250, 1000, Double.NaN, 0.5, Method.AUTO, Init.PCA, 0, 0);
        }

        public Options withThreads(int t) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, theta, method, init, seed, t);
        }

        public Options withDim(int d) {
            return new Options(d, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, theta, method, init, seed, threads);
        }

        public Options withPerplexity(double p) {
            return new Options(dim, p, earlyExaggeration, earlyIterations, iterations, learningRate, theta, method, init, seed, threads);
        }

        public Options withIterations(int it) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, it, learningRate, theta, method, init, seed, threads);
        }

        public Options withMethod(Method m) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, theta, m, init, seed, threads);
        }

        public Options withTheta(double t) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, t, method, init, seed, threads);
        }

        public Options withInit(Init i) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, theta, method, i, seed, threads);
        }

        public Options withSeed(long s) {
            return new Options(dim, perplexity, earlyExaggeration, earlyIterations, iterations, learningRate, theta, method, init, s, threads);
        }
    }

    /**
     * An embedding: {@code coordinates} n × dim row-major; {@code klHistory} holds (iteration, KL) pairs
     * measured every 50 iterations (iteration 0 = the initial layout), with the unexaggerated P.
     */
    public record Result(int n, int dim, double[] coordinates, double klDivergence, List<double[]> klHistory,
                         int iterations, String method, double seconds) {
        /** The coordinates as floats (for the neighbour search and the pictures). */
        public float[] coordinatesAsFloats() {
            float[] f = new float[coordinates.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) coordinates[i];
            }
            return f;
        }
    }

    /** A symmetric sparse joint-probability matrix P in compressed rows (Σ P = 1). */
    public record Affinities(int n, int[] rowStart, int[] cols, double[] values) {
        public int nonZeros() {
            return cols.length;
        }

        /** P_ij (0 when not stored). */
        public double get(int i, int j) {
            for (int t = rowStart[i]; t < rowStart[i + 1]; t++) {
                if (cols[t] == j) {
                    return values[t];
                }
            }
            return 0;
        }
    }

    private Tsne() {
    }

    /** Checks the options against the number of points; a {@link OutOfRangeException} names what is wrong. */
    public static void validate(Options o, int n) {
        if (o.dim() != 2 && o.dim() != 3) {
            throw new OutOfRangeException("t-SNE embeds in 2 or 3 dimensions, got --dim " + o.dim());
        }
        if (!(o.perplexity() > 0)) {
            throw new OutOfRangeException("perplexity must be positive, got " + o.perplexity());
        }
        if (3 * o.perplexity() >= n) {
            throw new OutOfRangeException(String.format(java.util.Locale.ROOT,
                    "perplexity %s is too large for %d points: t-SNE needs 3·perplexity < the number of points (here perplexity < %.1f)",
                    fmt(o.perplexity()), n, n / 3.0));
        }
        if (o.iterations() < 1 || o.earlyIterations() < 0) {
            throw new OutOfRangeException("t-SNE needs at least 1 iteration, got " + o.iterations());
        }
        if (o.method() == Method.FFT && o.dim() != 2) {
            throw new OutOfRangeException("the FFT-accelerated t-SNE gradient embeds in 2 dimensions only, got --dim "
                    + o.dim() + " (Barnes-Hut and exact work in 3)");
        }
        if (!(o.theta() >= 0)) {
            throw new OutOfRangeException("theta must be 0 or positive, got " + o.theta());
        }
        if (o.threads() < 0) {
            throw new OutOfRangeException("t-SNE threads must be 0 (all processors) or positive, got " + o.threads());
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Embeds the rows of {@code x} (row-major, {@code d} columns). */
    public static Result run(float[] x, int d, Options o) {
        return run(x, d, o, Progress.NONE);
    }

    /**
     * Embeds the rows of {@code x}, reporting each gradient iteration to {@code progress} (stage
     * "t-SNE") and stopping when it is cancelled.
     */
    public static Result run(float[] x, int d, Options o, Progress reporter) {
        int n = x.length / d;
        validate(o, n);
        Finite.check(x, new long[] {n, d}, "t-SNE: its input features");
        try (Parallel par = new Parallel(Parallel.threads(o.threads()))) {
            return run(x, d, o, Progress.orNone(reporter), par);
        }
    }

    private static Result run(float[] x, int d, Options o, Progress progress, Parallel par) {
        int n = x.length / d;
        long t0 = System.nanoTime();
        boolean exact = o.method() == Method.EXACT || (o.method() == Method.AUTO && n <= EXACT_MAX_POINTS);
        boolean mixed = o.method() == Method.AUTO && o.dim() == 2 && !exact;
        FftRepulsion fft = o.method() == Method.FFT || mixed ? new FftRepulsion() : null;
        int k = exact ? n - 1 : Math.min(n - 1, (int) (3 * o.perplexity() + 1));
        Affinities p = affinities(x, d, o.perplexity(), k, par);
        double[] y = initial(x, d, o);
        int dim = o.dim();
        double lr = Double.isNaN(o.learningRate()) ? Math.max(n / o.earlyExaggeration() / 4, 50) : o.learningRate();
        double theta = exact ? -1 : o.theta();
        double[] grad = new double[n * dim];
        double[] update = new double[n * dim];
        double[] gains = new double[n * dim];
        Arrays.fill(gains, 1);
        List<double[]> history = new ArrayList<>();
        double kl = Double.NaN;
        int done = 0;
        int fftIterations = 0;
        {
            for (int it = 0; it < o.iterations(); it++) {
                boolean early = it < o.earlyIterations();
                if (it == o.earlyIterations()) {
                    Arrays.fill(update, 0);
                    Arrays.fill(gains, 1);
                }
                boolean check = it == 0 || (it + 1) % 50 == 0 || it == o.iterations() - 1;
                FftRepulsion now = mixed ? cheaper(fft, y, n) : fft;
                fftIterations += now != null ? 1 : 0;
                double klNow = gradient(y, dim, p, early ? o.earlyExaggeration() : 1, theta, now, grad, check, par);
                if (check) {
                    kl = klNow;
                    history.add(new double[] {it == 0 ? 0 : it + 1, klNow});
                }
                double momentum = early ? 0.5 : 0.8;
                double norm = 0;
                for (int c = 0; c < y.length; c++) {
                    double g = grad[c];
                    norm += g * g;
                    if (update[c] * g < 0) {
                        gains[c] += 0.2;
                    } else {
                        gains[c] = Math.max(0.01, gains[c] * 0.8);
                    }
                    update[c] = momentum * update[c] - lr * gains[c] * g;
                    y[c] += update[c];
                }
                done = it + 1;
                if (!Double.isFinite(norm)) {
                    throw Finite.result("t-SNE became non-finite at iteration " + done + " of " + o.iterations()
                            + " (gradient norm " + Finite.name(Math.sqrt(norm)) + ")");
                }
                progress.update("t-SNE", done, o.iterations());
                progress.checkCancelled();
                if (!early && Math.sqrt(norm) < 1e-7) {
                    break;
                }
            }
        }
        kl = gradient(y, dim, p, 1, theta, mixed ? cheaper(fft, y, n) : fft, grad, true, par);
        if (history.isEmpty() || history.get(history.size() - 1)[0] != done) {
            history.add(new double[] {done, kl});
        } else {
            history.get(history.size() - 1)[1] = kl;
        }
        Finite.check(y, "t-SNE: the map coordinates");
        String bh = "barnes-hut (theta " + o.theta() + ")";
        String method = exact ? "exact" : mixed ? fftIterations + " iterations " + fft + ", " + (done - fftIterations)
                + " " + bh : fft != null ? fft.toString() : bh;
        return new Result(n, dim, y, kl, history, done, method,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The FFT repulsion when its padded grid of side s is the cheaper one for n points, {@code s² ≤}
     * {@link #FFT_GRID_NODES_PER_POINT} {@code · n log₂ n}, else null (Barnes-Hut).
     */
    static FftRepulsion cheaper(FftRepulsion fft, double[] y, int n) {
        double side = fft.paddedSide(y);
        return side * side <= FFT_GRID_NODES_PER_POINT * n * Math.log(n) / Math.log(2) ? fft : null;
    }

    /** The initial layout: PCA scaled to std 1e-4 in the first coordinate, or N(0, 1e-4²) noise. */
    static double[] initial(float[] x, int d, Options o) {
        int n = x.length / d;
        int dim = o.dim();
        double[] y = new double[n * dim];
        if (o.init() == Init.PCA && d >= dim) {
            double[] t = Pca.fit(x, d, dim).transform(x);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += t[i * dim];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (t[i * dim] - mean) * (t[i * dim] - mean);
            }
            double std = Math.sqrt(var / n);
            if (std > 0) {
                for (int c = 0; c < y.length; c++) {
                    y[c] = t[c] / std * 1e-4;
                }
                return y;
            }
        }
        Random r = new Random(o.seed());
        for (int c = 0; c < y.length; c++) {
            y[c] = r.nextGaussian() * 1e-4;
        }
        return y;
    }

    /**
     * The joint probabilities P: per-point binary search for the bandwidth giving the perplexity over
     * the k nearest neighbours (squared euclidean distances), symmetrised and normalised.
     */
    public static Affinities affinities(float[] x, int d, double perplexity, int k) {
        return affinities(x, d, perplexity, k, Parallel.SERIAL);
    }

    static Affinities affinities(float[] x, int d, double perplexity, int k, Parallel par) {
        int n = x.length / d;
        NearestNeighbors.Result nn = new NearestNeighbors(x, d, NearestNeighbors.Metric.EUCLIDEAN).graph(k);
        double[] cond = new double[n * k];
        double desired = Math.log(perplexity);
        par.forEach(n, i -> {
            double[] d2 = new double[k];
            for (int t = 0; t < k; t++) {
                double dist = nn.distance(i, t);
                d2[t] = dist * dist;
            }
            double beta = 1;
            double lo = Double.NEGATIVE_INFINITY;
            double hi = Double.POSITIVE_INFINITY;
            double[] pr = new double[k];
            for (int step = 0; step < 100; step++) {
                double sum = 0;
                for (int t = 0; t < k; t++) {
                    pr[t] = Math.exp(-d2[t] * beta);
                    sum += pr[t];
                }
                if (sum == 0) {
                    sum = 1e-8;
                }
                double sumDP = 0;
                for (int t = 0; t < k; t++) {
                    pr[t] /= sum;
                    sumDP += d2[t] * pr[t];
                }
                double entropy = Math.log(sum) + beta * sumDP;
                double diff = entropy - desired;
                if (Math.abs(diff) <= 1e-5) {
                    break;
                }
                if (diff > 0) {
                    lo = beta;
                    beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
                }
            }
            System.arraycopy(pr, 0, cond, i * k, k);
        });
        // symmetrise: row i gets (i, j, p_j|i) and (j, i, p_j|i) for each stored neighbour
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            count[i] += k;
            for (int t = 0; t < k; t++) {
                count[nn.index(i, t)]++;
            }
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + count[i];
        }
        int[] fill = Arrays.copyOf(start, n);
        int[] cols = new int[start[n]];
        double[] vals = new double[start[n]];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                int j = nn.index(i, t);
                double v = cond[i * k + t];
                cols[fill[i]] = j;
                vals[fill[i]++] = v;
                cols[fill[j]] = i;
                vals[fill[j]++] = v;
            }
        }
        int[] outStart = new int[n + 1];
        int[][] rowCols = new int[n][];
        double[][] rowVals = new double[n][];
        par.forEach(n, i -> {
            int a = start[i];
            int m = start[i + 1] - a;
            long[] keyed = new long[m];
            for (int t = 0; t < m; t++) {
                keyed[t] = ((long) cols[a + t] << 32) | t;
            }
            Arrays.sort(keyed);
            int[] rc = new int[m];
            double[] rv = new double[m];
            int u = -1;
            for (int t = 0; t < m; t++) {
                int c = (int) (keyed[t] >>> 32);
                double v = vals[a + (int) (keyed[t] & 0xffffffffL)];
                if (u >= 0 && rc[u] == c) {
                    rv[u] += v;
                } else {
                    rc[++u] = c;
                    rv[u] = v;
                }
            }
            rowCols[i] = Arrays.copyOf(rc, u + 1);
            rowVals[i] = Arrays.copyOf(rv, u + 1);
        });
        for (int i = 0; i < n; i++) {
            outStart[i + 1] = outStart[i] + rowCols[i].length;
        }
        int[] oc = new int[outStart[n]];
        double[] ov = new double[outStart[n]];
        double total = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(rowCols[i], 0, oc, outStart[i], rowCols[i].length);
            System.arraycopy(rowVals[i], 0, ov, outStart[i], rowVals[i].length);
            for (double v : rowVals[i]) {
                total += v;
            }
        }
        double inv = 1 / Math.max(total, Double.MIN_NORMAL);
        for (int t = 0; t < ov.length; t++) {
            ov[t] *= inv;
        }
        return new Affinities(n, outStart, oc, ov);
    }

    /**
     * The gradient of KL(P‖Q) at {@code y} into {@code grad}, with P multiplied by {@code exaggeration};
     * the repulsion by Barnes-Hut with {@code theta ≥ 0}, exactly when {@code theta < 0}. Returns
     * KL(P‖Q) of the unexaggerated P when {@code withKl}, else NaN.
     */
    public static double gradient(double[] y, int dim, Affinities p, double exaggeration, double theta, double[] grad,
                                  boolean withKl) {
        return gradient(y, dim, p, exaggeration, theta, null, grad, withKl);
    }

    /**
     * As {@link #gradient(double[], int, Affinities, double, double, double[], boolean)}, with the repulsion
     * by FFT-accelerated interpolation when {@code fft} is not null (2-D; {@code theta} is then unused).
     */
    public static double gradient(double[] y, int dim, Affinities p, double exaggeration, double theta, FftRepulsion fft,
                                  double[] grad, boolean withKl) {
        return gradient(y, dim, p, exaggeration, theta, fft, grad, withKl, Parallel.SERIAL);
    }

    static double gradient(double[] y, int dim, Affinities p, double exaggeration, double theta, FftRepulsion fft,
                           double[] grad, boolean withKl, Parallel par) {
        int n = p.n();
        int chunk = 128;
        int chunks = (n + chunk - 1) / chunk;
        // the attraction Σ_j p_ij q_ij Z (y_i − y_j) by rows, with the tree (it needs only y) built alongside
        double[] pos = new double[n * dim];
        SpaceTree[] tree = new SpaceTree[1];
        boolean useTree = fft == null && theta >= 0;
        par.forEach(chunks + 1, b -> {
            if (b == 0) {
                tree[0] = useTree ? new SpaceTree(y, dim) : null;
            } else {
                attraction(y, dim, p, (b - 1) * chunk, Math.min(n, b * chunk), pos);
            }
        });
        double[] neg = new double[n * dim];
        double[] sumQ = new double[n];
        double theta2 = theta * theta;
        if (fft != null) {
            fft.compute(y, neg, sumQ, par);
        } else {
            par.forEach(chunks, b -> {
                int[] stack = tree[0] == null ? null : new int[tree[0].maxStack()];
                double[] f = new double[dim];
                for (int t = b * chunk; t < Math.min(n, (b + 1) * chunk); t++) {
                    int i = tree[0] != null ? tree[0].perm[t] : t;   // tree order: neighbouring points walk the same cells
                    Arrays.fill(f, 0);
                    double s = tree[0] != null ? tree[0].repulsion(t, theta2, f, stack) : exactRepulsion(y, dim, n, i, f);
                    sumQ[i] = s;
                    System.arraycopy(f, 0, neg, i * dim, dim);
                }
            });
        }
        double z = 0;
        for (double s : sumQ) {
            z += s;
        }
        double zz = Math.max(z, Double.MIN_NORMAL);
        par.forEach(chunks, b -> {
            for (int c = b * chunk * dim; c < Math.min(n, (b + 1) * chunk) * dim; c++) {
                grad[c] = 4 * (exaggeration * pos[c] - neg[c] / zz);
            }
        });
        return withKl ? kl(y, dim, p, zz, chunk, par) : Double.NaN;
    }

    /** {@code Σ_j p_ij (1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)} for rows lo..hi into {@code pos}: one division per stored p_ij. */
    private static void attraction(double[] y, int dim, Affinities p, int lo, int hi, double[] pos) {
        int[] rowStart = p.rowStart();
        int[] cols = p.cols();
        double[] vals = p.values();
        boolean three = dim == 3;
        for (int i = lo; i < hi; i++) {
            int ib = i * dim;
            double yx = y[ib];
            double yy = y[ib + 1];
            double yz = three ? y[ib + 2] : 0;
            double ax = 0;
            double ay = 0;
            double az = 0;
            for (int t = rowStart[i]; t < rowStart[i + 1]; t++) {
                int jb = cols[t] * dim;
                double dx = yx - y[jb];
                double dy = yy - y[jb + 1];
                double d2 = dx * dx + dy * dy;
                double dz = 0;
                if (three) {
                    dz = yz - y[jb + 2];
                    d2 += dz * dz;
                }
                double w = vals[t] / (1 + d2);
                ax += w * dx;
                ay += w * dy;
                az += w * dz;
            }
            pos[ib] = ax;
            pos[ib + 1] = ay;
            if (three) {
                pos[ib + 2] = az;
            }
        }
    }

    /** KL(P‖Q) = Σ p_ij log(p_ij / q_ij) over the stored p_ij, with q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Z. */
    private static double kl(double[] y, int dim, Affinities p, double z, int chunk, Parallel par) {
        int n = p.n();
        double[] klRow = new double[n];
        par.forEach((n + chunk - 1) / chunk, b -> {
            for (int i = b * chunk; i < Math.min(n, (b + 1) * chunk); i++) {
                double kl = 0;
                for (int t = p.rowStart()[i]; t < p.rowStart()[i + 1]; t++) {
                    int j = p.cols()[t];
                    double d2 = 0;
                    for (int c = 0; c < dim; c++) {
                        double diff = y[i * dim + c] - y[j * dim + c];
                        d2 += diff * diff;
                    }
                    double q = 1 / (1 + d2);
                    double pij = p.values()[t];
                    if (pij > 0) {
                        kl += pij * Math.log(Math.max(pij, 1e-12) / Math.max(q / z, 1e-12));
                    }
                }
                klRow[i] = kl;
            }
        });
        double kl = 0;
        for (double v : klRow) {
            kl += v;
        }
        return kl;
    }

    /** Σ_j≠i q_ij² (y_i − y_j) into f; returns Σ_j≠i q_ij (unnormalised q). */
    private static double exactRepulsion(double[] y, int dim, int n, int i, double[] f) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) {
                continue;
            }
            double d2 = 0;
            for (int c = 0; c < dim; c++) {
                double diff = y[i * dim + c] - y[j * dim + c];
                d2 += diff * diff;
            }
            double q = 1 / (1 + d2);
            s += q;
            double qq = q * q;
            for (int c = 0; c < dim; c++) {
                f[c] += qq * (y[i * dim + c] - y[j * dim + c]);
            }
        }
        return s;
    }
}
