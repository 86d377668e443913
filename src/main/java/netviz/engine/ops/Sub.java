package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Sub: C = A - B with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). Integers wrap as in C. */
final class Sub extends BinaryOp {
    Sub(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.sub(b);
    }
}
