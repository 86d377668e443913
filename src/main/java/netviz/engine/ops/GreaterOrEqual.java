package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** GreaterOrEqual: C = (A >= B), boolean, with NumPy broadcasting. Opsets 12-22. */
final class GreaterOrEqual extends BinaryOp {
    GreaterOrEqual(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        return a.gte(b);
    }
}
