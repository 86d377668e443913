package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Mul: C = A * B with NumPy broadcasting (opsets 7-22; 1-6 with legacy broadcast/axis). */
final class Mul extends BinaryOp {
    Mul(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.mul(b);
    }
}
