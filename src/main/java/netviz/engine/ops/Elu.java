package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Elu: y = x for x > 0, alpha * (e^x - 1) otherwise (alpha defaults to 1). Opsets 1-22. */
final class Elu implements Op {
    private final float alpha;

    Elu(Node node, int opset) {
        alpha = node.getFloat("alpha", 1f);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].getNDArrayInternal().elu(alpha)};
    }
}
