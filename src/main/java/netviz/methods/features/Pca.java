package netviz.methods.features;

import java.util.stream.IntStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import netviz.OutOfRangeException;
import netviz.methods.Finite;

/**
 * Principal component analysis (Pearson 1901; Hotelling 1933). The components are the eigenvectors of
 * the largest eigenvalues of the sample covariance matrix {@code C = (X − μ)ᵀ(X − μ) / (n − 1)}, the
 * explained variance of a component is its eigenvalue and its ratio that eigenvalue over the trace of
 * C (scikit-learn's {@code explained_variance_} and {@code explained_variance_ratio_}). Each
 * component's sign is fixed so that its largest-magnitude coefficient is positive, which makes the
 * result deterministic. Two methods ({@link Method}), chosen automatically by default:
 * <ul>
 * <li>{@link Method#COVARIANCE}, exact: C is accumulated (d × d) and eigen-decomposed
 *     (commons-math3's symmetric eigen-solver); O(n·d² + d³) time, O(d²) memory. For moderate d.</li>
 * <li>{@link Method#RANDOMIZED}: the randomised range finder with subspace (power) iteration of Halko,
 *     Martinsson and Tropp ("Finding structure with randomness", SIAM Review 53, 2011, Algorithms 4.4
 *     and 5.1), on the centred matrix without forming it: Y = (X − 1μᵀ)Ω for a Gaussian d × k test
 *     matrix Ω (k = m + oversampling), then alternately Q = orth(Y), Z = (X − 1μᵀ)ᵀQ, Y = (X − 1μᵀ)orth(Z)
 *     until the top m Ritz values (the singular values of B = QᵀX̃ = Zᵀ) change by less than the
 *     tolerance; finally the eigen-decomposition ZᵀZ = WΛWᵀ (k × k) gives the components ZWΛ^{−1/2}
 *     and the variances Λ/(n − 1). O(n·d·k) time per iteration and O(n·k + d·k) memory besides the
 *     input: 10,000 × 3,136 features to 2 components in seconds.</li>
 * </ul>
 * {@link Method#AUTO} takes the covariance method when d ≤ 512 or when k = m + oversampling is
 * above d/4 (then the randomised one saves little), else the randomised one (k is capped at
 * min(n, d), so few examples are no obstacle).
 *
 * @param mean       the feature means μ (length d)
 * @param components m × d, row-major, unit rows, by decreasing variance
 * @param explainedVariance the m eigenvalues
 * @param explainedVarianceRatio eigenvalue / total variance
 * @param totalVariance the trace of C
 */
public record Pca(int dim, float[] mean, double[] components, double[] explainedVariance,
                  double[] explainedVarianceRatio, double totalVariance) {

    /** How the components are computed. */
    public enum Method { AUTO, COVARIANCE, RANDOMIZED }

    /** Where the randomised method's products with the data run: plain Java loops, or the engine's matrix multiply. */
    public enum Multiply { JAVA, ENGINE }

    /**
     * @param method        the method (AUTO: see the class comment)
     * @param oversampling  extra columns p of the randomised test matrix, k = m + p (Halko et al.: 5 to 10)
     * @param maxIterations most power iterations of the randomised method
     * @param tolerance     relative change of the top m Ritz values at which the iteration stops
     * @param seed          the seed of the Gaussian test matrix
     * @param multiply      where the randomised method's products run
     */
    public record Options(Method method, int oversampling, int maxIterations, double tolerance, long seed,
                          Multiply multiply) {
        public Options {
            if (method == null || oversampling < 0 || maxIterations < 1 || !(tolerance > 0) || multiply == null) {
                throw new OutOfRangeException("PCA options: method " + method + ", oversampling " + oversampling
                        + " (>= 0), iterations " + maxIterations + " (>= 1), tolerance " + tolerance + " (> 0)");
            }
        }

        /**
         * AUTO, oversampling 10, at most 40 iterations to a relative change of 1e-12, seed 0, Java
         * loops (PcaBench on the shared 2-core machine: 14.9 s against 22.8 s with the engine's
         * multiply at 10,000 × 3,136, which converts every row block to double on every pass).
         */
        public static Options defaults() {
            return new Options(Method.AUTO, 10, 40, 1e-12, 0, Multiply.JAVA);
        }

        public Options withMethod(Method m) {
            return new Options(m, oversampling, maxIterations, tolerance, seed, multiply);
        }

        public Options withMultiply(Multiply m) {
            return new Options(method, oversampling, maxIterations, tolerance, seed, m);
        }
    }

    /** The method {@link Method#AUTO} picks for {@code dim} features and {@code m} components. */
    public static Method choose(int n, int dim, int m, Options o) {
        if (o.method() != Method.AUTO) {
            return o.method();
        }
        int k = m + o.oversampling();
        return dim <= 512 || 4L * k > dim ? Method.COVARIANCE : Method.RANDOMIZED;
    }

    /** Number of components kept. */
    public int count() {
        return explainedVariance.length;
    }

    /** Component c as a d-vector. */
    public double[] component(int c) {
        double[] v = new double[dim];
        System.arraycopy(components, c * dim, v, 0, dim);
        return v;
    }

    /** Fits {@code m} components to the rows of {@code x} (row-major, {@code dim} columns), the method chosen automatically. */
    public static Pca fit(float[] x, int dim, int m) {
        return fit(x, dim, m, Options.defaults());
    }

    /** Fits {@code m} components to the rows of {@code x} (row-major, {@code dim} columns). */
    public static Pca fit(float[] x, int dim, int m, Options o) {
        int n = x.length / dim;
        if (n < 2) {
            throw new OutOfRangeException("PCA needs at least 2 examples, got " + n);
        }
        if (m < 1 || m > dim) {
            throw new OutOfRangeException("PCA of " + dim + "-dimensional features can keep 1.." + dim + " components, asked for " + m);
        }
        Finite.check(x, new long[] {n, dim}, "PCA: its input features");
        double[] mu = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                mu[j] += x[i * dim + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mu[j] /= n;
        }
        if (choose(n, dim, m, o) == Method.RANDOMIZED) {
            return RandomizedPca.fit(x, n, dim, m, mu, o);
        }
        // covariance, accumulated per row block in parallel (upper triangle)
        int blocks = Math.max(1, Math.min(64, n / 256));
        double[][] partial = new double[blocks][];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = (int) ((long) n * b / blocks);
            int to = (int) ((long) n * (b + 1) / blocks);
            double[] c = new double[dim * dim];
            double[] row = new double[dim];
            for (int i = from; i < to; i++) {
                for (int j = 0; j < dim; j++) {
                    row[j] = x[i * dim + j] - mu[j];
                }
                for (int a = 0; a < dim; a++) {
                    double ra = row[a];
                    if (ra == 0) {
                        continue;
                    }
                    int base = a * dim;
                    for (int bb = a; bb < dim; bb++) {
                        c[base + bb] += ra * row[bb];
                    }
                }
            }
            partial[b] = c;
        });
        double[][] cov = new double[dim][dim];
        for (int a = 0; a < dim; a++) {
            for (int bb = a; bb < dim; bb++) {
                double s = 0;
                for (double[] p : partial) {
                    s += p[a * dim + bb];
                }
                s /= (n - 1);
                cov[a][bb] = s;
                cov[bb][a] = s;
            }
        }
        double trace = 0;
        for (int a = 0; a < dim; a++) {
            trace += cov[a][a];
        }
        RealMatrix cm = new Array2DRowRealMatrix(cov, false);
        EigenDecomposition eig = new EigenDecomposition(cm);
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[dim];
        for (int i = 0; i < dim; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(values[q], values[p]));
        double[] comps = new double[m * dim];
        double[] var = new double[m];
        for (int c = 0; c < m; c++) {
            putComponent(comps, c, eig.getEigenvector(order[c]).toArray());
            var[c] = Math.max(0, values[order[c]]);
        }
        return of(mu, comps, var, trace);
    }

    /** Stores v, scaled to unit length and signed so that its largest-magnitude coefficient is positive, as row c. */
    static void putComponent(double[] comps, int c, double[] v) {
        int dim = v.length;
        int big = 0;
        for (int j = 1; j < dim; j++) {
            if (Math.abs(v[j]) > Math.abs(v[big])) {
                big = j;
            }
        }
        double sign = v[big] < 0 ? -1 : 1;
        double norm = 0;
        for (double t : v) {
            norm += t * t;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < dim; j++) {
            comps[c * dim + j] = sign * v[j] / norm;
        }
    }

    /** The result from the means, the unit components (m × d), their variances and the total variance. */
    static Pca of(double[] mu, double[] comps, double[] var, double trace) {
        int dim = mu.length;
        double[] ratio = new double[var.length];
        for (int c = 0; c < var.length; c++) {
            ratio[c] = trace > 0 ? var[c] / trace : 0;
        }
        float[] meanF = new float[dim];
        for (int j = 0; j < dim; j++) {
            meanF[j] = (float) mu[j];
        }
        Finite.check(comps, "PCA: the principal components");
        Finite.check(var, "PCA: the explained variances");
        return new Pca(dim, meanF, comps, var, ratio, trace);
    }

    /** Coordinates of the rows of {@code x} on the components: {@code (x − μ) Vᵀ}, n × m row-major. */
    public double[] transform(float[] x) {
        int n = x.length / dim;
        int m = count();
        double[] out = new double[n * m];
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int c = 0; c < m; c++) {
                double s = 0;
                int cb = c * dim;
                int xb = i * dim;
                for (int j = 0; j < dim; j++) {
                    s += (x[xb + j] - mean[j]) * components[cb + j];
                }
                out[i * m + c] = s;
            }
        });
        return out;
    }
}
