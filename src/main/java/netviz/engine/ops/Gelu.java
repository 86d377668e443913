package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Gelu (Hendrycks and Gimpel, "Gaussian Error Linear Units", 2016): {@code y = x * Phi(x) =
 * 0.5 x (1 + erf(x / sqrt 2))}, or with {@code approximate="tanh"} {@code y = 0.5 x (1 +
 * tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. Opsets 20-22 (earlier exporters write the erf form
 * out as Div/Erf/Add/Mul nodes). Composed of DJL operations, so autograd sees it.
 */
final class Gelu implements Op {
    private final boolean tanh;

    Gelu(Node node, int opset) {
        String a = node.getString("approximate", "none");
        if (!a.equals("none") && !a.equals("tanh")) {
            throw node.error("attribute 'approximate' is '" + a + "'; it must be 'none' or 'tanh'");
        }
        tanh = a.equals("tanh");
    }

    /** GELU of {@code x}, exact (erf) or with the tanh approximation. */
    static NDArray of(NDArray x, boolean tanh) {
        NDArray inner;
        if (tanh) {
            NDArray cube = x.mul(x).mul(x).mul(OwnedArrays.scalar(x, 0.044715));
            inner = x.add(cube).mul(OwnedArrays.scalar(x, Math.sqrt(2 / Math.PI))).tanh();
        } else {
            inner = x.mul(OwnedArrays.scalar(x, 1 / Math.sqrt(2))).erf();
        }
        NDArray phi2 = inner.add(OwnedArrays.scalar(x, 1));
        return x.mul(phi2).mul(OwnedArrays.scalar(x, 0.5));
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {of(in[0], tanh)};
    }
}
