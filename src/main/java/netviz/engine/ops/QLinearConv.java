package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * QLinearConv: {@code y = saturate(round((conv(x - x_zp, w - w_zp) + B) * (x_scale * w_scale /
 * y_scale)) + y_zp)} with Conv's attributes, the int32 bias B in units of {@code x_scale * w_scale},
 * and w's scale and zero point per tensor or per output channel. The convolution of the shifted
 * integers runs as {@link Conv} in floating point (exact below 2^24 in float32); the result is
 * held as a float with integer values (see {@link Quantized}). Opsets 10-22.
 */
final class QLinearConv implements Op {
    private final Conv conv;

    QLinearConv(Node node, int opset) {
        conv = new Conv(node, opset);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType ft = ctx.floatType();
        NDArray x = Quantized.toFloat(in[0], ft).sub(Quantized.toFloat(in[2], ft));
        NDArray wq = Quantized.toFloat(in[3], ft);
        int r = wq.getShape().dimension();
        NDArray w = wq.sub(perChannel(Quantized.toFloat(in[5], ft), r));
        NDArray acc = conv.apply(ctx, new NDArray[] {x, w})[0];
        if (OpSupport.has(in, 8)) {
            acc = acc.add(perChannel(Quantized.toFloat(in[8], ft), r - 1));
        }
        NDArray ws = perChannel(Quantized.toFloat(in[4], ft), r - 1);
        NDArray multiplier = Quantized.toFloat(in[1], ft).mul(ws).div(Quantized.toFloat(in[6], ft));
        return new NDArray[] {Quantized.quantize(acc.mul(multiplier), in[7], Quantized.quantType(in[7]))};
    }

    /**
     * A per-output-channel (length M) parameter shaped (M, 1, …) of rank r: r = the weight's rank
     * broadcasts over the weight, r = its rank - 1 over the output (N, M, …); scalars as they are.
     */
    static NDArray perChannel(NDArray p, int r) {
        if (p.getShape().dimension() == 0 || p.getShape().size() == 1) {
            return p.getShape().dimension() == 0 ? p : p.reshape();
        }
        long[] s = new long[r];
        java.util.Arrays.fill(s, 1);
        s[0] = p.getShape().get(0);
        return p.reshape(s);
    }
}
