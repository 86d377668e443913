package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import netviz.engine.Node;

/**
 * Base of the two-input element-wise operators. From opset 7 the inputs broadcast as in NumPy
 * (multidirectional broadcasting, which PyTorch does natively). Before opset 7 a node could set
 * {@code broadcast=1} and {@code axis}: B's shape then matches a contiguous run of A's dimensions
 * starting at {@code axis} (by default the trailing ones), which is implemented by reshaping B
 * with ones around that run; {@code consumed_inputs} of opsets 1-5 is an optimisation hint and is
 * ignored.
 */
abstract class BinaryOp implements Op {
    private final boolean legacy;
    private final Long axis;

    BinaryOp(Node node, int opset) {
        legacy = opset < 7 && node.getInt("broadcast", 0) == 1;
        axis = node.has("axis") ? node.getInt("axis", 0) : null;
    }

    @Override
    public final NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray b = legacy ? alignLegacy(in[0], in[1]) : in[1];
        return new NDArray[] {compute(ctx, in[0], b)};
    }

    abstract NDArray compute(OpContext ctx, NDArray a, NDArray b);

    private NDArray alignLegacy(NDArray a, NDArray b) {
        long[] as = OpSupport.dims(a);
        long[] bs = OpSupport.dims(b);
        int start = axis == null ? as.length - bs.length : OpSupport.axis(axis, as.length);
        if (start < 0 || start + bs.length > as.length) {
            throw new IllegalArgumentException("legacy broadcast of " + Arrays.toString(bs) + " into "
                    + Arrays.toString(as) + " at axis " + start + " does not fit");
        }
        long[] target = new long[as.length];
        Arrays.fill(target, 1);
        System.arraycopy(bs, 0, target, start, bs.length);
        return b.reshape(target);
    }
}
