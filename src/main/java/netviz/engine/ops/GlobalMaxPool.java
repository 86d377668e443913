package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.engine.Node;

/**
 * GlobalMaxPool: the maximum over all spatial axes, keeping them as size 1:
 * (N, C, D1, …, Dk) → (N, C, 1, …, 1). Opsets 1-22 (22 only widened types).
 */
final class GlobalMaxPool implements Op {
    GlobalMaxPool(Node node, int opset) {
    }

    /** x viewed as (N, C, D1 × … × Dk) (PyTorch reduces one axis at a time through DJL). */
    static NDArray flatSpatial(NDArray x) {
        long[] s = x.getShape().getShape();
        if (s.length < 3) {
            throw new IllegalArgumentException("expected (N, C, D1, …), got shape " + x.getShape());
        }
        return x.reshape(s[0], s[1], -1);
    }

    /** (N, C, 1, …, 1) with as many ones as x has spatial axes. */
    static Shape keptShape(NDArray x) {
        long[] s = x.getShape().getShape();
        long[] k = new long[s.length];
        Arrays.fill(k, 1);
        k[0] = s[0];
        k[1] = s[1];
        return new Shape(k);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {flatSpatial(in[0]).max(new int[] {2}, true).reshape(keptShape(in[0]))};
    }
}
