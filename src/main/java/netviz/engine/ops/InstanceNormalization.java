package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;

/**
 * InstanceNormalization: {@code y = scale * (x - mean) / sqrt(var + epsilon) + B}, where mean and
 * the (biased) variance are taken per example and channel over the spatial axes (Ulyanov et al.,
 * "Instance Normalization: The Missing Ingredient for Fast Stylization", 2016). Opsets 1-22 (6
 * dropped consumed_inputs, 22 widened types). Composed of reductions so autograd sees it.
 */
final class InstanceNormalization implements Op {
    private final float epsilon;

    InstanceNormalization(Node node, int opset) {
        epsilon = node.getFloat("epsilon", 1e-5f);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        NDArray flat = GlobalMaxPool.flatSpatial(x);
        int[] last = {2};
        Shape param = new Shape(1, x.getShape().get(1), 1);
        NDArray centred = flat.sub(flat.mean(last, true));
        NDArray var = centred.square().mean(last, true);
        NDArray y = centred.div(var.add(epsilon).sqrt()).mul(in[1].reshape(param)).add(in[2].reshape(param));
        return new NDArray[] {y.reshape(x.getShape())};
    }
}
