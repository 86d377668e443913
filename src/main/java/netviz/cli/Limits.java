package netviz.cli;

import netviz.OutOfRangeException;

/**
 * The documented upper bounds of netviz's count and size options, in one place, so that no option
 * accepts unbounded work silently ({@code --steps 100000000} would run for days). Each bound is
 * far above what the papers use; help texts and README give them.
 */
public final class Limits {
    /** Gradient steps, optimisation iterations, t-SNE iterations, Integrated-Gradients steps. */
    public static final int MAX_ITERATIONS = 100_000;
    /** Integrated-Gradients steps (the paper: 20 to 300). */
    public static final int MAX_STEPS = 10_000;
    /** SmoothGrad samples (the paper: 50). */
    public static final int MAX_SMOOTH = 10_000;
    /** Images per forward/backward pass. */
    public static final int MAX_BATCH = 4096;
    /** Classes, neighbours, images or maps listed or drawn. */
    public static final int MAX_LIST = 10_000;
    /** Pixels of one tile. */
    public static final int MAX_TILE = 1024;

    private Limits() {
    }

    /** Checks {@code min <= value <= max}, else "OPTION must be between MIN and MAX, not VALUE". */
    public static int check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new OutOfRangeException(option + " must be between " + min + " and " + max + ", not " + value);
        }
        return (int) value;
    }
}
