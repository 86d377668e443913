package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * LayerNormalization (Ba, Kiros and Hinton, "Layer Normalization", 2016): over the axes
 * {@code axis … rank-1}, {@code y = (x - mean) / sqrt(var + epsilon) * Scale + B} with the biased
 * variance; Scale and B broadcast to the normalized shape. The optional outputs Mean and
 * InvStdDev {@code = 1 / sqrt(var + epsilon)} have x's shape with the normalized axes set to 1.
 * Opsets 17-22. Composed of reductions over the flattened normalized axes, so autograd sees it;
 * it computes in the interpreter's precision whatever stash_type says.
 */
final class LayerNormalization implements Op {
    private final long axis;
    private final float epsilon;

    LayerNormalization(Node node, int opset) {
        axis = node.getInt("axis", -1);
        epsilon = node.getFloat("epsilon", 1e-5f);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = x.getShape().getShape();
        int r = s.length;
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + x.getShape());
        }
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= s[i];
        }
        NDArray flat = x.reshape(outer, -1);
        int[] last = {1};
        NDArray mean = flat.mean(last, true);
        NDArray centred = flat.sub(mean);
        NDArray std = centred.square().mean(last, true).add(epsilon).sqrt();
        NDArray invStd = std.pow(OwnedArrays.scalar(std, -1));
        NDArray y = centred.mul(invStd).reshape(x.getShape()).mul(in[1]);
        if (in.length > 2 && in[2] != null) {
            y = y.add(in[2]);
        }
        long[] kept = Arrays.copyOf(s, r);
        for (int i = (int) a; i < r; i++) {
            kept[i] = 1;
        }
        Shape statShape = new Shape(kept);
        return new NDArray[] {y, mean.reshape(statShape), invStd.reshape(statShape)};
    }
}
