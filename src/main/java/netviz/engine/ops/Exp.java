package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Exp: y = e^x. Opsets 1-22. */
final class Exp implements Op {
    Exp(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.exp()};
    }
}
