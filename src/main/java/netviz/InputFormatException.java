package netviz;

/**
 * A data file given to netviz (an image, a .npy array, an IDX file, a label list, a dataset folder)
 * is not in a format netviz reads, is truncated, or contradicts itself (a header that claims more
 * data than the file holds, label and image counts that differ).
 */
public class InputFormatException extends NetvizException {
    public InputFormatException(String message) {
        super(message);
    }

    public InputFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
