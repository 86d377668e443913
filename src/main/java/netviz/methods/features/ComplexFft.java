package netviz.methods.features;

/**
 * The mixed-radix fast Fourier transform (Cooley &amp; Tukey 1965) of complex sequences of one length n,
 * held as separate real and imaginary arrays: {@code X[k] = Σ_j x[j] e^{∓2πi jk/n}} (minus sign forward;
 * the inverse is unscaled). Any length works: n is factored into radices 4, 2, 3 and 5 (hand-written
 * butterflies) and any other prime (a direct DFT of that radix, so lengths with large prime factors are
 * slow; {@link #goodSize} picks lengths of the form 2^a·3^b·5^c).
 *
 * <p>The algorithm is Stockham's self-sorting variant (Cochran et al. 1967, "What is the fast Fourier
 * transform?"): each stage reads one buffer and writes the other in natural order, so no bit reversal is
 * needed. Its main use is batched: {@link #columns} transforms every column of a row-major
 * {@code n × width} matrix at once, so each butterfly is a loop over contiguous memory (the JIT
 * vectorises it) instead of a strided walk down one column. Twiddle factors are tabulated once per stage;
 * a transform allocates nothing beyond the caller's work buffers, so one instance can be shared by threads
 * transforming different columns.
 */
final class ComplexFft {
    final int n;
    private final int[] radix;      // per stage
    private final double[][] twCos; // per stage: cos(2π p·u / L) at [p * r + u]
    private final double[][] twSin;

    ComplexFft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("an FFT needs a positive length, got " + n);
        }
        this.n = n;
        int[] rs = new int[32];
        int stages = 0;
        int rest = n;
        while (rest % 4 == 0) {
            rs[stages++] = 4;
            rest /= 4;
        }
        for (int f : new int[] {2, 3, 5}) {
            while (rest % f == 0) {
                rs[stages++] = f;
                rest /= f;
            }
        }
        for (int f = 7; rest > 1; f += 2) {
            while (rest % f == 0) {
                rs[stages++] = f;
                rest /= f;
            }
        }
        radix = java.util.Arrays.copyOf(rs, stages);
        twCos = new double[stages][];
        twSin = new double[stages][];
        int len = n;
        for (int s = 0; s < stages; s++) {
            int r = radix[s];
            int m = len / r;
            twCos[s] = new double[m * r];
            twSin[s] = new double[m * r];
            for (int p = 0; p < m; p++) {
                for (int u = 0; u < r; u++) {
                    double a = 2 * Math.PI * (((long) p * u) % len) / len;
                    twCos[s][p * r + u] = Math.cos(a);
                    twSin[s][p * r + u] = Math.sin(a);
                }
            }
            len = m;
        }
    }

    /** The smallest length ≥ {@code min} of the form 2^a·3^b·5^c (fast for this transform). */
    static int goodSize(int min) {
        int best = Integer.MAX_VALUE;
        for (long a = 1; a < 2L * Math.max(min, 1); a *= 2) {
            for (long b = a; b < 2L * Math.max(min, 1); b *= 3) {
                for (long c = b; c < 2L * Math.max(min, 1); c *= 5) {
                    if (c >= min && c < best) {
                        best = (int) c;
                    }
                }
            }
        }
        return Math.max(1, best);
    }

    /** Transforms {@code re/im[off .. off+n)} in place; {@code inverse} uses e^{+2πi jk/n}, unscaled. */
    void transform(double[] re, double[] im, int off, boolean inverse) {
        double[] r = java.util.Arrays.copyOfRange(re, off, off + n);
        double[] i = java.util.Arrays.copyOfRange(im, off, off + n);
        columns(r, i, new double[n], new double[n], 1, 0, 1, inverse);
        System.arraycopy(r, 0, re, off, n);
        System.arraycopy(i, 0, im, off, n);
    }

    /**
     * Transforms columns {@code [c0, c1)} of the row-major {@code n × width} matrix {@code re/im} in place
     * (element (row, column) at {@code row·width + column}), using {@code wr/wi} (same size) as the other
     * buffer. Columns outside the range are not touched in either buffer's range of other columns, so
     * threads may transform disjoint column ranges of one matrix at once with shared work buffers.
     */
    void columns(double[] re, double[] im, double[] wr, double[] wi, int width, int c0, int c1, boolean inverse) {
        double[] xr = re;
        double[] xi = im;
        double[] yr = wr;
        double[] yi = wi;
        int len = n;
        int s = 1;
        double sign = inverse ? 1 : -1;
        for (int stage = 0; stage < radix.length; stage++) {
            int r = radix[stage];
            int m = len / r;
            double[] tc = twCos[stage];
            double[] ts = twSin[stage];
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < s; q++) {
                    int in = (q + s * p) * width;     // input t at in + t·s·m·width
                    int out = (q + s * r * p) * width; // output u at out + u·s·width
                    int inStep = s * m * width;
                    int outStep = s * width;
                    switch (r) {
                        case 4 -> radix4(xr, xi, yr, yi, in + c0, inStep, out + c0, outStep, c1 - c0, tc, ts, p * 4, sign);
                        case 2 -> radix2(xr, xi, yr, yi, in + c0, inStep, out + c0, outStep, c1 - c0, tc[p * 2 + 1],
                                sign * ts[p * 2 + 1]);
                        case 3 -> radix3(xr, xi, yr, yi, in + c0, inStep, out + c0, outStep, c1 - c0, tc, ts, p * 3, sign);
                        case 5 -> radix5(xr, xi, yr, yi, in + c0, inStep, out + c0, outStep, c1 - c0, tc, ts, p * 5, sign);
                        default -> radixAny(r, xr, xi, yr, yi, in + c0, inStep, out + c0, outStep, c1 - c0, tc, ts, p * r,
                                sign);
                    }
                }
            }
            double[] t = xr;
            xr = yr;
            yr = t;
            t = xi;
            xi = yi;
            yi = t;
            len = m;
            s *= r;
        }
        if (xr != re) {
            for (int row = 0; row < n; row++) {
                int o = row * width;
                System.arraycopy(xr, o + c0, re, o + c0, c1 - c0);
                System.arraycopy(xi, o + c0, im, o + c0, c1 - c0);
            }
        }
    }

    private static void radix2(double[] xr, double[] xi, double[] yr, double[] yi, int in, int inStep, int out,
                               int outStep, int len, double w1r, double w1i) {
        int a = in;
        int b = in + inStep;
        int o0 = out;
        int o1 = out + outStep;
        for (int j = 0; j < len; j++) {
            double ar = xr[a + j];
            double ai = xi[a + j];
            double br = xr[b + j];
            double bi = xi[b + j];
            yr[o0 + j] = ar + br;
            yi[o0 + j] = ai + bi;
            double dr = ar - br;
            double di = ai - bi;
            yr[o1 + j] = dr * w1r - di * w1i;
            yi[o1 + j] = dr * w1i + di * w1r;
        }
    }

    private static void radix4(double[] xr, double[] xi, double[] yr, double[] yi, int in, int inStep, int out,
                               int outStep, int len, double[] tc, double[] ts, int tw, double sign) {
        double w1r = tc[tw + 1];
        double w1i = sign * ts[tw + 1];
        double w2r = tc[tw + 2];
        double w2i = sign * ts[tw + 2];
        double w3r = tc[tw + 3];
        double w3i = sign * ts[tw + 3];
        int i0 = in;
        int i1 = in + inStep;
        int i2 = in + 2 * inStep;
        int i3 = in + 3 * inStep;
        int o0 = out;
        int o1 = out + outStep;
        int o2 = out + 2 * outStep;
        int o3 = out + 3 * outStep;
        for (int j = 0; j < len; j++) {
            double ar = xr[i0 + j];
            double ai = xi[i0 + j];
            double br = xr[i1 + j];
            double bi = xi[i1 + j];
            double cr = xr[i2 + j];
            double ci = xi[i2 + j];
            double dr = xr[i3 + j];
            double di = xi[i3 + j];
            double s0r = ar + cr;
            double s0i = ai + ci;
            double d0r = ar - cr;
            double d0i = ai - ci;
            double s1r = br + dr;
            double s1i = bi + di;
            double d1r = br - dr;
            double d1i = bi - di;
            // ±i·(b − d): forward multiplies by −i, inverse by +i
            double rr = -sign * d1i;
            double ri = sign * d1r;
            yr[o0 + j] = s0r + s1r;
            yi[o0 + j] = s0i + s1i;
            double t1r = d0r + rr;
            double t1i = d0i + ri;
            yr[o1 + j] = t1r * w1r - t1i * w1i;
            yi[o1 + j] = t1r * w1i + t1i * w1r;
            double t2r = s0r - s1r;
            double t2i = s0i - s1i;
            yr[o2 + j] = t2r * w2r - t2i * w2i;
            yi[o2 + j] = t2r * w2i + t2i * w2r;
            double t3r = d0r - rr;
            double t3i = d0i - ri;
            yr[o3 + j] = t3r * w3r - t3i * w3i;
            yi[o3 + j] = t3r * w3i + t3i * w3r;
        }
    }

    private static final double SIN60 = Math.sqrt(3) / 2;

    private static void radix3(double[] xr, double[] xi, double[] yr, double[] yi, int in, int inStep, int out,
                               int outStep, int len, double[] tc, double[] ts, int tw, double sign) {
        double w1r = tc[tw + 1];
        double w1i = sign * ts[tw + 1];
        double w2r = tc[tw + 2];
        double w2i = sign * ts[tw + 2];
        double s60 = sign * SIN60;
        int i0 = in;
        int i1 = in + inStep;
        int i2 = in + 2 * inStep;
        int o0 = out;
        int o1 = out + outStep;
        int o2 = out + 2 * outStep;
        for (int j = 0; j < len; j++) {
            double ar = xr[i0 + j];
            double ai = xi[i0 + j];
            double br = xr[i1 + j];
            double bi = xi[i1 + j];
            double cr = xr[i2 + j];
            double ci = xi[i2 + j];
            double sr = br + cr;
            double si = bi + ci;
            double mr = ar - 0.5 * sr;
            double mi = ai - 0.5 * si;
            // (b − c)·(±i sin 60°)
            double dr = -s60 * (bi - ci);
            double di = s60 * (br - cr);
            yr[o0 + j] = ar + sr;
            yi[o0 + j] = ai + si;
            double t1r = mr + dr;
            double t1i = mi + di;
            yr[o1 + j] = t1r * w1r - t1i * w1i;
            yi[o1 + j] = t1r * w1i + t1i * w1r;
            double t2r = mr - dr;
            double t2i = mi - di;
            yr[o2 + j] = t2r * w2r - t2i * w2i;
            yi[o2 + j] = t2r * w2i + t2i * w2r;
        }
    }

    private static final double C72 = Math.cos(2 * Math.PI / 5);
    private static final double C144 = Math.cos(4 * Math.PI / 5);
    private static final double S72 = Math.sin(2 * Math.PI / 5);
    private static final double S144 = Math.sin(4 * Math.PI / 5);

    private static void radix5(double[] xr, double[] xi, double[] yr, double[] yi, int in, int inStep, int out,
                               int outStep, int len, double[] tc, double[] ts, int tw, double sign) {
        double w1r = tc[tw + 1];
        double w1i = sign * ts[tw + 1];
        double w2r = tc[tw + 2];
        double w2i = sign * ts[tw + 2];
        double w3r = tc[tw + 3];
        double w3i = sign * ts[tw + 3];
        double w4r = tc[tw + 4];
        double w4i = sign * ts[tw + 4];
        double s1 = sign * S72;
        double s2 = sign * S144;
        int i0 = in;
        int i1 = in + inStep;
        int i2 = in + 2 * inStep;
        int i3 = in + 3 * inStep;
        int i4 = in + 4 * inStep;
        int o0 = out;
        int o1 = out + outStep;
        int o2 = out + 2 * outStep;
        int o3 = out + 3 * outStep;
        int o4 = out + 4 * outStep;
        for (int j = 0; j < len; j++) {
            double ar = xr[i0 + j];
            double ai = xi[i0 + j];
            double b1r = xr[i1 + j] + xr[i4 + j];
            double b1i = xi[i1 + j] + xi[i4 + j];
            double d1r = xr[i1 + j] - xr[i4 + j];
            double d1i = xi[i1 + j] - xi[i4 + j];
            double b2r = xr[i2 + j] + xr[i3 + j];
            double b2i = xi[i2 + j] + xi[i3 + j];
            double d2r = xr[i2 + j] - xr[i3 + j];
            double d2i = xi[i2 + j] - xi[i3 + j];
            double m1r = ar + C72 * b1r + C144 * b2r;
            double m1i = ai + C72 * b1i + C144 * b2i;
            double m2r = ar + C144 * b1r + C72 * b2r;
            double m2i = ai + C144 * b1i + C72 * b2i;
            // i·(s1·d1 + s2·d2) and i·(s2·d1 − s1·d2)
            double n1r = -(s1 * d1i + s2 * d2i);
            double n1i = s1 * d1r + s2 * d2r;
            double n2r = -(s2 * d1i - s1 * d2i);
            double n2i = s2 * d1r - s1 * d2r;
            yr[o0 + j] = ar + b1r + b2r;
            yi[o0 + j] = ai + b1i + b2i;
            double t1r = m1r + n1r;
            double t1i = m1i + n1i;
            yr[o1 + j] = t1r * w1r - t1i * w1i;
            yi[o1 + j] = t1r * w1i + t1i * w1r;
            double t2r = m2r + n2r;
            double t2i = m2i + n2i;
            yr[o2 + j] = t2r * w2r - t2i * w2i;
            yi[o2 + j] = t2r * w2i + t2i * w2r;
            double t3r = m2r - n2r;
            double t3i = m2i - n2i;
            yr[o3 + j] = t3r * w3r - t3i * w3i;
            yi[o3 + j] = t3r * w3i + t3i * w3r;
            double t4r = m1r - n1r;
            double t4i = m1i - n1i;
            yr[o4 + j] = t4r * w4r - t4i * w4i;
            yi[o4 + j] = t4r * w4i + t4i * w4r;
        }
    }

    /** A direct DFT of one radix r (any prime the hand-written butterflies do not cover), then the twiddles. */
    private static void radixAny(int r, double[] xr, double[] xi, double[] yr, double[] yi, int in, int inStep, int out,
                                 int outStep, int len, double[] tc, double[] ts, int tw, double sign) {
        for (int u = 0; u < r; u++) {
            double wr = tc[tw + u];
            double wi = sign * ts[tw + u];
            int o = out + u * outStep;
            for (int j = 0; j < len; j++) {
                double sr = 0;
                double si = 0;
                for (int t = 0; t < r; t++) {
                    double a = 2 * Math.PI * ((t * u) % r) / r;
                    double cr = Math.cos(a);
                    double ci = sign * Math.sin(a);
                    double vr = xr[in + t * inStep + j];
                    double vi = xi[in + t * inStep + j];
                    sr += vr * cr - vi * ci;
                    si += vr * ci + vi * cr;
                }
                yr[o + j] = sr * wr - si * wi;
                yi[o + j] = sr * wi + si * wr;
            }
        }
    }
}
