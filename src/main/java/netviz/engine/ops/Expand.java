package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Expand: broadcasts the input to the NumPy broadcast of its shape and the INT64 {@code shape}
 * input (so a 1 in {@code shape} keeps the input's dimension). Differentiable. Opsets 8-22.
 */
final class Expand implements Op {
    Expand(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] target = OpSupport.broadcast(OpSupport.dims(x), OpSupport.longs(in[1]));
        OpSupport.checkMadeSize("Expand", target);
        return new NDArray[] {x.broadcast(target)};
    }
}
