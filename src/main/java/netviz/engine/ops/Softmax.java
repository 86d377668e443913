package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Softmax: {@code y = exp(x - max) / sum exp(x - max)}. From opset 13 along {@code axis} (default
 * -1); before, the input is coerced to 2-D at {@code axis} (default 1) and normalised over the
 * flattened trailing part, as opsets 1-12 specify. Opsets 1-22. {@link LogSoftmax} shares the
 * axis handling.
 */
class Softmax implements Op {
    private final long axis;
    private final boolean coerce2d;

    Softmax(Node node, int opset) {
        coerce2d = opset < 13;
        axis = node.getInt("axis", coerce2d ? 1 : -1);
    }

    /** The normalisation along one axis (softmax here, log-softmax in the subclass). */
    NDArray along(NDArray x, int axis) {
        return x.softmax(axis);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = x.getShape().getShape();
        int r = s.length;
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || (a >= r && !(coerce2d && a == r)) || r == 0) {
            throw new IllegalArgumentException("axis " + axis
                    + " is out of range for shape " + x.getShape());
        }
        if (!coerce2d || a == r - 1) {
            return new NDArray[] {along(x, (int) a)};
        }
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < r; i++) {
            if (i < a) {
                outer *= s[i];
            } else {
                inner *= s[i];
            }
        }
        return new NDArray[] {along(x.reshape(outer, inner), 1).reshape(x.getShape())};
    }
}
