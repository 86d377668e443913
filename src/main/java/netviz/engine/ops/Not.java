package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Not: logical negation of a boolean tensor. Opsets 1-22. */
final class Not implements Op {
    Not(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.logicalNot()};
    }
}
