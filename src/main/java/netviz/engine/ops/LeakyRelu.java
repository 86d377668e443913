package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** LeakyRelu: y = x for x >= 0, alpha * x otherwise (alpha defaults to 0.01). Opsets 1-22. */
final class LeakyRelu implements Op {
    private final float alpha;

    LeakyRelu(Node node, int opset) {
        alpha = node.getFloat("alpha", 0.01f);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].getNDArrayInternal().leakyRelu(alpha)};
    }
}
