package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * MatMulInteger: {@code y = (A - a_zero_point) @ (B - b_zero_point)}, the int32 product of
 * (u)int8 matrices; a's zero point may be per row, b's per column. Computed in floating point on
 * the shifted integers and held as a float (exact below 2^24 in float32; see {@link Quantized}).
 * Opsets 10-22.
 */
final class MatMulInteger implements Op {
    MatMulInteger(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType ft = ctx.floatType();
        NDArray a = Quantized.toFloat(in[0], ft);
        NDArray b = Quantized.toFloat(in[1], ft);
        if (OpSupport.has(in, 2)) {
            a = a.sub(QLinearMatMul.rowParam(Quantized.toFloat(in[2], ft)));
        }
        if (OpSupport.has(in, 3)) {
            b = b.sub(Quantized.toFloat(in[3], ft));
        }
        return new NDArray[] {a.matMul(b)};
    }
}
