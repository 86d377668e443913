package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;
import netviz.engine.Tensor;

/**
 * ConstantOfShape: a tensor of the shape given by the INT64 input, filled with the one-element
 * {@code value} tensor (default: float 0). Floating fills take the interpreter's precision.
 * Opsets 9-22.
 */
final class ConstantOfShape implements Op {
    private final Tensor value;

    ConstantOfShape(Node node, int opset) {
        Tensor v = node.getTensor("value");
        if (v == null) {
            v = Tensor.ofFloats(new long[] {1}, 0f);
        }
        if (v.size() != 1) {
            throw node.error("'value' must hold one element, has " + v.size());
        }
        value = v;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        long[] shape = OpSupport.longs(in[0]);
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        OpSupport.checkMadeSize("ConstantOfShape", shape);
        NDArray one = OpSupport.toFloatType(value.toNDArray(ctx.manager(), ctx.floatType()), ctx.floatType());
        NDArray scalar = one.reshape(new long[0]);
        return new NDArray[] {OwnedArrays.copyOf(scalar.broadcast(shape))};
    }
}
