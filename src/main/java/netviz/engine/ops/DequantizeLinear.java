package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * DequantizeLinear: {@code y = (x - x_zero_point) * x_scale} in floating point, per tensor or per
 * slice along {@code axis} (13+) with 1-D scale and zero point. Differentiable in x when x is a
 * quantized tensor that netviz holds as float (see {@link Quantized}). Opsets 10-22;
 * {@code block_size} (21+) is refused.
 */
final class DequantizeLinear implements Op {
    private final long axis;

    DequantizeLinear(Node node, int opset) {
        axis = opset >= 13 ? node.getInt("axis", 1) : 1;
        if (node.getInt("block_size", 0) != 0) {
            throw new UnsupportedOperatorException("node '" + node.label() + "' (DequantizeLinear): blocked quantization "
                    + "(block_size) is not supported");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = Quantized.toFloat(in[0], ctx.floatType());
        int r = x.getShape().dimension();
        int a = in[1].getShape().size() > 1 ? OpSupport.axis(axis, r) : 0;
        NDArray scale = Quantized.along(Quantized.toFloat(in[1], x.getDataType()), a, r);
        if (OpSupport.has(in, 2)) {
            x = x.sub(Quantized.along(Quantized.toFloat(in[2], x.getDataType()), a, r));
        }
        return new NDArray[] {x.mul(scale)};
    }
}
