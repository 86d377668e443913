package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * ArgMax: the index (INT64) of the largest element along {@code axis} (default 0), keeping that axis
 * as size 1 when {@code keepdims=1} (default). Ties give the first index, or the last when
 * {@code select_last_index=1} (opset 12+). Opsets 1-22.
 */
final class ArgMax extends ArgReduce {
    ArgMax(Node node, int opset) {
        super(node);
    }

    @Override
    NDArray pick(NDArray x, int axis) {
        return x.argMax(axis);
    }
}
