package netviz;

/**
 * How far a long computation got, and whether whoever started it still wants it. Every method that
 * takes noticeable time (a dataset scan, an optimisation, t-SNE, occlusion) takes one and calls it
 * from the computing thread: {@link #update} after each unit of work, {@link #checkCancelled} between
 * units. Only the surfaces implement it: the command line draws a bar on the terminal, the web app
 * shows the job's progress and cancels it, tests pass {@link #NONE}. Methods never draw.
 */
@FunctionalInterface
public interface Progress {
    /** Reports nothing and is never cancelled. */
    Progress NONE = (stage, done, total) -> {
    };

    /**
     * Separates a stage's name from a detail that changes as it runs ("t-SNE" and "KL 1.23"): a
     * terminal bar keeps the name as its title and shows the detail beside it.
     */
    String DETAIL = " \u00b7 ";

    /**
     * {@code done} of {@code total} units of the stage named {@code stage} (a few words such as
     * "scanning images" or "t-SNE") are finished; a new stage name starts a new count.
     */
    void update(String stage, long done, long total);

    /** {@code p}, or {@link #NONE} when it is null. */
    static Progress orNone(Progress p) {
        return p == null ? NONE : p;
    }

    /** Whether the caller asked the computation to stop. */
    default boolean cancelled() {
        return false;
    }

    /** Throws {@link CancelledException} when {@link #cancelled()}; methods call it between units of work. */
    default void checkCancelled() {
        if (cancelled()) {
            throw new CancelledException();
        }
    }

    /**
     * This progress seen as the part from {@code from} to {@code to} (fractions of 1) of a larger
     * task: {@code done / total} of a stage is reported as that fraction of the whole, in millionths,
     * under the stage's own name. Cancellation passes through.
     */
    default Progress within(double from, double to) {
        if (!(0 <= from && from <= to && to <= 1)) {
            throw new IllegalArgumentException("a part of a task runs from 0 to 1, not from " + from + " to " + to);
        }
        Progress whole = this;
        return new Progress() {
            @Override
            public void update(String stage, long done, long total) {
                double f = total > 0 ? Math.min(1, Math.max(0, (double) done / total)) : 0;
                whole.update(stage, Math.round(1e6 * (from + (to - from) * f)), 1_000_000);
            }

            @Override
            public boolean cancelled() {
                return whole.cancelled();
            }
        };
    }
}
