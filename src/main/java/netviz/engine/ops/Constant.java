package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;
import netviz.engine.Tensor;

/**
 * Constant: a tensor given by exactly one attribute: {@code value} (a tensor), or from opset 12
 * {@code value_float}, {@code value_floats} (1-D), {@code value_int} (INT64 scalar) or
 * {@code value_ints} (1-D INT64). Floating constants take the interpreter's precision. String and
 * sparse constants are not supported. Opsets 1-22.
 */
final class Constant implements Op {
    private final Tensor value;

    Constant(Node node, int opset) {
        for (String s : new String[] {"sparse_value", "value_string", "value_strings"}) {
            if (node.has(s)) {
                throw new UnsupportedOperatorException("node '" + node.label() + "' (Constant): attribute '" + s
                        + "' is not supported; netviz supports value, value_float(s) and value_int(s)");
            }
        }
        Tensor v = null;
        int given = 0;
        if (node.has("value")) {
            v = node.getTensor("value");
            given++;
        }
        if (node.has("value_float")) {
            v = Tensor.ofFloats(new long[0], node.getFloat("value_float", 0));
            given++;
        }
        if (node.has("value_floats")) {
            float[] f = node.getFloats("value_floats", null);
            v = Tensor.ofFloats(new long[] {f.length}, f);
            given++;
        }
        if (node.has("value_int")) {
            v = Tensor.ofLongs(new long[0], node.getInt("value_int", 0));
            given++;
        }
        if (node.has("value_ints")) {
            long[] l = node.getInts("value_ints", null);
            v = Tensor.ofLongs(new long[] {l.length}, l);
            given++;
        }
        if (given != 1) {
            throw node.error("needs exactly one of value, value_float, value_floats, value_int, value_ints; has "
                    + given);
        }
        value = v;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray a = OwnedArrays.copyOf(value.toNDArray(ctx.manager(), ctx.floatType()));
        return new NDArray[] {OpSupport.toFloatType(a, ctx.floatType())};
    }
}
