package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Tanh: y = tanh(x). Opsets 1-22. */
final class Tanh implements Op {
    Tanh(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.tanh()};
    }
}
