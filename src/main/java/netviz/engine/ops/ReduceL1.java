package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceL1: the sum of absolute values over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceL1 extends Reduce {
    ReduceL1(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        return x.abs().sum(axes, keepDims);
    }
}
