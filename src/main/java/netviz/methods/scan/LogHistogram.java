package netviz.methods.scan;

import java.io.Serializable;

/**
 * Log-spaced histogram bins for activations: bin 0 counts values {@code <= 0}; bin {@code i >= 1}
 * covers {@code [2^(min + (i-1)/b), 2^(min + i/b))} with {@code b} bins per octave, so there are
 * {@code 1 + (max - min)·b} bins; the first positive bin also takes everything below {@code 2^min}
 * and the last everything from {@code 2^max} up. The bin of a value is found from its binary
 * exponent and a comparison of its mantissa with the {@code b - 1} thresholds {@code 2^(j/b)}
 * ({@link StrictMath#pow}, so every JVM computes the same bins). Defaults: 4 bins per octave from
 * 2^-16 to 2^16 (129 bins).
 *
 * @param binsPerOctave  bins per factor of two (1 to 64)
 * @param minExponent    the lower edge of the first log bin is {@code 2^minExponent}
 * @param maxExponent    the upper edge of the last log bin is {@code 2^maxExponent}
 */
public record LogHistogram(int binsPerOctave, int minExponent, int maxExponent) implements Serializable {

    public LogHistogram {
        if (binsPerOctave < 1 || binsPerOctave > 64) {
            throw new IllegalArgumentException("histogram bins per octave must be 1 to 64, not " + binsPerOctave);
        }
        if (minExponent >= maxExponent || minExponent < -1000 || maxExponent > 1000) {
            throw new IllegalArgumentException("histogram exponents must satisfy -1000 <= min < max <= 1000, not "
                    + minExponent + " and " + maxExponent);
        }
    }

    /** 4 bins per octave from 2^-16 to 2^16. */
    public static LogHistogram defaults() {
        return new LogHistogram(4, -16, 16);
    }

    /** The number of bins, 1 + (max - min)·binsPerOctave. */
    public int bins() {
        return 1 + (maxExponent - minExponent) * binsPerOctave;
    }

    /**
     * The lower edge of bin {@code i >= 1}: 2^(min + (i-1)/b), computed as the binner compares, the
     * octave's power of two times {@code StrictMath.pow(2, j/b)}.
     */
    public double lowerEdge(int i) {
        if (i < 1 || i >= bins()) {
            throw new IllegalArgumentException("log bins are 1 to " + (bins() - 1) + ", not " + i);
        }
        int k = i - 1;
        return Math.scalb(StrictMath.pow(2, Math.floorMod(k, binsPerOctave) / (double) binsPerOctave),
                minExponent + Math.floorDiv(k, binsPerOctave));
    }

    /** A bin finder with the thresholds precomputed. */
    public Binner binner() {
        return new Binner(this);
    }

    /** Finds bins fast; not shared between threads. */
    public static final class Binner {
        private final double[] thresholds;
        private final int min;
        private final int perOctave;
        private final int last;

        private Binner(LogHistogram h) {
            perOctave = h.binsPerOctave;
            min = h.minExponent;
            last = h.bins() - 1;
            thresholds = new double[perOctave - 1];
            for (int j = 1; j < perOctave; j++) {
                thresholds[j - 1] = StrictMath.pow(2, j / (double) perOctave);
            }
        }

        /** The bin of {@code v} (NaN is not accepted). */
        public int bin(double v) {
            if (!(v > 0)) {
                return 0;
            }
            if (v == Double.POSITIVE_INFINITY) {
                return last;
            }
            int e = Math.getExponent(v);
            double m;
            if (e < Double.MIN_EXPONENT) {
                return 1;
            }
            m = Math.scalb(v, -e);
            int j = 0;
            while (j < thresholds.length && m >= thresholds[j]) {
                j++;
            }
            long k = (long) (e - min) * perOctave + j;
            if (k < 0) {
                return 1;
            }
            return (int) Math.min(last, 1 + k);
        }
    }
}
