package netviz.render;

import java.util.Arrays;

/**
 * A closed interval of data values mapped linearly onto [0, 1]:
 * {@code normalize(v) = clamp((v - lo) / (hi - lo), 0, 1)}. A degenerate range (lo == hi, e.g.
 * a constant map) sends its value to 0.5, values below to 0 and above to 1. Factories compute the
 * usual ranges of an array, ignoring NaN and infinities: min-max, symmetric around zero
 * ({@code ±max|v|}) and percentile clipping. {@link #mapLabel} says in words what a map's min-max
 * range is, so that a figure never leaves an empty or flat map looking like a real one.
 */
public record ValueRange(double lo, double hi) {
    /**
     * The relative spread under which a map counts as near-constant: {@code 0 < hi - lo <=
     * NEAR_CONSTANT * max(|lo|, |hi|)}, i.e. its values agree in their first three significant
     * digits (a probability between 0.9990 and 0.9999, say). Stretched over a whole colour map such
     * a spread looks like structure; it is a change of the model's output by at most 0.1%.
     */
    public static final double NEAR_CONSTANT = 1e-3;

    public ValueRange {
        if (Double.isNaN(lo) || Double.isNaN(hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("a value range needs finite bounds, not [" + lo + ", " + hi + "]");
        }
        if (lo > hi) {
            throw new IllegalArgumentException("a value range needs lo <= hi, not [" + lo + ", " + hi + "]");
        }
    }

    /**
     * {@code [lo, hi]} for the figure {@code figure} (e.g. "the occlusion map of class 3"); bounds
     * that are not finite are a {@link netviz.NonFiniteResultException} naming that figure.
     */
    public static ValueRange of(double lo, double hi, String figure) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw netviz.methods.Finite.result("cannot draw " + figure + ": its value range needs finite bounds, not ["
                    + lo + ", " + hi + "]");
        }
        return new ValueRange(lo, hi);
    }

    /** The value mapped to [0, 1]; NaN stays NaN. */
    public double normalize(double v) {
        if (Double.isNaN(v)) {
            return v;
        }
        if (hi == lo) {
            return v < lo ? 0 : v > hi ? 1 : 0.5;
        }
        double t = (v - lo) / (hi - lo);
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }

    /** hi - lo. */
    public double width() {
        return hi - lo;
    }

    /** True when the range is symmetric around zero (lo == -hi). */
    public boolean isSymmetric() {
        return lo == -hi;
    }

    /** The smallest range holding both. */
    public ValueRange union(ValueRange o) {
        return new ValueRange(Math.min(lo, o.lo), Math.max(hi, o.hi));
    }

    /** Whether every value of a map with this min-max range is 0 (the range is [0, 0]). */
    public boolean isZero() {
        return lo == 0 && hi == 0;
    }

    /** Whether this is the range of a near-constant map (see {@link #NEAR_CONSTANT}); a constant map is not. */
    public boolean isNearConstant() {
        return hi > lo && hi - lo <= NEAR_CONSTANT * Math.max(Math.abs(lo), Math.abs(hi));
    }

    /**
     * What a map whose min-max range this is holds, in words, for the line under its panel:
     * "empty map (all 0)", "constant map (all 0.7)", "near-constant map" above "min 0.999, max 0.9999",
     * or "min 0, max 0.0055"; min and max with as many digits as it takes to tell them apart.
     */
    public String mapLabel() {
        if (isZero()) {
            return "empty map (all 0)";
        }
        if (lo == hi) {
            return "constant map (all " + Ticks.format(lo, Ticks.DIGITS) + ")";
        }
        String[] t = Ticks.labels(lo, hi);
        String minMax = "min " + t[0] + ", max " + t[1];
        return isNearConstant() ? "near-constant map\n" + minMax : minMax;
    }

    /** [min, max] of the finite values; [0, 0] when there are none. */
    public static ValueRange minMax(float[] v) {
        return minMax(v, 0, v.length);
    }

    /** [min, max] of the finite values of {@code v[from .. from+length)}; [0, 0] when there are none. */
    public static ValueRange minMax(float[] v, int from, int length) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            float x = v[i];
            if (Float.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return lo > hi ? new ValueRange(0, 0) : new ValueRange(lo, hi);
    }

    /** [-m, m] with m the largest finite |v|; zero maps to the middle of the colour map. */
    public static ValueRange symmetric(float[] v) {
        return symmetric(v, 0, v.length);
    }

    public static ValueRange symmetric(float[] v, int from, int length) {
        double m = 0;
        for (int i = from; i < from + length; i++) {
            if (Float.isFinite(v[i])) {
                m = Math.max(m, Math.abs(v[i]));
            }
        }
        return new ValueRange(-m, m);
    }

    /**
     * [p_low, p_high]: the {@code low}-th and {@code high}-th percentiles (0..100, linear
     * interpolation between order statistics, as numpy's default) of the finite values, so that a
     * few extreme values do not wash out the rest.
     */
    public static ValueRange percentile(float[] v, int from, int length, double low, double high) {
        checkPercent(low);
        checkPercent(high);
        if (low > high) {
            throw new IllegalArgumentException("low percentile " + low + " is above high percentile " + high);
        }
        double[] s = finiteSorted(v, from, length, false);
        if (s.length == 0) {
            return new ValueRange(0, 0);
        }
        return new ValueRange(quantile(s, low / 100), quantile(s, high / 100));
    }

    public static ValueRange percentile(float[] v, double low, double high) {
        return percentile(v, 0, v.length, low, high);
    }

    /** [-m, m] with m the {@code p}-th percentile of |v|. */
    public static ValueRange symmetricPercentile(float[] v, int from, int length, double p) {
        checkPercent(p);
        double[] s = finiteSorted(v, from, length, true);
        double m = s.length == 0 ? 0 : quantile(s, p / 100);
        return new ValueRange(-m, m);
    }

    private static void checkPercent(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile must lie in [0, 100], not " + p);
        }
    }

    private static double[] finiteSorted(float[] v, int from, int length, boolean abs) {
        double[] s = new double[length];
        int n = 0;
        for (int i = from; i < from + length; i++) {
            if (Float.isFinite(v[i])) {
                s[n++] = abs ? Math.abs(v[i]) : v[i];
            }
        }
        s = Arrays.copyOf(s, n);
        Arrays.sort(s);
        return s;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double f = pos - i;
        return sorted[i] + f * (sorted[i + 1] - sorted[i]);
    }

    /** "[-0.52, 0.52]" with 3 significant digits. */
    @Override
    public String toString() {
        return "[" + Ticks.format(lo, 3) + ", " + Ticks.format(hi, 3) + "]";
    }

    /** Parses "lo,hi" or "lo:hi". */
    public static ValueRange parse(String s) {
        String[] p = s.trim().split("[,:]");
        if (p.length != 2) {
            throw new IllegalArgumentException("a value range is written lo,hi, not '" + s + "'");
        }
        return new ValueRange(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
    }
}
