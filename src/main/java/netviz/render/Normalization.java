package netviz.render;

import java.util.Locale;
import netviz.NetvizException;

/**
 * How a set of values is mapped onto a colour map: which {@link ValueRange} the values get.
 * <ul>
 *   <li>{@link #MIN_MAX}: [min, max] (sequential maps: the full colour range is used);</li>
 *   <li>{@link #SYMMETRIC}: [-max|v|, max|v|] (diverging maps: zero is the centre colour);</li>
 *   <li>{@link #percentile}: [p_low, p_high] (clips outliers), {@link #symmetricPercentile};</li>
 *   <li>{@link #fixed}: a given range, the same for every set (comparable across pictures).</li>
 * </ul>
 */
public interface Normalization {

    /** The range for {@code values[from .. from+length)}. */
    ValueRange rangeOf(float[] values, int from, int length);

    /** A short description for captions, e.g. "min-max" or "percentile 1-99". */
    String describe();

    default ValueRange rangeOf(float[] values) {
        return rangeOf(values, 0, values.length);
    }

    Normalization MIN_MAX = new Normalization() {
        @Override
        public ValueRange rangeOf(float[] v, int from, int length) {
            return ValueRange.minMax(v, from, length);
        }

        @Override
        public String describe() {
            return "min-max";
        }
    };

    Normalization SYMMETRIC = new Normalization() {
        @Override
        public ValueRange rangeOf(float[] v, int from, int length) {
            return ValueRange.symmetric(v, from, length);
        }

        @Override
        public String describe() {
            return "symmetric";
        }
    };

    static Normalization percentile(double low, double high) {
        ValueRange.percentile(new float[] {0}, low, high); // validates
        return new Normalization() {
            @Override
            public ValueRange rangeOf(float[] v, int from, int length) {
                return ValueRange.percentile(v, from, length, low, high);
            }

            @Override
            public String describe() {
                return "percentile " + Ticks.format(low, 3) + "-" + Ticks.format(high, 3);
            }
        };
    }

    static Normalization symmetricPercentile(double p) {
        ValueRange.symmetricPercentile(new float[] {0}, 0, 1, p); // validates
        return new Normalization() {
            @Override
            public ValueRange rangeOf(float[] v, int from, int length) {
                return ValueRange.symmetricPercentile(v, from, length, p);
            }

            @Override
            public String describe() {
                return "symmetric percentile " + Ticks.format(p, 3);
            }
        };
    }

    static Normalization fixed(ValueRange range) {
        return new Normalization() {
            @Override
            public ValueRange rangeOf(float[] v, int from, int length) {
                return range;
            }

            @Override
            public String describe() {
                return "fixed " + range;
            }
        };
    }

    /** The default for a colour map: symmetric for diverging maps, min-max otherwise. */
    static Normalization defaultFor(Colormap map) {
        return map.isDiverging() ? SYMMETRIC : MIN_MAX;
    }

    /**
     * Parses a user's choice: "minmax", "symmetric", "p1-99" / "percentile:1:99" (percentile
     * clipping), "sp99" (symmetric percentile), or "lo,hi" (fixed).
     */
    static Normalization parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (n.equals("minmax") || n.equals("min-max")) {
                return MIN_MAX;
            }
            if (n.equals("symmetric") || n.equals("sym")) {
                return SYMMETRIC;
            }
            if (n.startsWith("sp")) {
                return symmetricPercentile(Double.parseDouble(n.substring(2)));
            }
            if (n.startsWith("p") || n.startsWith("percentile:")) {
                String[] p = n.replaceFirst("^(percentile:|p)", "").split("[-:]");
                if (p.length == 2) {
                    return percentile(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
                }
            }
            if (n.contains(",")) {
                return fixed(ValueRange.parse(n));
            }
        } catch (IllegalArgumentException e) {
            throw new NetvizException("bad normalisation '" + s + "': " + e.getMessage());
        }
        throw new NetvizException("unknown normalisation '" + s
                + "'; use minmax, symmetric, p<low>-<high> (e.g. p1-99), sp<p> (e.g. sp99) or <lo>,<hi>");
    }
}
