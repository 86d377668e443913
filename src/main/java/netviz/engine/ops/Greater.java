package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Greater: C = (A > B), boolean, with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). */
final class Greater extends BinaryOp {
    Greater(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.gt(b);
    }
}
