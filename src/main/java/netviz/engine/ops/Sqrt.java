package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Sqrt: y = sqrt(x) (NaN for negative x). Opsets 1-22 (consumed_inputs of 1-5 is ignored). */
final class Sqrt implements Op {
    Sqrt(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.sqrt()};
    }
}
