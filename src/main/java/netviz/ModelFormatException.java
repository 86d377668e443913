package netviz;

/** The model file is not valid ONNX, is truncated or corrupt, or is inconsistent (dangling names, cycles). */
public class ModelFormatException extends NetvizException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
