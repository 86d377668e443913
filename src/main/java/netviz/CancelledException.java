package netviz;

/** Thrown from {@link Progress#checkCancelled} when the caller of a long computation asked it to stop. */
public final class CancelledException extends RuntimeException {
    public CancelledException() {
        super("cancelled");
    }
}
