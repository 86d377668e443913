package netviz.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A declared graph input or output: its name, element type and shape, where a dimension is a
 * number or a symbol (a batch size such as "N"), or unknown.
 *
 * @param dims one entry per axis: a non-negative size, or -1 for a symbolic or unknown size
 * @param symbols the symbol of each axis ("" when the axis is a number or unknown)
 * @param type the element type, or null when the model does not say
 */
public record ValueInfo(String name, Tensor.ElementType type, long[] dims, List<String> symbols) {

    /** True when the model declares a shape at all. */
    public boolean hasShape() {
        return dims != null;
    }

    /** e.g. "[N, 3, 224, 224]". */
    public String shapeString() {
        if (dims == null) {
            return "[?]";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dims[i] >= 0 ? Long.toString(dims[i]) : (symbols.get(i).isEmpty() ? "?" : symbols.get(i)));
        }
        return b.append("]").toString();
    }

    /**
     * Checks that {@code x} may be fed to this input: its rank and every fixed dimension match, and
     * it is floating point exactly when the input is; a {@link netviz.ShapeMismatchException} naming
     * both otherwise. An input without a declared shape accepts any array.
     */
    public void checkFeed(ai.djl.ndarray.NDArray x) {
        checkFeed(x.getShape(), x.getDataType());
    }

    /** {@link #checkFeed(ai.djl.ndarray.NDArray)} for an array of this shape and type. */
    public void checkFeed(ai.djl.ndarray.types.Shape shape, ai.djl.ndarray.types.DataType dataType) {
        if (!hasShape()) {
            return;
        }
        long[] s = shape.getShape();
        boolean ok = s.length == dims.length;
        for (int i = 0; ok && i < s.length; i++) {
            ok = dims[i] < 0 || dims[i] == s[i];
        }
        if (!ok) {
            throw new netviz.ShapeMismatchException("input '" + name + "' has shape " + java.util.Arrays.toString(s)
                    + " but the model expects " + shapeString());
        }
        if (type != null && type.isFloatingPoint() != dataType.isFloating()) {
            throw new netviz.ShapeMismatchException("input '" + name + "' has type " + dataType
                    + " but the model expects " + type);
        }
    }

    @Override
    public String toString() {
        return name + " " + (type == null ? "" : type + " ") + shapeString();
    }

    static String names(List<ValueInfo> infos) {
        return infos.stream().map(ValueInfo::name).collect(Collectors.joining(", "));
    }
}
