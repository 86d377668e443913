package netviz.methods.scan;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An exact sum of float64 values whose result does not depend on the order of the additions:
 * Shewchuk's adaptive-precision expansions ("Adaptive Precision Floating-Point Arithmetic and Fast
 * Robust Geometric Predicates", 1997) as Python's {@code math.fsum} keeps them. The state is a short
 * list of non-overlapping float64 partials whose exact total is the exact sum of every value added;
 * {@link #value()} rounds that total correctly (to nearest, ties to even), so two accumulators fed the
 * same values in any order and any grouping ({@link #add(ExactSum)} adds the other's partials) give
 * the same bits. Values must be finite.
 */
public final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private double[] partials = new double[4];
    private int size;

    /** Adds {@code x} exactly. */
    public void add(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("an exact sum takes finite values, not " + x);
        }
        int i = 0;
        for (int j = 0; j < size; j++) {
            double y = partials[j];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0) {
                partials[i++] = lo;
            }
            x = hi;
        }
        if (i == partials.length) {
            partials = Arrays.copyOf(partials, 2 * i);
        }
        partials[i] = x;
        size = i + 1;
    }

    /** Adds every value {@code other} holds (its partials), exactly. */
    public void add(ExactSum other) {
        double[] p = Arrays.copyOf(other.partials, other.size);
        for (double v : p) {
            add(v);
        }
    }

    /** The exact total rounded to the nearest float64 (ties to even), as {@code math.fsum} returns it. */
    public double value() {
        int n = size;
        if (n == 0) {
            return 0.0;
        }
        double hi = partials[--n];
        double lo = 0.0;
        while (n > 0) {
            double x = hi;
            double y = partials[--n];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) {
                break;
            }
        }
        // half-way case: the rounding of hi + lo went the wrong way when the next partial has lo's sign
        if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
            double y = lo * 2;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) {
                hi = x;
            }
        }
        return hi;
    }

    /** A copy of the partials (smallest magnitude first). */
    public double[] partials() {
        return Arrays.copyOf(partials, size);
    }

    @Override
    public String toString() {
        return "ExactSum(" + value() + ")";
    }
}
