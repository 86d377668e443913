package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Selu: y = gamma * x for x > 0, gamma * alpha * (e^x - 1) otherwise, with the defaults
 * alpha = 1.6732632, gamma = 1.0507010 of Klambauer et al., "Self-Normalizing Neural Networks"
 * (2017). Opsets 1-22.
 */
final class Selu implements Op {
    private final float alpha;
    private final float gamma;

    Selu(Node node, int opset) {
        alpha = node.getFloat("alpha", 1.67326319217681884765625f);
        gamma = node.getFloat("gamma", 1.05070102214813232421875f);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray e = in[0].getNDArrayInternal().elu(alpha);
        return new NDArray[] {e.mul(OwnedArrays.scalar(e, gamma))};
    }
}
