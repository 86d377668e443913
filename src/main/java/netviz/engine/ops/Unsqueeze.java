package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Unsqueeze: inserts size-1 dimensions at {@code axes}, positions in the output (negative from
 * opset 11, any order). The axes are an attribute before opset 13 and the second input from 13.
 * Opsets 1-22.
 */
final class Unsqueeze implements Op {
    private final long[] attrAxes;

    Unsqueeze(Node node, int opset) {
        if (opset < 13) {
            attrAxes = node.getInts("axes", null);
            if (attrAxes == null) {
                throw node.error("needs the 'axes' attribute at opset " + opset);
            }
        } else {
            attrAxes = null;
            if (!node.hasInput(1)) {
                throw node.error("needs the 'axes' input at opset " + opset);
            }
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] given = attrAxes != null ? attrAxes : OpSupport.longs(in[1]);
        long[] s = OpSupport.dims(x);
        int r = s.length + given.length;
        int[] axes = OpSupport.axes(given, r);
        boolean[] inserted = new boolean[r];
        for (int a : axes) {
            inserted[a] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int d = 0; d < r; d++) {
            out[d] = inserted[d] ? 1 : s[k++];
        }
        return new NDArray[] {x.reshape(out)};
    }
}
