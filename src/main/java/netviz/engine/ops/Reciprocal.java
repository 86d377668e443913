package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Reciprocal: y = 1 / x. Opsets 1-22. */
final class Reciprocal implements Op {
    Reciprocal(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.onesLike().div(x)};
    }
}
