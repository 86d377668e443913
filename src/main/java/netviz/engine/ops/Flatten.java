package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Flatten: reshapes (d0, …, dn-1) to (d0 × … × d(axis-1), d(axis) × … × dn-1); axis 0 gives
 * (1, total), a negative axis counts from the end (opset 11+). Opsets 1-22.
 */
final class Flatten implements Op {
    private final long axis;

    Flatten(Node node, int opset) {
        axis = node.getInt("axis", 1);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = x.getShape().getShape();
        long a = axis < 0 ? axis + s.length : axis;
        if (a < 0 || a > s.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + x.getShape());
        }
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < s.length; i++) {
            if (i < a) {
                outer *= s[i];
            } else {
                inner *= s[i];
            }
        }
        return new NDArray[] {x.reshape(outer, inner)};
    }
}
