package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class FftRepulsionTest {
    /** Exact O(N²) sums: Z_i = Σ_j≠i (1+d²)⁻¹ and F_i = Σ_j≠i (1+d²)⁻² (y_i − y_j). */
    static void exact(double[] y, double[] force, double[] sumQ) {
        int n = y.length / 2;
        IntStream.range(0, n).forEach(i -> {
            double s = 0;
            double fx = 0;
            double fy = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double dx = y[2 * i] - y[2 * j];
                    double dy = y[2 * i + 1] - y[2 * j + 1];
                    double q = 1 / (1 + dx * dx + dy * dy);
                    s += q;
                    fx += q * q * dx;
                    fy += q * q * dy;
                }
            }
            sumQ[i] = s;
            force[2 * i] = fx;
            force[2 * i + 1] = fy;
        });
    }

    /** Three clusters spread over a few dozen units, like a t-SNE map mid-optimisation. */
    static double[] layout(int n, long seed) {
        Random r = new Random(seed);
        double[] y = new double[2 * n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[2 * i] = 15 * c + 3 * r.nextGaussian() - 12;
            y[2 * i + 1] = 8 * (c == 1 ? 1 : -1) + 3 * r.nextGaussian() + 5;
        }
        return y;
    }

    /** Relative error of the t-SNE repulsive gradient −F_i / Z (Z = Σ_i Z_i) and of Z itself. */
    static double[] errors(FftRepulsion fft, double[] y) {
        int n = y.length / 2;
        double[] fe = new double[2 * n];
        double[] ze = new double[n];
        double[] fa = new double[2 * n];
        double[] za = new double[n];
        exact(y, fe, ze);
        fft.compute(y, fa, za);
        double zExact = 0;
        double zApprox = 0;
        for (int i = 0; i < n; i++) {
            zExact += ze[i];
            zApprox += za[i];
        }
        double num = 0;
        double den = 0;
        for (int c = 0; c < 2 * n; c++) {
            double a = fa[c] / zApprox;
            double e = fe[c] / zExact;
            num += (a - e) * (a - e);
            den += e * e;
        }
        return new double[] {Math.sqrt(num / den), Math.abs(zApprox - zExact) / zExact};
    }

    /**
     * FIt-SNE's defaults (3 nodes per box, boxes of 1 unit) are off by a few percent on this layout
     * (measured 3e-2); 5 nodes per box bring the gradient within 1 %, and the error falls geometrically
     * with more nodes or smaller boxes (measured: 8e-3, 2.7e-3, 8e-4, 8e-5 for 4, 5, 6, 8 nodes).
     */
    @Test
    void fiveNodesPerBoxMatchTheExactGradientWithinOnePercent() {
        for (double scale : new double[] {1, 3}) {
            double[] y = layout(300, 1);
            for (int i = 0; i < y.length; i++) {
                y[i] *= scale;
            }
            double[] err = errors(new FftRepulsion(5, 50, 1), y);
            assertTrue(err[0] <= 1e-2, "gradient relative error " + err[0] + " at scale " + scale);
            assertTrue(err[1] <= 1e-2, "Z relative error " + err[1] + " at scale " + scale);
        }
        double[] err = errors(new FftRepulsion(), layout(300, 1));
        assertTrue(err[0] <= 0.1, "default gradient relative error " + err[0]);
    }

    @Test
    void manyInterpolationPointsMatchTheExactGradientWithin1e4() {
        double[] err = errors(new FftRepulsion(6, 50, 2), layout(300, 2));
        assertTrue(err[0] <= 1e-4, "gradient relative error " + err[0]);
        assertTrue(err[1] <= 1e-4, "Z relative error " + err[1]);
    }

    @Test
    void perPointSumsAgreeOnAWideLayout() {
        double[] y = layout(300, 3);
        for (int i = 0; i < y.length; i++) {
            y[i] *= 1.5;   // about 70 units across: more boxes than the minimum
        }
        int n = 300;
        double[] fe = new double[2 * n];
        double[] ze = new double[n];
        double[] fa = new double[2 * n];
        double[] za = new double[n];
        exact(y, fe, ze);
        new FftRepulsion(6, 50, 1).compute(y, fa, za);
        double fmax = 0;
        double zmax = 0;
        for (int i = 0; i < n; i++) {
            fmax = Math.max(fmax, Math.hypot(fe[2 * i], fe[2 * i + 1]));
            zmax = Math.max(zmax, ze[i]);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(ze[i], za[i], 5e-3 * zmax, "Z_" + i);
            assertEquals(fe[2 * i], fa[2 * i], 5e-3 * fmax, "F_" + i + ",x");
            assertEquals(fe[2 * i + 1], fa[2 * i + 1], 5e-3 * fmax, "F_" + i + ",y");
        }
    }

    @Test
    void complexFftEqualsTheDirectDftForwardAndBack() {
        Random r = new Random(7);
        for (int n : new int[] {1, 2, 4, 8, 64, 256}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int j = 0; j < n; j++) {
                re[j] = r.nextGaussian();
                im[j] = r.nextGaussian();
            }
            double[] fr = re.clone();
            double[] fi = im.clone();
            ComplexFft fft = new ComplexFft(n);
            fft.transform(fr, fi, 0, false);
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
                assertEquals(sr, fr[k], 1e-9 * n, "n=" + n + " X[" + k + "] real");
                assertEquals(si, fi[k], 1e-9 * n, "n=" + n + " X[" + k + "] imaginary");
            }
            fft.transform(fr, fi, 0, true);
            for (int j = 0; j < n; j++) {
                assertEquals(re[j], fr[j] / n, 1e-12, "n=" + n + " round trip " + j);
                assertEquals(im[j], fi[j] / n, 1e-12, "n=" + n + " round trip " + j);
            }
        }
    }

    /**
     * Interpolating with p equispaced Lagrange nodes per box errs by O(h^p · max|K^(p)|/p!) in a box of width
     * h (Linderman et al. 2019, supplement); the kernel's p-th derivative grows like p!, so with boxes of one
     * unit the error falls geometrically with p. Measured on this layout: 3e-2, 8e-3, 2.7e-3, 8e-4 for 3–6
     * nodes (about ×3.5 per node); two more nodes must gain at least ×4 at every order, and 8 nodes reach 1e-3.
     */
    @Test
    void gradientErrorFallsGeometricallyWithTheInterpolationOrder() {
        double[] y = layout(300, 4);
        double[] err = new double[9];
        for (int p = 3; p <= 8; p++) {
            err[p] = errors(new FftRepulsion(p, 50, 1), y)[0];
        }
        for (int p = 3; p <= 6; p++) {
            assertTrue(err[p + 2] < err[p] / 4, "error with " + (p + 2) + " nodes " + err[p + 2] + " vs " + p + ": " + err[p]);
        }
        assertTrue(err[8] < 1e-3, "8 nodes: " + err[8]);
    }

    /** The direct DFT, in double: X[k] = Σ_j x[j] e^{−2πi jk/n}. */
    static double[][] dft(double[] re, double[] im) {
        int n = re.length;
        double[][] out = new double[2][n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double a = -2 * Math.PI * ((long) j * k % n) / n;
                out[0][k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                out[1][k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
            }
        }
        return out;
    }

    /**
     * Every radix (4, 2, 3, 5 by hand-written butterflies, 7 and 11 by the generic one) and mixes of them,
     * batched over the columns of a matrix with a column range: equal to the direct DFT within float64
     * rounding (1e-12 relative to the sequence's norm), and the inverse undoes it; columns outside the range
     * are left alone.
     */
    @Test
    void mixedRadixFftEqualsTheDirectDftColumnByColumn() {
        Random r = new Random(11);
        int width = 5;
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 16, 25, 30, 60, 64, 210, 243, 360, 1000}) {
            double[] re = new double[n * width];
            double[] im = new double[n * width];
            for (int t = 0; t < re.length; t++) {
                re[t] = r.nextGaussian();
                im[t] = r.nextGaussian();
            }
            double[] fr = re.clone();
            double[] fi = im.clone();
            ComplexFft fft = new ComplexFft(n);
            fft.columns(fr, fi, new double[n * width], new double[n * width], width, 1, 4, false);
            for (int c = 0; c < width; c++) {
                double[] cr = new double[n];
                double[] ci = new double[n];
                for (int j = 0; j < n; j++) {
                    cr[j] = re[j * width + c];
                    ci[j] = im[j * width + c];
                }
                double[][] want = c >= 1 && c < 4 ? dft(cr, ci) : new double[][] {cr, ci};
                double tol = 1e-12 * n;
                for (int k = 0; k < n; k++) {
                    assertEquals(want[0][k], fr[k * width + c], tol, "n=" + n + " column " + c + " X[" + k + "] real");
                    assertEquals(want[1][k], fi[k * width + c], tol, "n=" + n + " column " + c + " X[" + k + "] imaginary");
                }
            }
            fft.columns(fr, fi, new double[n * width], new double[n * width], width, 0, width, true);
            for (int t = 0; t < re.length; t++) {
                int c = t % width;
                double scale = c >= 1 && c < 4 ? n : 1;
                double back = c >= 1 && c < 4 ? fr[t] / scale : re[t];
                if (c >= 1 && c < 4) {
                    assertEquals(re[t], back, 1e-12 * n, "n=" + n + " round trip " + t);
                    assertEquals(im[t], fi[t] / scale, 1e-12 * n, "n=" + n + " round trip " + t);
                }
            }
        }
    }

    /** The grid side is the smallest 2^a·3^b·5^c at or above what the convolution needs (checked up to 5,000). */
    @Test
    void goodSizesAreTheSmallestFiveSmoothNumbers() {
        int expected = 1;
        for (int min = 1; min <= 5000; min++) {
            while (expected < min || !fiveSmooth(expected)) {
                expected++;
            }
            assertEquals(expected, ComplexFft.goodSize(min), "good size for " + min);
        }
    }

    private static boolean fiveSmooth(int v) {
        for (int f : new int[] {2, 3, 5}) {
            while (v % f == 0) {
                v /= f;
            }
        }
        return v == 1;
    }

    /** The sums are the same bits on one thread as on two (each grid node and point is owned by one chunk). */
    @Test
    void twoThreadsGiveTheSameBits() {
        double[] y = layout(3000, 5);
        for (int i = 0; i < y.length; i++) {
            y[i] *= 2;   // about 90 units: more boxes than the minimum, a grid of 2·90·3 → 540
        }
        double[] f1 = new double[y.length];
        double[] z1 = new double[y.length / 2];
        double[] f2 = new double[y.length];
        double[] z2 = new double[y.length / 2];
        new FftRepulsion().compute(y, f1, z1);
        try (Parallel par = new Parallel(2)) {
            new FftRepulsion().compute(y, f2, z2, par);
        }
        assertArrayEquals(f1, f2);
        assertArrayEquals(z1, z2);
    }
}
