package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * Mod: the element-wise remainder of A / B with NumPy broadcasting. With {@code fmod=0} (the
 * default, integers only) the remainder takes the divisor's sign, as Python's {@code %}
 * ({@code torch.remainder}); with {@code fmod=1} it takes the dividend's sign, as C's
 * {@code fmod}, computed as {@code sign(A) * remainder(|A|, |B|)}. Floating inputs need
 * {@code fmod=1} (checked at load time is impossible without types, so at run time). Differentiable
 * in A (slope 1) and in B. Opsets 10-22.
 */
final class Mod implements Op {
    private final boolean fmod;
    private final String label;

    Mod(Node node, int opset) {
        long f = node.getInt("fmod", 0);
        if (f != 0 && f != 1) {
            throw node.error("attribute 'fmod' is " + f + "; it must be 0 or 1");
        }
        fmod = f == 1;
        label = node.label();
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray a = in[0];
        NDArray b = in[1];
        if (!fmod) {
            if (a.getDataType().isFloating() || b.getDataType().isFloating()) {
                throw new IllegalArgumentException("node '" + label + "' (Mod): floating-point inputs need fmod=1");
            }
            return new NDArray[] {a.mod(b)};
        }
        NDArray r = a.abs().mod(b.abs());
        return new NDArray[] {r.mul(a.sign())};
    }
}
