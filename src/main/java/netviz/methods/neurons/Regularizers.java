package netviz.methods.neurons;

import netviz.OutOfRangeException;

/**
 * The image-space regularisers of Yosinski, Clune, Nguyen, Fuchs and Lipson, "Understanding
 * Neural Networks Through Deep Visualization" (ICML Deep Learning workshop 2015, section 3), each
 * an operator r applied to the image after every gradient step (x ← r(x + η ∇f)); a value of 0
 * switches one off:
 * <ul>
 * <li>{@code decay} θ_decay: L2 decay x ← (1 − θ_decay) x, the operator form of the penalty
 *     −λ/2 ‖x‖² of Simonyan, Vedaldi and Zisserman (2014, eq. 1) with θ_decay = η λ;</li>
 * <li>{@code blurSigma} θ_b_width and {@code blurEvery} θ_b_every: a Gaussian blur of standard
 *     deviation θ_b_width pixels every θ_b_every steps;</li>
 * <li>{@code normPercentile} θ_n_pct: pixels whose norm over colour channels is below this
 *     percentile are set to zero;</li>
 * <li>{@code contributionPercentile} θ_c_pct: pixels whose contribution |Σ_c x ∇f| (the linear
 *     estimate of how much the activation would drop if the pixel were zeroed) is below this
 *     percentile are set to zero;</li>
 * <li>{@code jitter}: a random circular shift of up to this many pixels before each step
 *     (Mordvintsev et al. 2015), implemented as a {@link Transform};</li>
 * <li>{@code centerBias}: the centre-biased regularisation of Nguyen, Yosinski and Clune 2016
 *     ({@link CenterBias}): the gradient is applied only inside a centred window that grows to the
 *     whole image over the run, so centre pixels get more update steps than edge pixels (off in
 *     every preset; {@link CenterBias#NONE}).</li>
 * </ul>
 * Zero is the model input 0, i.e. the mean colour of the preprocessing. The four combinations of
 * the paper's Table 1 (found by random search) are {@link #yosinski(int)} 1 to 4.
 */
public record Regularizers(double decay, double blurSigma, int blurEvery, double normPercentile,
                           double contributionPercentile, int jitter, CenterBias centerBias) {

    /** The Yosinski et al. regularisers without centre bias. */
    public Regularizers(double decay, double blurSigma, int blurEvery, double normPercentile,
                        double contributionPercentile, int jitter) {
        this(decay, blurSigma, blurEvery, normPercentile, contributionPercentile, jitter, CenterBias.NONE);
    }

    public Regularizers {
        if (centerBias == null) {
            centerBias = CenterBias.NONE;
        }
        if (!(decay >= 0 && decay < 1)) {
            throw new OutOfRangeException("L2 decay must be in [0, 1), not " + decay);
        }
        if (!(blurSigma >= 0) || blurSigma > 100) {
            throw new OutOfRangeException("blur radius (sigma) must be in [0, 100] pixels, not " + blurSigma);
        }
        if (blurEvery < 0) {
            throw new OutOfRangeException("blur-every must be 0 (never) or a positive number of steps, not " + blurEvery);
        }
        if (!(normPercentile >= 0 && normPercentile < 100)) {
            throw new OutOfRangeException("norm percentile must be in [0, 100), not " + normPercentile);
        }
        if (!(contributionPercentile >= 0 && contributionPercentile < 100)) {
            throw new OutOfRangeException("contribution percentile must be in [0, 100), not " + contributionPercentile);
        }
        if (jitter < 0) {
            throw new OutOfRangeException("jitter must be 0 or more pixels, not " + jitter);
        }
    }

    /** No regularisation. */
    public static Regularizers none() {
        return new Regularizers(0, 0, 0, 0, 0, 0);
    }

    /**
     * Simonyan et al. 2014: L2 only. The paper does not state λ; θ_decay = 0.01 per step keeps the
     * image within the pixel range without washing it out.
     */
    public static Regularizers simonyan() {
        return new Regularizers(0.01, 0, 0, 0, 0, 0);
    }

    /** Row {@code row} (1 to 4) of Table 1 of Yosinski et al. 2015 (θ_decay, θ_b_width, θ_b_every, θ_n_pct, θ_c_pct). */
    public static Regularizers yosinski(int row) {
        return switch (row) {
            case 1 -> new Regularizers(0, 0.5, 4, 50, 0, 0);
            case 2 -> new Regularizers(0.3, 0, 0, 20, 0, 0);
            case 3 -> new Regularizers(0.0001, 1.0, 4, 0, 0, 0);
            case 4 -> new Regularizers(0, 0.5, 4, 0, 90, 0);
            default -> throw new OutOfRangeException("Yosinski et al. 2015 give 4 combinations (1..4), not " + row);
        };
    }

    /** The default Yosinski preset: Table 1 row 3 (decay 0.0001, blur σ 1.0 every 4 steps). */
    public static Regularizers yosinski() {
        return yosinski(3);
    }

    /** A preset by name: none, simonyan, yosinski, yosinski1 … yosinski4. */
    public static Regularizers preset(String name) {
        String s = name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "none" -> none();
            case "simonyan" -> simonyan();
            case "yosinski" -> yosinski();
            case "yosinski1", "yosinski2", "yosinski3", "yosinski4" -> yosinski(s.charAt(8) - '0');
            default -> throw new netviz.UnknownNameException("regulariser preset", name,
                    java.util.List.of("none", "simonyan", "yosinski", "yosinski1", "yosinski2", "yosinski3", "yosinski4"));
        };
    }

    public Regularizers withDecay(double v) {
        return new Regularizers(v, blurSigma, blurEvery, normPercentile, contributionPercentile, jitter, centerBias);
    }

    public Regularizers withBlur(double sigma, int every) {
        return new Regularizers(decay, sigma, every, normPercentile, contributionPercentile, jitter, centerBias);
    }

    public Regularizers withNormPercentile(double v) {
        return new Regularizers(decay, blurSigma, blurEvery, v, contributionPercentile, jitter, centerBias);
    }

    public Regularizers withContributionPercentile(double v) {
        return new Regularizers(decay, blurSigma, blurEvery, normPercentile, v, jitter, centerBias);
    }

    public Regularizers withJitter(int v) {
        return new Regularizers(decay, blurSigma, blurEvery, normPercentile, contributionPercentile, v, centerBias);
    }

    public Regularizers withCenterBias(CenterBias v) {
        return new Regularizers(decay, blurSigma, blurEvery, normPercentile, contributionPercentile, jitter, v);
    }

    /** True when blurring happens at step t (1-based). */
    public boolean blursAt(int t) {
        return blurSigma > 0 && blurEvery > 0 && t % blurEvery == 0;
    }

    /** One line for titles, e.g. "decay 0.0001, blur 1.0/4". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (decay > 0) {
            b.append("L2 decay ").append(decay);
        }
        if (blurSigma > 0 && blurEvery > 0) {
            b.append(b.isEmpty() ? "" : ", ").append("blur σ ").append(blurSigma).append(" every ").append(blurEvery);
        }
        if (normPercentile > 0) {
            b.append(b.isEmpty() ? "" : ", ").append("norm clip ").append(normPercentile).append("%");
        }
        if (contributionPercentile > 0) {
            b.append(b.isEmpty() ? "" : ", ").append("contribution clip ").append(contributionPercentile).append("%");
        }
        if (jitter > 0) {
            b.append(b.isEmpty() ? "" : ", ").append("jitter ").append(jitter);
        }
        if (centerBias.enabled()) {
            b.append(b.isEmpty() ? "" : ", ").append(centerBias.describe());
        }
        return b.isEmpty() ? "no regularisation" : b.toString();
    }

    // ------------------------------------------------------------ the operators, on (N, C, H, W) arrays

    /** x ← (1 − θ) x. */
    static void decay(float[] x, double theta) {
        float f = (float) (1 - theta);
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
    }

    /** Separable Gaussian blur of each (H, W) plane, truncated at 3σ, weights renormalised at borders. */
    static void blur(float[] x, int planes, int h, int w, double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * r + 1];
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
        }
        float[] tmp = new float[h * w];
        for (int p = 0; p < planes; p++) {
            int off = p * h * w;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double s = 0;
                    double ws = 0;
                    for (int i = -r; i <= r; i++) {
                        int q = xx + i;
                        if (q >= 0 && q < w) {
                            s += k[i + r] * x[off + y * w + q];
                            ws += k[i + r];
                        }
                    }
                    tmp[y * w + xx] = (float) (s / ws);
                }
            }
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double s = 0;
                    double ws = 0;
                    for (int i = -r; i <= r; i++) {
                        int q = y + i;
                        if (q >= 0 && q < h) {
                            s += k[i + r] * tmp[q * w + xx];
                            ws += k[i + r];
                        }
                    }
                    x[off + y * w + xx] = (float) (s / ws);
                }
            }
        }
    }

    /**
     * Zeroes, in each example, the floor(pct/100 · H·W) pixels (all channels) with the smallest
     * {@code score} (one score per pixel, (N, H, W)); ties broken by position. Returns the count
     * zeroed per example.
     */
    static int clip(float[] x, int n, int c, int h, int w, float[] score, double pct) {
        int hw = h * w;
        int m = (int) Math.floor(pct / 100.0 * hw);
        if (m == 0) {
            return 0;
        }
        Integer[] order = new Integer[hw];
        for (int e = 0; e < n; e++) {
            int base = e * hw;
            for (int i = 0; i < hw; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> {
                int cmp = Float.compare(score[base + a], score[base + b]);
                return cmp != 0 ? cmp : Integer.compare(a, b);
            });
            for (int j = 0; j < m; j++) {
                int p = order[j];
                for (int ch = 0; ch < c; ch++) {
                    x[(e * c + ch) * hw + p] = 0f;
                }
            }
        }
        return m;
    }

    /** Per-pixel norm over channels, (N, H, W). */
    static float[] pixelNorms(float[] x, int n, int c, int hw) {
        float[] s = new float[n * hw];
        for (int e = 0; e < n; e++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    s[e * hw + i] += x[off + i] * x[off + i];
                }
            }
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt(s[i]);
        }
        return s;
    }

    /** Per-pixel contribution |Σ_c x ∇|, (N, H, W). */
    static float[] contributions(float[] x, float[] g, int n, int c, int hw) {
        float[] s = new float[n * hw];
        for (int e = 0; e < n; e++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    s[e * hw + i] += x[off + i] * g[off + i];
                }
            }
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.abs(s[i]);
        }
        return s;
    }
}
