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

    @Override
    public String toString() {
        return name + " " + (type == null ? "" : type + " ") + shapeString();
    }

    static String names(List<ValueInfo> infos) {
        return infos.stream().map(ValueInfo::name).collect(Collectors.joining(", "));
    }
}
