package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * ConvInteger: the int32 convolution of (u)int8 {@code x - x_zero_point} with
 * {@code w - w_zero_point} (w's zero point per tensor or per output channel), with Conv's
 * attributes; padding adds zeros to the shifted input. Computed as {@link Conv} in floating point
 * on the shifted integers and held as a float (exact below 2^24 in float32; see
 * {@link Quantized}). Opsets 10-22.
 */
final class ConvInteger implements Op {
    private final Conv conv;

    ConvInteger(Node node, int opset) {
        conv = new Conv(node, opset);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType ft = ctx.floatType();
        NDArray x = Quantized.toFloat(in[0], ft);
        NDArray w = Quantized.toFloat(in[1], ft);
        if (OpSupport.has(in, 2)) {
            x = x.sub(Quantized.toFloat(in[2], ft));
        }
        if (OpSupport.has(in, 3)) {
            w = w.sub(QLinearConv.perChannel(Quantized.toFloat(in[3], ft), w.getShape().dimension()));
        }
        return conv.apply(ctx, new NDArray[] {x, w});
    }
}
