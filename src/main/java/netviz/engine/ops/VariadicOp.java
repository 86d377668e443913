package netviz.engine.ops;

import ai.djl.ndarray.NDArray;

/** Base of the element-wise operators over one or more inputs with NumPy broadcasting (Sum, Mean, Max, Min). */
abstract class VariadicOp implements Op {
    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray acc = null;
        int n = 0;
        for (NDArray x : in) {
            if (x == null) {
                continue;
            }
            acc = acc == null ? x : combine(acc, x);
            n++;
        }
        if (acc == null) {
            throw new IllegalArgumentException("needs at least one input");
        }
        return new NDArray[] {finish(acc, n)};
    }

    abstract NDArray combine(NDArray acc, NDArray x);

    NDArray finish(NDArray acc, int count) {
        return acc;
    }
}
