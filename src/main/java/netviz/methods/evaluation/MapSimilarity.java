package netviz.methods.evaluation;

import java.util.Arrays;

/**
 * Similarity of two attribution maps, as Adebayo et al. (2018, "Sanity Checks for Saliency Maps")
 * compare an explanation of the trained model with one of a randomised model:
 * <ul>
 * <li>{@link #spearman}: the Spearman rank correlation ρ = Pearson correlation of the ranks (ties get
 * their average rank), in [−1, 1];</li>
 * <li>{@link #ssim}: the structural similarity index (Wang et al. 2004) of the two maps, each
 * min–max scaled to [0, 1], with a 7 × 7 uniform window (scikit-image's default, which the paper
 * used), C1 = (0.01)², C2 = (0.03)², averaged over every full window.</li>
 * </ul>
 * The paper compares the absolute values of the maps; callers pass |map|. A constant map carries
 * no ranking, so its rank correlation with anything is undefined: it is reported as 0 here (nothing
 * of the original ranking survives), and its SSIM uses the all-zero scaled map.
 */
public final class MapSimilarity {
    private MapSimilarity() {
    }

    /** The ranks 1..n of {@code v} (ties share their average rank). */
    public static double[] ranks(float[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(v[a], v[b]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /** Spearman's ρ of {@code a} and {@code b} (same length); 0 when either is constant. */
    public static double spearman(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values");
        }
        return pearson(ranks(a), ranks(b));
    }

    /** Pearson's r; 0 when either vector is constant. */
    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    /** Elementwise |v|. */
    public static float[] abs(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    /** The mean SSIM of two h × w maps, each min–max scaled to [0, 1], over every full 7 × 7 window. */
    public static double ssim(float[] a, float[] b, int h, int w) {
        if (a.length != h * w || b.length != h * w) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values for " + h + "x" + w);
        }
        double[] x = scaled(a);
        double[] y = scaled(b);
        int win = Math.min(7, Math.min(h, w));
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        int m = win * win;
        double total = 0;
        int count = 0;
        for (int r = 0; r + win <= h; r++) {
            for (int c = 0; c + win <= w; c++) {
                double sx = 0;
                double sy = 0;
                double sxx = 0;
                double syy = 0;
                double sxy = 0;
                for (int i = r; i < r + win; i++) {
                    for (int j = c; j < c + win; j++) {
                        double p = x[i * w + j];
                        double q = y[i * w + j];
                        sx += p;
                        sy += q;
                        sxx += p * p;
                        syy += q * q;
                        sxy += p * q;
                    }
                }
                double ux = sx / m;
                double uy = sy / m;
                // sample covariances (n - 1), as scikit-image does
                double vx = (sxx - m * ux * ux) / (m - 1);
                double vy = (syy - m * uy * uy) / (m - 1);
                double cxy = (sxy - m * ux * uy) / (m - 1);
                total += (2 * ux * uy + c1) * (2 * cxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
                count++;
            }
        }
        return total / count;
    }

    private static double[] scaled(float[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float f : v) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        double[] out = new double[v.length];
        if (hi > lo) {
            for (int i = 0; i < v.length; i++) {
                out[i] = (v[i] - lo) / (hi - lo);
            }
        }
        return out;
    }
}
