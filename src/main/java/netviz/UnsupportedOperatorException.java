package netviz;

/** The model uses an operator, an operator version or an attribute value that netviz does not implement. */
public class UnsupportedOperatorException extends NetvizException {
    public UnsupportedOperatorException(String message) {
        super(message);
    }
}
