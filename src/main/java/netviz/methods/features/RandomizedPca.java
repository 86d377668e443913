package netviz.methods.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import netviz.engine.Engines;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The randomised method of {@link Pca} (Halko, Martinsson and Tropp 2011, Algorithms 4.4 and 5.1):
 * products with the centred matrix X̃ = X − 1μᵀ are taken on X itself in row blocks, so besides the
 * input only n × k and d × k matrices (and one d × k partial sum per block, or one block of rows
 * in the engine) are held. The two products run either as plain Java loops or as the engine's
 * double-precision matrix multiply ({@link Pca.Multiply}).
 */
final class RandomizedPca {
    /** Rows per engine block: 1,024 × 3,136 doubles is 26 MB. */
    private static final int ENGINE_ROWS = 1024;

    private final float[] x;
    private final int n;
    private final int d;
    private final double[] mu;
    private final int blocks;
    private final NDManager engine;

    private RandomizedPca(float[] x, int n, int d, double[] mu, NDManager engine) {
        this.x = x;
        this.n = n;
        this.d = d;
        this.mu = mu;
        this.engine = engine;
        this.blocks = engine != null ? (n + ENGINE_ROWS - 1) / ENGINE_ROWS
                : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors() * 2, n / 64));
    }

    static Pca fit(float[] x, int n, int d, int m, double[] mu, Pca.Options o) {
        if (o.multiply() == Pca.Multiply.ENGINE) {
            try (NDManager manager = Engines.newBaseManager()) {
                return new RandomizedPca(x, n, d, mu, manager).run(m, o);
            }
        }
        return new RandomizedPca(x, n, d, mu, null).run(m, o);
    }

    /** Rows {@code from(b) .. from(b + 1)} of X as a double (rows × d) array of the engine. */
    private NDArray block(NDManager m, int b) {
        int lo = from(b);
        int hi = from(b + 1);
        NDArray f = m.create(Arrays.copyOfRange(x, lo * d, hi * d), new Shape(hi - lo, d));
        return f.toType(DataType.FLOAT64, false);
    }

    private Pca run(int m, Pca.Options o) {
        int k = Math.min(m + o.oversampling(), Math.min(n, d));
        Random r = new Random(o.seed());
        double[] omega = new double[d * k];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = r.nextGaussian();
        }
        double[][] q = times(omega, k);
        orthonormalise(q, r);
        double[] z = null;
        double[] lambda = null;
        double[][] w = null;
        for (int it = 0; it < o.maxIterations(); it++) {
            z = transposeTimes(q, k);
            EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(gram(z, k), false));
            double[] values = eig.getRealEigenvalues();
            Integer[] order = new Integer[k];
            for (int i = 0; i < k; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
            double[] next = new double[k];
            double[][] vectors = new double[k][];
            for (int c = 0; c < k; c++) {
                next[c] = Math.max(0, values[order[c]]);
                vectors[c] = eig.getEigenvector(order[c]).toArray();
            }
            boolean converged = lambda != null && converged(lambda, next, m, o.tolerance());
            lambda = next;
            w = vectors;
            if (converged || it == o.maxIterations() - 1) {
                break;
            }
            double[][] zc = columns(z, d, k);
            orthonormalise(zc, r);
            q = times(rows(zc, d, k), k);
            orthonormalise(q, r);
        }
        // components: V = Z W Λ^(-1/2), one column per kept component
        // (orthonormalised again: beyond the data's rank, Λ is 0 and ZW only round-off)
        double[][] v = new double[m][d];
        double[] var = new double[m];
        for (int c = 0; c < m; c++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += z[j * k + l] * w[c][l];
                }
                v[c][j] = s;
            }
            var[c] = lambda[c] / (n - 1);
        }
        orthonormalise(v, r);
        double[] comps = new double[m * d];
        for (int c = 0; c < m; c++) {
            Pca.putComponent(comps, c, v[c]);
        }
        return Pca.of(mu, comps, var, totalVariance());
    }

    /** True when every one of the top m values moved by at most tol times the largest. */
    private static boolean converged(double[] before, double[] after, int m, double tol) {
        for (int c = 0; c < m; c++) {
            if (Math.abs(after[c] - before[c]) > tol * after[0]) {
                return false;
            }
        }
        return true;
    }

    /** X̃ · A for A (d × k, row-major): k columns of length n. */
    private double[][] times(double[] a, int k) {
        double[] muA = new double[k];
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < k; c++) {
                muA[c] += mu[j] * a[j * k + c];
            }
        }
        double[][] y = new double[k][n];
        if (engine != null) {
            try (NDManager m = engine.newSubManager()) {
                NDArray am = m.create(a, new Shape(d, k));
                for (int b = 0; b < blocks; b++) {
                    double[] yb = block(m, b).matMul(am).toDoubleArray();
                    int lo = from(b);
                    for (int i = 0; i < yb.length / k; i++) {
                        for (int c = 0; c < k; c++) {
                            y[c][lo + i] = yb[i * k + c] - muA[c];
                        }
                    }
                }
            }
            return y;
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            double[] acc = new double[k];
            for (int i = from(b); i < from(b + 1); i++) {
                Arrays.fill(acc, 0);
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    double xv = x[base + j];
                    if (xv == 0) {
                        continue;
                    }
                    int ab = j * k;
                    for (int c = 0; c < k; c++) {
                        acc[c] += xv * a[ab + c];
                    }
                }
                for (int c = 0; c < k; c++) {
                    y[c][i] = acc[c] - muA[c];
                }
            }
        });
        return y;
    }

    /** X̃ᵀ · Q for Q given as k columns of length n: d × k, row-major. */
    private double[] transposeTimes(double[][] q, int k) {
        double[] z = engine != null ? engineTransposeTimes(q, k) : javaTransposeTimes(q, k);
        double[] colSum = new double[k];
        for (int c = 0; c < k; c++) {
            for (double v : q[c]) {
                colSum[c] += v;
            }
        }
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < k; c++) {
                z[j * k + c] -= mu[j] * colSum[c];
            }
        }
        return z;
    }

    /** Xᵀ · Q on the engine, block by block. */
    private double[] engineTransposeTimes(double[][] q, int k) {
        try (NDManager m = engine.newSubManager()) {
            NDArray z = m.zeros(new Shape(d, k), DataType.FLOAT64);
            for (int b = 0; b < blocks; b++) {
                int lo = from(b);
                int rows = from(b + 1) - lo;
                double[] qb = new double[rows * k];
                for (int i = 0; i < rows; i++) {
                    for (int c = 0; c < k; c++) {
                        qb[i * k + c] = q[c][lo + i];
                    }
                }
                try (NDManager s = m.newSubManager()) {
                    NDArray xb = block(s, b);
                    z.addi(xb.transpose().matMul(s.create(qb, new Shape(rows, k))));
                }
            }
            return z.toDoubleArray();
        }
    }

    /** Xᵀ · Q by row blocks in parallel, one d × k partial sum per block. */
    private double[] javaTransposeTimes(double[][] q, int k) {
        double[][] partial = new double[blocks][];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            double[] z = new double[d * k];
            double[] qi = new double[k];
            for (int i = from(b); i < from(b + 1); i++) {
                for (int c = 0; c < k; c++) {
                    qi[c] = q[c][i];
                }
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    double xv = x[base + j];
                    if (xv == 0) {
                        continue;
                    }
                    int zb = j * k;
                    for (int c = 0; c < k; c++) {
                        z[zb + c] += xv * qi[c];
                    }
                }
            }
            partial[b] = z;
        });
        double[] z = partial[0];
        for (int b = 1; b < blocks; b++) {
            double[] p = partial[b];
            for (int t = 0; t < z.length; t++) {
                z[t] += p[t];
            }
        }
        return z;
    }

    private int from(int block) {
        return (int) ((long) n * block / blocks);
    }

    /** Σ_j (x_ij − μ_j)² / (n − 1) summed over j: the trace of the covariance. */
    private double totalVariance() {
        double[] partial = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            double s = 0;
            for (int i = from(b); i < from(b + 1); i++) {
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    double t = x[base + j] - mu[j];
                    s += t * t;
                }
            }
            partial[b] = s;
        });
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s / (n - 1);
    }

    /** ZᵀZ for Z (d × k, row-major). */
    private double[][] gram(double[] z, int k) {
        double[][] g = new double[k][k];
        for (int j = 0; j < d; j++) {
            int zb = j * k;
            for (int a = 0; a < k; a++) {
                double za = z[zb + a];
                for (int b = a; b < k; b++) {
                    g[a][b] += za * z[zb + b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    private static double[][] columns(double[] rowMajor, int rows, int k) {
        double[][] c = new double[k][rows];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < k; l++) {
                c[l][i] = rowMajor[i * k + l];
            }
        }
        return c;
    }

    private static double[] rows(double[][] columns, int rows, int k) {
        double[] a = new double[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < k; l++) {
                a[i * k + l] = columns[l][i];
            }
        }
        return a;
    }

    /**
     * Orthonormalises the columns in place by modified Gram-Schmidt, twice ("twice is enough",
     * Giraud et al. 2005); a column that vanishes (rank deficiency) is replaced by a random one.
     */
    static void orthonormalise(double[][] cols, Random r) {
        for (int c = 0; c < cols.length; c++) {
            double[] v = cols[c];
            double before = Math.sqrt(dot(v, v));
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double t = dot(cols[p], v);
                    double[] u = cols[p];
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= t * u[i];
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (!(norm > 1e-12 * Math.max(before, Double.MIN_NORMAL))) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextGaussian();
                }
                c--;   // orthogonalise the random column again
                continue;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
