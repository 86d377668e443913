package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ReduceLogSumExp: the log of the sum of exponentials, computed stably as m + log(sum(exp(x - m))) with m the maximum over the given axes (all axes by default), keepdims defaulting to 1. Axes are
 * an attribute before opset 18 and an optional input from opset 18 (see {@link Reduce}).
 */
final class ReduceLogSumExp extends Reduce {
    ReduceLogSumExp(Node node, int opset) {
        super(node, opset, 18);
    }

    @Override
    NDArray reduce(NDArray x, int[] axes, boolean keepDims) {
        if (axes.length == 0) {
            return x;
        }
        NDArray m = oneAxisAtATime(x, axes, true, (a, d) -> a.max(new int[] {d}, true));
        NDArray y = x.sub(m).exp().sum(axes, true).log().add(m);
        return keepDims ? y : oneAxisAtATime(y, axes, false, (a, d) -> a);
    }
}
