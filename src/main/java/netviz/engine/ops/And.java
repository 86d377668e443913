package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** And: logical and of two boolean tensors with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). */
final class And extends BinaryOp {
    And(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.logicalAnd(b);
    }
}
