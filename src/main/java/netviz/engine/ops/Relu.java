package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Relu: y = max(x, 0). Opsets 1-22 (6 dropped consumed_inputs, 13/14 only widened types). */
final class Relu implements Op {
    Relu(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].getNDArrayInternal().relu()};
    }
}
