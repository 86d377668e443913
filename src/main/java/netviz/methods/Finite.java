package netviz.methods;

import netviz.io.FiniteValues;
import netviz.InputFormatException;
import netviz.NonFiniteResultException;

/**
 * "Finite or fail": the one place that checks arrays for NaN and infinities. Inputs with such
 * values are refused as user errors ({@link #requireInput}, an {@link InputFormatException} naming
 * the file and the first bad index); results that turn non-finite stop the computation with a
 * {@link NonFiniteResultException} naming the method, the step and the first bad value
 * ({@link #check}), so that no NaN reaches a printed number or a picture.
 *
 * <pre>{@code
 * float[] map = Finite.check(values, shape, "saliency of class 3");
 * // netviz: error: saliency of class 3 is not finite (NaN at [0, 4, 7]; 12 of 784 values) ...
 * }</pre>
 */
public final class Finite {
    /** What the user can do about a non-finite result; appended to every result message. */
    public static final String HINT = "the model overflows or divides by zero on this input, or the backend "
            + "computed it wrongly: 'netviz forward --all' shows the first layer that is not finite, 'netviz doctor' "
            + "checks the backend";

    private Finite() {
    }

    /** Index of the first NaN or infinity in {@code v[from .. from+length)}, or -1. */
    public static int firstNonFinite(float[] v, int from, int length) {
        return FiniteValues.firstNonFinite(v, from, length);
    }

    /** Index of the first NaN or infinity in {@code v}, or -1. */
    public static int firstNonFinite(float[] v) {
        return firstNonFinite(v, 0, v.length);
    }

    /** Index of the first NaN or infinity in {@code v}, or -1. */
    public static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /** True when every value is finite. */
    public static boolean allFinite(float[] v) {
        return firstNonFinite(v) < 0;
    }

    /**
     * {@code v} when every value is finite; otherwise a {@link NonFiniteResultException}:
     * "{@code what} is not finite (NaN at index 17; 3 of 784 values); …".
     */
    public static float[] check(float[] v, String what) {
        return check(v, null, what);
    }

    /** {@link #check(float[], String)} that gives the bad value's index over {@code shape} (row-major). */
    public static float[] check(float[] v, long[] shape, String what) {
        int i = firstNonFinite(v);
        if (i >= 0) {
            int bad = 0;
            for (float f : v) {
                bad += Float.isFinite(f) ? 0 : 1;
            }
            throw result(what + " is not finite (" + name(v[i]) + " at " + index(i, shape) + "; " + bad + " of "
                    + v.length + " values)");
        }
        return v;
    }

    /** {@link #check(float[], String)} for doubles. */
    public static double[] check(double[] v, String what) {
        int i = firstNonFinite(v);
        if (i >= 0) {
            int bad = 0;
            for (double d : v) {
                bad += Double.isFinite(d) ? 0 : 1;
            }
            throw result(what + " is not finite (" + name(v[i]) + " at index " + i + "; " + bad + " of " + v.length
                    + " values)");
        }
        return v;
    }

    /**
     * {@code v} (one value per image of a batch) when finite; otherwise a
     * {@link NonFiniteResultException} "{@code what} is NaN for image 2 (of 4); …".
     */
    public static double[] checkPerImage(double[] v, String what) {
        int i = firstNonFinite(v);
        if (i >= 0) {
            throw result(what + " is " + name(v[i]) + " for image " + i + (v.length > 1 ? " (of " + v.length + ")" : ""));
        }
        return v;
    }

    /** {@code v} when finite; otherwise a {@link NonFiniteResultException} "{@code what} is NaN; …". */
    public static double check(double v, String what) {
        if (!Double.isFinite(v)) {
            throw result(what + " is " + name(v));
        }
        return v;
    }

    /** A {@link NonFiniteResultException} with {@code message} and the {@link #HINT}. */
    public static NonFiniteResultException result(String message) {
        return new NonFiniteResultException(message + "; " + HINT);
    }

    /**
     * Refuses an input array holding NaN or infinities: an {@link InputFormatException} naming
     * {@code source} (e.g. "input 'x.npy'") and the first bad index over {@code shape}.
     */
    public static void requireInput(float[] v, long[] shape, String source) {
        FiniteValues.requireInput(v, shape, source);
    }

    /** "NaN", "Infinity" or "-Infinity" (the value otherwise). */
    public static String name(double v) {
        return FiniteValues.name(v);
    }

    /** "index [0, 0, 3, 4]" for flat index {@code i} over {@code shape}, "index i" without a usable shape. */
    public static String index(long i, long[] shape) {
        return FiniteValues.index(i, shape);
    }
}
