package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import netviz.engine.Node;

/**
 * Reshape: gives the data a new shape with the same number of elements. In the target shape a 0
 * copies the input's dimension at that position (unless {@code allowzero=1}, opset 14+, where 0
 * means an empty dimension), and one -1 is inferred. The shape is an attribute before opset 5
 * and the second input from 5. Opsets 1-22.
 */
final class Reshape implements Op {
    private final long[] attrShape;
    private final boolean allowZero;

    Reshape(Node node, int opset) {
        if (opset < 5) {
            attrShape = node.getInts("shape", null);
            if (attrShape == null) {
                throw node.error("needs the 'shape' attribute at opset " + opset);
            }
        } else {
            attrShape = null;
        }
        allowZero = opset >= 14 && node.getInt("allowzero", 0) != 0;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] target = attrShape != null ? attrShape.clone() : OpSupport.longs(in[1]);
        return new NDArray[] {x.reshape(resolve(OpSupport.dims(x), target, allowZero))};
    }

    static long[] resolve(long[] from, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= from.length) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(target) + " copies dimension " + i
                            + " but the input has rank " + from.length);
                }
                out[i] = from[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= out[i];
            }
        }
        long total = 1;
        for (long d : from) {
            total *= d;
        }
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(from) + " to "
                        + Arrays.toString(target));
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(from) + " (" + total
                    + " elements) to " + Arrays.toString(target));
        }
        return out;
    }
}
