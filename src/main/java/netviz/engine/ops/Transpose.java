package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Transpose: permutes the dimensions by {@code perm} (default: reversed). Opsets 1-22. */
final class Transpose implements Op {
    private final long[] perm;

    Transpose(Node node, int opset) {
        perm = node.getInts("perm", null);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        int r = x.getShape().dimension();
        int[] p = new int[r];
        if (perm == null) {
            for (int i = 0; i < r; i++) {
                p[i] = r - 1 - i;
            }
        } else {
            if (perm.length != r) {
                throw new IllegalArgumentException("perm has " + perm.length + " entries for rank " + r);
            }
            p = OpSupport.axes(perm, r);
        }
        return new NDArray[] {x.transpose(p)};
    }
}
