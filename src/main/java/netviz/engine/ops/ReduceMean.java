package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * ReduceMean: the mean of the elements over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceMean extends Reduce {
    ReduceMean(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        NDArray sum = x.sum(axes, keepDims);
        return sum.div(OwnedArrays.scalar(sum, count(x, axes)));
    }
}
