package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Gemm: {@code Y = alpha * A' B' + beta * C}, A' = transA ? Aᵀ : A (M × K), B' = transB ? Bᵀ : B
 * (K × N), C broadcast to (M, N) unidirectionally. Opsets 7-22 (7: broadcast attribute removed;
 * 11: C optional). The fully-connected case (transB = 1, alpha = beta = 1, C a vector) runs
 * PyTorch's fused linear layer.
 */
final class Gemm implements Op {
    private final boolean transA;
    private final boolean transB;
    private final float alpha;
    private final float beta;

    Gemm(Node node, int opset) {
        transA = node.getInt("transA", 0) != 0;
        transB = node.getInt("transB", 0) != 0;
        alpha = node.getFloat("alpha", 1f);
        beta = node.getFloat("beta", 1f);
        if (opset < 11 && !node.hasInput(2)) {
            throw node.error("input C is required before opset 11");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray a = in[0];
        NDArray b = in[1];
        NDArray c = in.length > 2 ? in[2] : null;
        if (a.getShape().dimension() != 2 || b.getShape().dimension() != 2) {
            throw new IllegalArgumentException("A " + a.getShape() + " and B " + b.getShape() + " must be matrices");
        }
        long n = transB ? b.getShape().get(0) : b.getShape().get(1);
        if (!transA && transB && alpha == 1f && beta == 1f && c != null && c.getShape().size() == n
                && c.getShape().dimension() <= 2 && (c.getShape().dimension() < 2 || c.getShape().get(0) == 1)
                && c.getDataType() == a.getDataType()) {
            NDArray bias = c.getShape().dimension() == 1 ? c : c.reshape(n);
            return new NDArray[] {a.getNDArrayInternal().linear(a, b, bias).singletonOrThrow()};
        }
        NDArray at = transA ? a.transpose() : a;
        NDArray y = at.matMul(transB ? b.transpose() : b);
        if (alpha != 1f) {
            y = y.mul(OwnedArrays.scalar(y, alpha));
        }
        if (c != null && beta != 0f) {
            y = y.add(beta == 1f ? c : c.mul(OwnedArrays.scalar(c, beta)));
        }
        return new NDArray[] {y};
    }
}
