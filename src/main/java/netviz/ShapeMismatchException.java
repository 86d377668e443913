package netviz;

/** A tensor given to netviz does not have the shape (or type) that the model or method expects. */
public class ShapeMismatchException extends NetvizException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
