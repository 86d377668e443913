package netviz.methods.neurons;

import netviz.OutOfRangeException;

/**
 * Centre-biased regularisation (Nguyen, Yosinski and Clune, "Multifaceted Feature Visualization",
 * ICML Visualization for Deep Learning workshop 2016, arXiv:1602.03616, the section on
 * center-biased regularization): activation maximization tends to draw many repeated fragments of
 * an object all over the image; giving the centre pixels more update steps than the edge pixels
 * makes it draw one object in the middle instead.
 *
 * <p>What netviz does, exactly: at step t of T (1-based) the gradient is applied only to the pixels
 * inside a centred window, and the window grows from the middle to the whole image over the run.
 * A pixel's normalised distance from the centre is the Chebyshev distance
 * <pre>  d(y, x) = max(|y + ½ − H/2| / (H/2), |x + ½ − W/2| / (W/2))  ∈ (0, 1]  </pre>
 * and it is updated at step t when d ≤ f(t), with the window size
 * <pre>  f(t) = min(1, start + (1 − start) · (t − 1) / max(1, ⌈growth · T⌉ − 1))  </pre>
 * i.e. f rises linearly from {@code start} at the first step to 1 (the whole image) at step
 * ⌈growth · T⌉ and stays there. A pixel at distance d thus receives about
 * T − (d − start)/(1 − start) · growth · T updates: all T inside the starting window, a little more
 * than (1 − growth) · T at the border ({@link #updates} counts them). The step is normalised over the window ({@link ActivationMaximization}'s
 * η ∇f / mean|∇f|, the mean taken over the pixels inside the window), so a small window moves
 * by η like the full image does. The other regularisers (decay, blur, clipping) keep acting on the
 * whole image.
 *
 * <p>The paper's own code (Evolving-AI-Lab/mfv, {@code act_max.tvd.center.py}) reaches the same
 * end differently: it optimises a canvas larger than the network's input through random crops
 * drawn around the centre, and in one phase masks the gradient outside a central region. The
 * deterministic growing window above is netviz's simpler form of that idea; the defaults
 * ({@link #defaults()}: a window of half the image at the start, the whole image from the middle
 * of the run) are netviz's choice, not the paper's numbers.
 *
 * @param start  side of the window at the first step as a share of the image side, (0, 1];
 *               1 switches the bias off
 * @param growth share of the run, [0, 1], after which the window covers the whole image
 */
public record CenterBias(double start, double growth) {
    /** No centre bias: every pixel is updated at every step. */
    public static final CenterBias NONE = new CenterBias(1, 0);

    public CenterBias {
        if (!(start > 0 && start <= 1)) {
            throw new OutOfRangeException("centre-bias start window must be in (0, 1] of the image side, not " + start);
        }
        if (!(growth >= 0 && growth <= 1)) {
            throw new OutOfRangeException("centre-bias growth must be a share of the run in [0, 1], not " + growth);
        }
    }

    /** A window of half the image side at the first step, the whole image from the middle of the run. */
    public static CenterBias defaults() {
        return new CenterBias(0.5, 0.5);
    }

    /** Whether some pixels skip some steps. */
    public boolean enabled() {
        return start < 1;
    }

    /** The window size f(t) at step {@code t} (1-based) of {@code iterations}. */
    public double window(int t, int iterations) {
        if (!enabled()) {
            return 1;
        }
        int full = Math.max(1, (int) Math.ceil(growth * iterations) - 1);
        return Math.min(1, start + (1 - start) * (t - 1) / (double) full);
    }

    /** d(y, x) for every pixel of an H × W image, row-major. */
    public static double[] distances(int h, int w) {
        double[] d = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = Math.max(Math.abs(y + 0.5 - h / 2.0) / (h / 2.0), Math.abs(x + 0.5 - w / 2.0) / (w / 2.0));
            }
        }
        return d;
    }

    /** The update mask at step {@code t}: 1 for pixels inside the window, 0 outside (H × W, row-major). */
    public float[] mask(int t, int iterations, int h, int w) {
        double f = window(t, iterations);
        double[] d = distances(h, w);
        float[] m = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            m[i] = d[i] <= f + 1e-12 ? 1f : 0f;
        }
        return m;
    }

    /** How many of {@code iterations} steps update each pixel (H × W, row-major). */
    public int[] updates(int iterations, int h, int w) {
        int[] u = new int[h * w];
        double[] d = distances(h, w);
        for (int t = 1; t <= iterations; t++) {
            double f = window(t, iterations);
            for (int i = 0; i < d.length; i++) {
                if (d[i] <= f + 1e-12) {
                    u[i]++;
                }
            }
        }
        return u;
    }

    /** One phrase for titles. */
    public String describe() {
        if (!enabled()) {
            return "no centre bias";
        }
        return String.format(java.util.Locale.ROOT, "centre bias (window %.0f%% \u2192 100%% over the first %.0f%% of steps)",
                100 * start, 100 * growth);
    }
}
