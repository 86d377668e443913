package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceSumSquare: the sum of squares over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceSumSquare extends Reduce {
    ReduceSumSquare(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        return x.mul(x).sum(axes, keepDims);
    }
}
