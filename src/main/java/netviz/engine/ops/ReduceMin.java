package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceMin: the minimum of the elements (the gradient goes to the first minimal element) over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceMin extends Reduce {
    ReduceMin(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        return oneAxisAtATime(x, axes, keepDims, (a, d) -> a.min(new int[] {d}, true));
    }
}
