package netviz;

/**
 * A number given to netviz lies outside what is accepted: a class index beyond the model's
 * classes, a stride of 0, a window larger than the image, a channel the layer does not have. The
 * message names the value, what it is for, and the accepted range.
 */
public class OutOfRangeException extends NetvizException {
    public OutOfRangeException(String message) {
        super(message);
    }
}
