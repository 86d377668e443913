package netviz.methods.attribution;

import java.util.Arrays;
import java.util.Locale;
import netviz.OutOfRangeException;

/**
 * A reference image in the model's input space, made from the input image: what an occluded
 * window is filled with ({@link Occlusion}) or where the path of {@link IntegratedGradients}
 * starts. Values are in the model's input space (after normalisation): {@code zero} writes 0 into
 * the tensor, {@code constant(r, g, b)} writes those values per channel (a CLI passes the dataset
 * mean pixel this way), {@code mean} the image's own mean per channel, and {@code blur} a
 * Gaussian blur of the image (the "blurred baseline" of Sturmfels, Lundberg and Lee, "Visualizing
 * the Impact of Feature Attribution Baselines", Distill 2020).
 */
public sealed interface Baseline {

    /** All zeros (in the model's input space). */
    static Baseline zero() {
        return new Constant(new double[] {0});
    }

    /** One value per channel (or one value for every channel). */
    static Baseline constant(double... perChannel) {
        if (perChannel.length == 0) {
            throw new IllegalArgumentException("no fill value");
        }
        return new Constant(perChannel.clone());
    }

    /** The image's own mean value per channel. */
    static Baseline mean() {
        return new Mean();
    }

    /** A Gaussian blur of the image with standard deviation {@code sigma} pixels. */
    static Baseline blur(double sigma) {
        if (!(sigma > 0) || sigma > 1000) {
            throw new OutOfRangeException("blur sigma " + sigma + " must be positive and at most 1000 pixels");
        }
        return new Blur(sigma);
    }

    /** A Gaussian blur with sigma = max(H, W) / 10 pixels (22 pixels at 224×224, 2.8 at 28×28). */
    static Baseline blur() {
        return new Blur(0);
    }

    /**
     * Parses "zero", "mean", "blur", "blur:SIGMA" or comma-separated per-channel values "R,G,B"
     * (or one value); the error lists what is accepted.
     */
    static Baseline parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "zero":
            case "zeros":
            case "0":
                return zero();
            case "mean":
                return mean();
            case "blur":
                return blur();
            default:
                break;
        }
        if (s.startsWith("blur:")) {
            try {
                return blur(Double.parseDouble(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new OutOfRangeException("blur sigma '" + s.substring(5) + "' is not a number");
            }
        }
        String[] parts = s.split(",");
        double[] v = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Double.parseDouble(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new OutOfRangeException("fill '" + spec + "' is not one of zero, mean, blur, blur:SIGMA or per-channel"
                    + " values R,G,B");
        }
        return constant(v);
    }

    /**
     * The reference image for one example.
     *
     * @param x one example, (C, H, W) row-major
     * @return a new (C, H, W) array
     */
    float[] image(float[] x, int c, int h, int w);

    /** Fills per channel with a constant. */
    record Constant(double[] values) implements Baseline {
        @Override
        public float[] image(float[] x, int c, int h, int w) {
            if (values.length != 1 && values.length != c) {
                throw new OutOfRangeException("a constant fill of " + values.length + " values does not fit an input of "
                        + c + (c == 1 ? " channel; give one value" : " channels; give one value or " + c));
            }
            float[] out = new float[c * h * w];
            for (int ch = 0; ch < c; ch++) {
                Arrays.fill(out, ch * h * w, (ch + 1) * h * w, (float) values[values.length == 1 ? 0 : ch]);
            }
            return out;
        }

        @Override
        public String toString() {
            return values.length == 1 && values[0] == 0 ? "zero" : "constant" + Arrays.toString(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Constant k && Arrays.equals(k.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** The image's mean per channel. */
    record Mean() implements Baseline {
        @Override
        public float[] image(float[] x, int c, int h, int w) {
            float[] out = new float[c * h * w];
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int i = ch * h * w; i < (ch + 1) * h * w; i++) {
                    s += x[i];
                }
                Arrays.fill(out, ch * h * w, (ch + 1) * h * w, (float) (s / (h * w)));
            }
            return out;
        }

        @Override
        public String toString() {
            return "mean";
        }
    }

    /** Separable Gaussian blur, edges clamped; {@code sigma} 0 = max(H, W) / 10. */
    record Blur(double sigma) implements Baseline {
        @Override
        public float[] image(float[] x, int c, int h, int w) {
            double s = sigma > 0 ? sigma : Math.max(h, w) / 10.0;
            int r = (int) Math.ceil(3 * s);
            double[] k = new double[2 * r + 1];
            double total = 0;
            for (int i = -r; i <= r; i++) {
                k[i + r] = Math.exp(-0.5 * i * i / (s * s));
                total += k[i + r];
            }
            for (int i = 0; i < k.length; i++) {
                k[i] /= total;
            }
            float[] tmp = new float[c * h * w];
            float[] out = new float[c * h * w];
            for (int ch = 0; ch < c; ch++) {
                int off = ch * h * w;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double acc = 0;
                        for (int i = -r; i <= r; i++) {
                            int xi = Math.min(w - 1, Math.max(0, xx + i));
                            acc += k[i + r] * x[off + y * w + xi];
                        }
                        tmp[off + y * w + xx] = (float) acc;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double acc = 0;
                        for (int i = -r; i <= r; i++) {
                            int yi = Math.min(h - 1, Math.max(0, y + i));
                            acc += k[i + r] * tmp[off + yi * w + xx];
                        }
                        out[off + y * w + xx] = (float) acc;
                    }
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return sigma > 0 ? "blur(sigma=" + sigma + ")" : "blur";
        }
    }
}
