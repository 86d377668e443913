package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Gather: takes entries of {@code data} along {@code axis} (default 0) at {@code indices} (int32 or
 * int64, any shape, negative values counting from the end); the output shape is
 * {@code data.shape[:axis] + indices.shape + data.shape[axis+1:]} (NumPy {@code take}). This is
 * not DJL's {@code NDArray.gather}, which is ONNX GatherElements. Differentiable in {@code data}.
 * Opsets 1-22.
 */
final class Gather implements Op {
    private final long axis;

    Gather(Node node, int opset) {
        axis = node.getInt("axis", 0);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray data = in[0];
        long[] ds = OpSupport.dims(data);
        int a = OpSupport.axis(axis, ds.length);
        long n = ds[a];
        NDArray idx = in[1].getDataType() == DataType.INT64 ? in[1] : in[1].toType(DataType.INT64, false);
        long[] is = OpSupport.dims(idx);
        long[] flat = OpSupport.longs(idx);
        for (int i = 0; i < flat.length; i++) {
            long v = flat[i] < 0 ? flat[i] + n : flat[i];
            if (v < 0 || v >= n) {
                throw new IllegalArgumentException("index " + flat[i] + " is out of range for axis " + a + " of size " + n);
            }
            flat[i] = v;
        }
        NDArray index = OwnedArrays.copyOf(ctx.manager().create(flat));
        NDIndex sel = new NDIndex().addAllDim(a).addIndices("{}", index);
        NDArray picked = data.get(sel);
        long[] out = new long[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, out, 0, a);
        System.arraycopy(is, 0, out, a, is.length);
        System.arraycopy(ds, a + 1, out, a + is.length, ds.length - a - 1);
        return new NDArray[] {picked.reshape(out)};
    }
}
