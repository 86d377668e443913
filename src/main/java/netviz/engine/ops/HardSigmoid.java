package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/** HardSigmoid: y = max(0, min(1, alpha * x + beta)), alpha = 0.2 and beta = 0.5 by default. Opsets 1-22. */
final class HardSigmoid implements Op {
    private final float alpha;
    private final float beta;

    HardSigmoid(Node node, int opset) {
        alpha = node.getFloat("alpha", 0.2f);
        beta = node.getFloat("beta", 0.5f);
    }

    static NDArray of(NDArray x, double alpha, double beta) {
        return x.mul(OwnedArrays.scalar(x, alpha)).add(beta).clip(0, 1);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {of(in[0], alpha, beta)};
    }
}
