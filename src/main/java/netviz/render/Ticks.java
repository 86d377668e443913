package netviz.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Axis ticks at "nice" numbers (1, 2, 2.5 or 5 times a power of ten, after Heckbert, "Nice numbers
 * for graph labels", Graphics Gems, 1990) and compact number formatting for labels. Labels of
 * several ticks share the fewest significant digits (at least {@value #DIGITS}) that tell them
 * apart, so that ticks over [0.999, 0.9999] read 0.999, 0.9992, …, not "1, 1, 1".
 */
public final class Ticks {
    /** Significant digits of a label when fewer would do: 0.123, 45.6. */
    public static final int DIGITS = 3;
    private static final int MAX_DIGITS = 17;

    private Ticks() {
    }

    /**
     * The labels of tick values: {@link #format} with the same number of significant digits for all,
     * the fewest (at least {@value #DIGITS}) with which distinct values get distinct labels and each
     * label reads its value to within 1/1000 of the closest two values' distance (so 0.99925 is not
     * written 0.999).
     */
    public static String[] labels(double... values) {
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            for (int j = i + 1; j < values.length; j++) {
                double d = Math.abs(values[i] - values[j]);
                if (d > 0) {
                    gap = Math.min(gap, d);
                }
            }
        }
        String[] out = new String[values.length];
        for (int d = DIGITS; d <= MAX_DIGITS; d++) {
            boolean exact = true;
            for (int i = 0; i < values.length; i++) {
                out[i] = format(values[i], d);
                exact &= !(Math.abs(Double.parseDouble(out[i]) - values[i]) > 1e-3 * gap);
            }
            if (exact && distinct(values, out)) {
                break;
            }
        }
        return out;
    }

    private static boolean distinct(double[] values, String[] labels) {
        for (int i = 0; i < values.length; i++) {
            for (int j = i + 1; j < values.length; j++) {
                if (values[i] != values[j] && labels[i].equals(labels[j])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Two round values inside [lo, hi] for a scale too short for {@link #nice} ticks: lo rounded up
     * and hi rounded down to the fewest significant digits (at least 2) that keep them apart, so
     * that each label names a value of the range and sits at that value; {lo} when lo == hi.
     */
    public static double[] inside(double lo, double hi) {
        if (!(hi > lo)) {
            return new double[] {lo};
        }
        for (int d = 2; d <= MAX_DIGITS; d++) {
            double a = round(lo, d, RoundingMode.CEILING);
            double b = round(hi, d, RoundingMode.FLOOR);
            if (a >= lo && b <= hi && a < b) {
                return new double[] {a, b};
            }
        }
        return new double[] {lo, hi};
    }

    private static double round(double v, int digits, RoundingMode mode) {
        return v == 0 ? 0 : BigDecimal.valueOf(v).round(new MathContext(digits, mode)).doubleValue();
    }

    /** Tick values inside [lo, hi], at most about {@code maxTicks} of them, at a nice step. */
    public static double[] nice(double lo, double hi, int maxTicks) {
        if (!(hi > lo)) {
            return new double[] {lo};
        }
        double step = niceStep((hi - lo) / Math.max(1, maxTicks - 1));
        double first = Math.ceil(lo / step - 1e-9) * step;
        List<Double> t = new ArrayList<>();
        for (double v = first; v <= hi + step * 1e-9; v += step) {
            t.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
            if (t.size() > 1000) {
                break;
            }
        }
        double[] r = new double[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = t.get(i);
        }
        return r;
    }

    /** The nice step (1, 2, 2.5, 5 x 10^k) at or above {@code raw}. */
    public static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return n * p;
    }

    /**
     * {@code v} with at most {@code digits} significant digits, without trailing zeros, in
     * scientific notation when very large or small: 0.5, 12.3, -3, 1.2e-05.
     */
    public static String format(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-4) {
            String s = String.format(java.util.Locale.ROOT, "%." + Math.max(0, digits - 1) + "e", v);
            return s.replaceAll("\\.?0+e", "e");
        }
        return b.toPlainString();
    }
}
