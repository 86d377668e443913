package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Identity: the output is the input tensor (tensors only; optional and sequence values are not supported). Opsets 1-22. */
final class Identity implements Op {
    Identity(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0]};
    }
}
