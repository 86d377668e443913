package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Sigmoid: y = 1 / (1 + e^-x). Opsets 1-22. */
final class Sigmoid implements Op {
    Sigmoid(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.getNDArrayInternal().sigmoid()};
    }
}
