package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Or: logical or of two boolean tensors with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). */
final class Or extends BinaryOp {
    Or(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.logicalOr(b);
    }
}
