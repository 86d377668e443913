package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * GlobalAveragePool: the mean over all spatial axes, keeping them as size 1:
 * (N, C, D1, …, Dk) → (N, C, 1, …, 1). Opsets 1-22 (22 only widened types).
 */
final class GlobalAveragePool implements Op {
    GlobalAveragePool(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {GlobalMaxPool.flatSpatial(in[0]).mean(new int[] {2}, true).reshape(GlobalMaxPool.keptShape(in[0]))};
    }
}
