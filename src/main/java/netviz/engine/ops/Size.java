package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/** Size: the number of elements of the input, as an INT64 scalar. Opsets 1-22. */
final class Size implements Op {
    Size(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {OwnedArrays.copyOf(ctx.manager().create(in[0].getShape().size()))};
    }
}
