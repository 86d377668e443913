package netviz.image;

/**
 * Separable bilinear resampling with antialiasing, as PIL's {@code Image.resize(..., BILINEAR)} and
 * torchvision's {@code Resize(antialias=True)} compute it.
 *
 * <p>Output sample {@code i} (of {@code out}) sits at input coordinate {@code c = (i + 0.5) * s} with
 * {@code s = in / out} (pixel centres at half-integers, i.e. {@code align_corners=False}). Its value is
 * the normalised weighted sum of input samples {@code j} with weights {@code tri((j + 0.5 - c) / f)},
 * where {@code tri(t) = max(0, 1 - |t|)} is the triangle (bilinear) kernel and {@code f = max(s, 1)}
 * when antialiasing, else 1. When enlarging ({@code s <= 1}) this is exactly bilinear interpolation
 * between the two nearest pixels with edge clamping; when shrinking with antialiasing the kernel is
 * stretched to cover every input pixel under the output pixel, which avoids aliasing. Taps outside
 * the image are dropped and the remaining weights renormalised. Values are kept in float (PIL rounds
 * each pass to 8 bits, so results differ from PIL's by at most about one grey level).
 */
public final class Resampling {
    private Resampling() {
    }

    /** Resizes every channel of {@code img} to {@code outH x outW}. */
    public static FloatImage resize(FloatImage img, int outH, int outW, boolean antialias) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("cannot resize to " + outW + "x" + outH);
        }
        if (outH == img.height() && outW == img.width()) {
            return img;
        }
        Kernel kx = new Kernel(img.width(), outW, antialias);
        Kernel ky = new Kernel(img.height(), outH, antialias);
        int c = img.channels();
        int h = img.height();
        int w = img.width();
        float[] src = img.data();
        // horizontal pass: (c, h, w) -> (c, h, outW)
        float[] tmp = new float[c * h * outW];
        for (int p = 0; p < c * h; p++) {
            int rowIn = p * w;
            int rowOut = p * outW;
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                int start = kx.start[x];
                double[] wts = kx.weights[x];
                for (int k = 0; k < wts.length; k++) {
                    sum += wts[k] * src[rowIn + start + k];
                }
                tmp[rowOut + x] = (float) sum;
            }
        }
        // vertical pass: (c, h, outW) -> (c, outH, outW)
        float[] out = new float[c * outH * outW];
        double[] acc = new double[outW];
        for (int ch = 0; ch < c; ch++) {
            int planeIn = ch * h * outW;
            int planeOut = ch * outH * outW;
            for (int y = 0; y < outH; y++) {
                java.util.Arrays.fill(acc, 0);
                int start = ky.start[y];
                double[] wts = ky.weights[y];
                for (int k = 0; k < wts.length; k++) {
                    int row = planeIn + (start + k) * outW;
                    double wk = wts[k];
                    for (int x = 0; x < outW; x++) {
                        acc[x] += wk * tmp[row + x];
                    }
                }
                for (int x = 0; x < outW; x++) {
                    out[planeOut + y * outW + x] = (float) acc[x];
                }
            }
        }
        return new FloatImage(c, outH, outW, out);
    }

    /** Bilinear sample of one channel at continuous pixel coordinates (pixel centres at +0.5), edges clamped. */
    public static float sample(FloatImage img, int channel, double y, double x) {
        double fy = Math.min(Math.max(y - 0.5, 0), img.height() - 1);
        double fx = Math.min(Math.max(x - 0.5, 0), img.width() - 1);
        int y0 = (int) fy;
        int x0 = (int) fx;
        int y1 = Math.min(y0 + 1, img.height() - 1);
        int x1 = Math.min(x0 + 1, img.width() - 1);
        double dy = fy - y0;
        double dx = fx - x0;
        double top = img.get(channel, y0, x0) * (1 - dx) + img.get(channel, y0, x1) * dx;
        double bottom = img.get(channel, y1, x0) * (1 - dx) + img.get(channel, y1, x1) * dx;
        return (float) (top * (1 - dy) + bottom * dy);
    }

    /** Per-output-sample taps: first input index and normalised weights. */
    static final class Kernel {
        final int[] start;
        final double[][] weights;

        Kernel(int in, int out, boolean antialias) {
            double scale = (double) in / out;
            double filterScale = antialias ? Math.max(scale, 1.0) : 1.0;
            double support = filterScale;
            start = new int[out];
            weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), in);
                if (hi <= lo) {
                    lo = Math.min(Math.max((int) center, 0), in - 1);
                    hi = lo + 1;
                }
                double[] wts = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j - center + 0.5) / filterScale);
                    double v = t < 1 ? 1 - t : 0;
                    wts[j - lo] = v;
                    total += v;
                }
                if (total == 0) {
                    java.util.Arrays.fill(wts, 1.0 / wts.length);
                } else {
                    for (int k = 0; k < wts.length; k++) {
                        wts[k] /= total;
                    }
                }
                start[i] = lo;
                weights[i] = wts;
            }
        }
    }
}
