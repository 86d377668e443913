package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceSum: the sum of the elements over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 13 and an optional input from opset 13 (see {@link Reduce}).
 */
final class ReduceSum extends Reduce {
    ReduceSum(Node node, int opset) {
        super(node, opset, 13);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        return x.sum(axes, keepDims);
    }
}
