package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Equal: C = (A == B), boolean, with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). */
final class Equal extends BinaryOp {
    Equal(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.eq(b);
    }
}
