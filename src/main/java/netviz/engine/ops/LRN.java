package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * LRN, local response normalization across channels (Krizhevsky et al., "ImageNet Classification
 * with Deep Convolutional Neural Networks", 2012): {@code y = x / (bias + alpha / size *
 * square_sum)^beta}, where square_sum at channel c sums x² over channels
 * {@code c - floor((size-1)/2) … c + ceil((size-1)/2)} (clipped to the valid ones). Opsets 1-22.
 * Composed (PyTorch has no fused LRN in DJL): squares, zero padding along the channel axis and an
 * average pool of (size × 1) over (channel, flattened space), so it stays differentiable.
 */
final class LRN implements Op {
    private final float alpha;
    private final float beta;
    private final float bias;
    private final long size;

    LRN(Node node, int opset) {
        alpha = node.getFloat("alpha", 1e-4f);
        beta = node.getFloat("beta", 0.75f);
        bias = node.getFloat("bias", 1f);
        if (!node.has("size")) {
            throw node.error("attribute 'size' is required");
        }
        size = node.getInt("size", 1);
        if (size < 1) {
            throw node.error("attribute 'size' is " + size + "; it must be >= 1");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = x.getShape().getShape();
        long space = 1;
        for (int i = 2; i < s.length; i++) {
            space *= s[i];
        }
        long before = (size - 1) / 2;
        long after = size - 1 - before;
        NDArray sq = x.square().reshape(s[0], 1, s[1], space);
        // pad the channel axis (second to last here): PyTorch order is last axis first
        NDArray padded = sq.pad(new Shape(0, 0, before, after), 0);
        NDArray avg = padded.getNDArrayInternal().avgPool(new Shape(size, 1), new Shape(1, 1), new Shape(0, 0),
                false, true);
        NDArray denom = avg.mul(OwnedArrays.scalar(avg, alpha)).add(bias).pow(OwnedArrays.scalar(avg, beta))
                .reshape(new Shape(s));
        return new NDArray[] {x.div(denom)};
    }
}
