package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Shape: the input's dimensions as a 1-D INT64 tensor. From opset 15 the optional attributes
 * {@code start} (default 0) and {@code end} (default: rank) select a slice of the dimensions;
 * negative values count from the end and out-of-range values are clamped. Opsets 1-22. (Named
 * ShapeOp so that it does not hide DJL's {@code Shape} from the other classes of this package.)
 */
final class ShapeOp implements Op {
    private final long start;
    private final Long end;

    ShapeOp(Node node, int opset) {
        start = opset >= 15 ? node.getInt("start", 0) : 0;
        end = opset >= 15 && node.has("end") ? node.getInt("end", 0) : null;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        long[] dims = OpSupport.dims(in[0]);
        int r = dims.length;
        int s = clamp(start, r);
        int e = end == null ? r : clamp(end, r);
        long[] out = e > s ? Arrays.copyOfRange(dims, s, e) : new long[0];
        return new NDArray[] {OwnedArrays.copyOf(ctx.manager().create(out))};
    }

    private static int clamp(long v, int r) {
        long x = v < 0 ? v + r : v;
        return (int) Math.max(0, Math.min(r, x));
    }
}
