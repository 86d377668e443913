package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Add: C = A + B with NumPy broadcasting (opsets 7-22; opsets 1-6 with the legacy broadcast/axis attributes). */
final class Add extends BinaryOp {
    Add(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.add(b);
    }
}
