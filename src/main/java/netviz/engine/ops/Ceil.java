package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Ceil: y = ceil(x) (gradient zero almost everywhere). Opsets 1-22. */
final class Ceil implements Op {
    Ceil(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.ceil()};
    }
}
