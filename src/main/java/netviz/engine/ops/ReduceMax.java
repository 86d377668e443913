package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceMax: the maximum of the elements (the gradient goes to the first maximal element) over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceMax extends Reduce {
    ReduceMax(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        return oneAxisAtATime(x, axes, keepDims, (a, d) -> a.max(new int[] {d}, true));
    }
}
