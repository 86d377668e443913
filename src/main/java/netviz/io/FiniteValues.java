package netviz.io;

import java.util.Arrays;
import netviz.InputFormatException;

/**
 * NaN and infinities in numbers read from files: inputs holding them are refused as user errors
 * naming the file and the first bad index. The checks of computed results build on these
 * ({@code netviz.methods.Finite}).
 */
public final class FiniteValues {
    private FiniteValues() {
    }

    /** Index of the first NaN or infinity in {@code v[from .. from+length)}, or -1. */
    public static int firstNonFinite(float[] v, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses an input array holding NaN or infinities: an {@link InputFormatException} naming
     * {@code source} (e.g. "input 'x.npy'") and the first bad index over {@code shape}.
     */
    public static void requireInput(float[] v, long[] shape, String source) {
        int i = firstNonFinite(v, 0, v.length);
        if (i >= 0) {
            int bad = 0;
            for (float f : v) {
                bad += Float.isFinite(f) ? 0 : 1;
            }
            throw new InputFormatException(source + " holds " + name(v[i]) + " at " + index(i, shape) + " (" + bad
                    + " of " + v.length + " values are not finite); netviz takes finite numbers only");
        }
    }

    /** "NaN", "Infinity" or "-Infinity" (the value otherwise). */
    public static String name(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 && Double.isInfinite(v) ? "Infinity"
                : Double.isInfinite(v) ? "-Infinity" : Double.toString(v);
    }

    /** "index [0, 0, 3, 4]" for flat index {@code i} over {@code shape}, "index i" without a usable shape. */
    public static String index(long i, long[] shape) {
        if (shape == null || shape.length < 2) {
            return "index " + i;
        }
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (i >= size) {
            return "index " + i;
        }
        long[] idx = new long[shape.length];
        long rest = i;
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = rest % shape[k];
            rest /= shape[k];
        }
        return "index " + Arrays.toString(idx);
    }
}
