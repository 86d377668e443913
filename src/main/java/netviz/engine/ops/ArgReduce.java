package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * Shared body of ArgMax and ArgMin: the index (INT64) of the extreme element along {@code axis}
 * (default 0), keeping that axis as size 1 when {@code keepdims=1} (default). Ties give the first
 * index, or the last when {@code select_last_index=1} (opset 12+).
 */
abstract class ArgReduce implements Op {
    private final long axis;
    private final boolean keepDims;
    private final boolean last;

    ArgReduce(Node node) {
        axis = node.getInt("axis", 0);
        keepDims = node.getInt("keepdims", 1) != 0;
        last = node.getInt("select_last_index", 0) != 0;
    }

    /** The index of the extreme element of {@code x} along {@code axis} (first on ties). */
    abstract NDArray pick(NDArray x, int axis);

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        int a = OpSupport.axis(axis, x.getShape().dimension());
        NDArray idx;
        if (last) {
            long n = x.getShape().get(a);
            idx = pick(x.flip(a), a).neg().add(n - 1);
        } else {
            idx = pick(x, a);
        }
        if (idx.getDataType() != DataType.INT64) {
            idx = idx.toType(DataType.INT64, false);
        }
        return new NDArray[] {keepDims ? idx.expandDims(a) : idx};
    }
}
