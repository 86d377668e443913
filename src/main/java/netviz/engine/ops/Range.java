package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Range: the 1-D tensor start, start + delta, ... up to (excluding) limit, with
 * max(ceil((limit - start) / delta), 0) elements and the type of the scalar inputs. Not
 * differentiable in its inputs (they are shape arithmetic). Opsets 11-22.
 */
final class Range implements Op {
    /** Largest output netviz builds (a Java array holds it before it becomes a tensor). */
    static final int MAX_ELEMENTS = 1 << 28;

    Range(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType t = in[0].getDataType();
        if (t.isFloating()) {
            double start = OpSupport.scalarDouble(in[0]);
            double limit = OpSupport.scalarDouble(in[1]);
            double delta = OpSupport.scalarDouble(in[2]);
            if (delta == 0) {
                throw new IllegalArgumentException("Range delta must not be 0");
            }
            double count = Math.max(Math.ceil((limit - start) / delta), 0);
            if (!(count <= MAX_ELEMENTS)) {
                throw new IllegalArgumentException("Range(" + start + ", " + limit + ", " + delta + ") would have "
                        + count + " elements; at most " + MAX_ELEMENTS + " are supported");
            }
            int n = (int) count;
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = start + i * delta;
            }
            return new NDArray[] {OwnedArrays.copyOf(ctx.manager().create(v, new Shape(n))).toType(t, false)};
        }
        long start = OpSupport.longs(in[0])[0];
        long limit = OpSupport.longs(in[1])[0];
        long delta = OpSupport.longs(in[2])[0];
        if (delta == 0) {
            throw new IllegalArgumentException("Range delta must not be 0");
        }
        double approx = Math.ceil(((double) limit - start) / delta);
        long n = approx > MAX_ELEMENTS ? Long.MAX_VALUE
                : Math.max(Math.floorDiv(Math.addExact(Math.subtractExact(limit, start), delta + (delta > 0 ? -1 : 1)), delta), 0);
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("Range(" + start + ", " + limit + ", " + delta + ") would have more than "
                    + MAX_ELEMENTS + " elements");
        }
        long[] v = new long[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = start + i * delta;
        }
        return new NDArray[] {OwnedArrays.copyOf(ctx.manager().create(v, new Shape(v.length))).toType(t, false)};
    }
}
