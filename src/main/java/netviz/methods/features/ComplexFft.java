package netviz.methods.features;

/**
 * The radix-2 decimation-in-time fast Fourier transform (Cooley &amp; Tukey 1965) of complex sequences of
 * one power-of-two length n, held as separate real and imaginary arrays:
 * {@code X[k] = Σ_j x[j] e^{∓2πi jk/n}} (minus sign forward; the inverse is unscaled). Twiddle factors
 * and the bit-reversal permutation are tabulated once; a transform is in place and allocates nothing, so
 * one instance can be shared by threads working on different rows.
 */
final class ComplexFft {
    final int n;
    private final int[] reverse;
    private final double[] cos;
    private final double[] sin;

    ComplexFft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("the radix-2 FFT needs a power-of-two length, got " + n);
        }
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        reverse = new int[n];
        for (int i = 0; i < n; i++) {
            reverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[Math.max(1, n / 2)];
        sin = new double[Math.max(1, n / 2)];
        for (int k = 0; k < n / 2; k++) {
            double a = 2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    /** Transforms {@code re/im[off .. off+n)} in place; {@code inverse} uses e^{+2πi jk/n}, unscaled. */
    void transform(double[] re, double[] im, int off, boolean inverse) {
        for (int i = 0; i < n; i++) {
            int j = reverse[i];
            if (j > i) {
                double t = re[off + i];
                re[off + i] = re[off + j];
                re[off + j] = t;
                t = im[off + i];
                im[off + i] = im[off + j];
                im[off + j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int size = 2; size <= n; size <<= 1) {
            int half = size >> 1;
            int step = n / size;
            for (int start = off; start < off + n; start += size) {
                for (int j = 0; j < half; j++) {
                    double wr = cos[j * step];
                    double wi = sign * sin[j * step];
                    int a = start + j;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
