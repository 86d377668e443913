package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;
import netviz.engine.Tensor;

/**
 * QuantizeLinear: {@code y = saturate(round(x / y_scale) + y_zero_point)}, rounding half to even,
 * saturating to the zero point's type (uint8 when absent, or {@code output_dtype} from opset 21);
 * per tensor, or per slice along {@code axis} (13+) with 1-D scale and zero point. The result is
 * held as a float with integer values (see {@link Quantized}); the rounding passes gradients
 * straight through. Opsets 10-22; {@code block_size} (21+) is refused.
 */
final class QuantizeLinear implements Op {
    private final long axis;
    private final DataType outputType;

    QuantizeLinear(Node node, int opset) {
        axis = opset >= 13 ? node.getInt("axis", 1) : 1;
        if (node.getInt("block_size", 0) != 0) {
            throw new UnsupportedOperatorException("node '" + node.label() + "' (QuantizeLinear): blocked quantization "
                    + "(block_size) is not supported");
        }
        long dt = node.getInt("output_dtype", 0);
        if (dt == 0) {
            outputType = null;
        } else {
            Tensor.ElementType t = Tensor.ElementType.ofOnnx((int) dt);
            if (t != Tensor.ElementType.UINT8 && t != Tensor.ElementType.INT8) {
                throw new UnsupportedOperatorException("node '" + node.label() + "' (QuantizeLinear): output_dtype " + dt
                        + " is not supported; supported: UINT8 (2), INT8 (3)");
            }
            outputType = t.djlType();
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = Quantized.toFloat(in[0], ctx.floatType());
        int r = x.getShape().dimension();
        int a = in[1].getShape().size() > 1 ? OpSupport.axis(axis, r) : 0;
        NDArray scale = Quantized.along(Quantized.toFloat(in[1], x.getDataType()), a, r);
        NDArray zp = OpSupport.has(in, 2) ? Quantized.along(in[2], a, r) : null;
        DataType t = outputType != null ? outputType : Quantized.quantType(zp);
        return new NDArray[] {Quantized.quantize(x.div(scale), zp, t)};
    }
}
