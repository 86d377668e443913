package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;

/**
 * Range: the 1-D tensor start, start + delta, ... up to (excluding) limit, with
 * max(ceil((limit - start) / delta), 0) elements and the type of the scalar inputs. Not
 * differentiable in its inputs (they are shape arithmetic). Opsets 11-22.
 */
final class Range implements Op {
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
            int n = (int) Math.max(Math.ceil((limit - start) / delta), 0);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = start + i * delta;
            }
            return new NDArray[] {ctx.manager().create(v, new Shape(n)).toType(t, false)};
        }
        long start = OpSupport.longs(in[0])[0];
        long limit = OpSupport.longs(in[1])[0];
        long delta = OpSupport.longs(in[2])[0];
        if (delta == 0) {
            throw new IllegalArgumentException("Range delta must not be 0");
        }
        long n = Math.max(Math.floorDiv(limit - start + delta + (delta > 0 ? -1 : 1), delta), 0);
        long[] v = new long[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = start + i * delta;
        }
        return new NDArray[] {ctx.manager().create(v, new Shape(v.length)).toType(t, false)};
    }
}
