package netviz.methods.attribution;

/**
 * Where a long computation reports how far it got (the CLI shows a progress bar, tests ignore it).
 * Called from the computing thread with the number of units done so far and the total.
 */
@FunctionalInterface
public interface Progress {
    /** Reports nothing. */
    Progress NONE = (done, total) -> {
    };

    void update(long done, long total);
}
