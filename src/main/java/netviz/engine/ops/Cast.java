package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;
import netviz.engine.Tensor;

/**
 * Cast: converts the input to element type {@code to} (an ONNX TensorProto.DataType number; a
 * type name such as "FLOAT" before opset 6). Floating to integer truncates toward zero; any
 * non-zero becomes true for BOOL. Every floating target (FLOAT, DOUBLE, FLOAT16, BFLOAT16) gives
 * the interpreter's precision, so that a float-to-float cast is the identity and keeps the
 * autograd graph (FLOAT16/BFLOAT16 rounding is not reproduced); 16-bit and unsigned 32/64-bit
 * integer targets are held in the next wider signed PyTorch type. STRING is not supported.
 * Opsets 1-22.
 */
final class Cast implements Op {
    private final long to;

    Cast(Node node, int opset) {
        if (opset < 6) {
            String name = node.getString("to", null);
            if (name == null) {
                throw node.error("needs the 'to' attribute");
            }
            to = code(node, name);
        } else {
            if (!node.has("to")) {
                throw node.error("needs the 'to' attribute");
            }
            to = node.getInt("to", 0);
        }
        if (to == 8) {
            throw new UnsupportedOperatorException("node '" + node.label() + "' (Cast): casting to STRING is not "
                    + "supported; netviz casts between numeric and boolean types");
        }
        OpSupport.checkType(node, to);
    }

    private static long code(Node node, String name) {
        String n = name.toUpperCase(Locale.ROOT);
        for (Tensor.ElementType t : Tensor.ElementType.values()) {
            if (t.name().equals(n)) {
                return t.onnxCode();
            }
        }
        if (n.equals("STRING")) {
            return 8;
        }
        throw node.error("unknown target type '" + name + "'");
    }

    static NDArray cast(NDArray x, DataType target) {
        return x.getDataType() == target ? x : x.toType(target, false);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {cast(in[0], OpSupport.holdType(null, to, ctx.floatType()))};
    }
}
