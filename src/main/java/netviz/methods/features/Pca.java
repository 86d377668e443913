package netviz.methods.features;

import java.util.stream.IntStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import netviz.OutOfRangeException;
import netviz.methods.Finite;

/**
 * Principal component analysis (Pearson 1901; Hotelling 1933), exact: the eigen-decomposition of the
 * sample covariance matrix {@code C = (X − μ)ᵀ(X − μ) / (n − 1)} (commons-math3's symmetric
 * eigen-solver). The components are the eigenvectors of the largest eigenvalues, the explained variance
 * of a component is its eigenvalue and its ratio that eigenvalue over the trace of C (scikit-learn's
 * {@code explained_variance_} and {@code explained_variance_ratio_}). Each component's sign is fixed so
 * that its largest-magnitude coefficient is positive, which makes the result deterministic.
 *
 * @param mean       the feature means μ (length d)
 * @param components m × d, row-major, unit rows, by decreasing variance
 * @param explainedVariance the m eigenvalues
 * @param explainedVarianceRatio eigenvalue / total variance
 * @param totalVariance the trace of C
 */
public record Pca(int dim, float[] mean, double[] components, double[] explainedVariance,
                  double[] explainedVarianceRatio, double totalVariance) {

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

    /** Fits {@code m} components to the rows of {@code x} (row-major, {@code dim} columns). */
    public static Pca fit(float[] x, int dim, int m) {
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
        double[] ratio = new double[m];
        for (int c = 0; c < m; c++) {
            double[] v = eig.getEigenvector(order[c]).toArray();
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
            var[c] = Math.max(0, values[order[c]]);
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
