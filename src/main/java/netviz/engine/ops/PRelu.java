package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * PRelu: y = x for x >= 0, slope * x otherwise, with slope broadcast to x (unidirectional
 * broadcasting from opset 7; a per-channel slope of shape (C,1,1) is the usual case). Composed as
 * max(x, 0) + slope * min(x, 0) because DJL's prelu throws on the PyTorch engine; differentiable
 * in x and in slope.
 */
final class PRelu implements Op {
    PRelu(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.getNDArrayInternal().relu().add(x.minimum(OwnedArrays.scalar(x, 0)).mul(in[1]))};
    }
}
