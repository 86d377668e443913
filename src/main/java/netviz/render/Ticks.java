package netviz.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Axis ticks at "nice" numbers (1, 2, 2.5 or 5 times a power of ten, after Heckbert, "Nice numbers
 * for graph labels", Graphics Gems, 1990) and compact number formatting for labels.
 */
public final class Ticks {
    private Ticks() {
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
