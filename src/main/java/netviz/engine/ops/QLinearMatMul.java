package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * QLinearMatMul: {@code y = saturate(round((a - a_zp) @ (b - b_zp) * (a_scale * b_scale /
 * y_scale)) + y_zp)}; a's scale and zero point may be per row (1-D of length M), b's per column
 * (length N). The product of the shifted integers is computed in floating point (exact below 2^24
 * in float32) and the result held as a float with integer values (see {@link Quantized}).
 * Opsets 10-22.
 */
final class QLinearMatMul implements Op {
    QLinearMatMul(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType ft = ctx.floatType();
        NDArray a = Quantized.toFloat(in[0], ft);
        NDArray b = Quantized.toFloat(in[3], ft);
        NDArray as = rowParam(Quantized.toFloat(in[1], ft));
        NDArray azp = rowParam(Quantized.toFloat(in[2], ft));
        NDArray bs = Quantized.toFloat(in[4], ft);
        NDArray bzp = Quantized.toFloat(in[5], ft);
        NDArray acc = a.sub(azp).matMul(b.sub(bzp));
        NDArray multiplier = as.mul(bs).div(Quantized.toFloat(in[6], ft));
        return new NDArray[] {Quantized.quantize(acc.mul(multiplier), in[7], Quantized.quantType(in[7]))};
    }

    /** A per-row (length M) parameter as a column (M, 1); scalars as they are. */
    static NDArray rowParam(NDArray p) {
        return p.getShape().dimension() == 1 && p.getShape().get(0) > 1 ? p.reshape(-1, 1) : p;
    }
}
