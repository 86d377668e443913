package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Squeeze: removes the size-1 dimensions listed in {@code axes} (all size-1 dimensions when none
 * are given); an axis whose size is not 1 is an error. The axes are an attribute before opset 13
 * and the optional second input from 13. Opsets 1-22.
 */
final class Squeeze implements Op {
    private final boolean axesFromInput;
    private final long[] attrAxes;

    Squeeze(Node node, int opset) {
        axesFromInput = opset >= 13;
        attrAxes = axesFromInput ? null : node.getInts("axes", null);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = OpSupport.dims(x);
        long[] given = axesFromInput ? (OpSupport.has(in, 1) ? OpSupport.longs(in[1]) : null) : attrAxes;
        boolean[] drop = new boolean[s.length];
        int kept = 0;
        if (given == null) {
            for (int d = 0; d < s.length; d++) {
                drop[d] = s[d] == 1;
            }
        } else {
            for (int a : OpSupport.axes(given, s.length)) {
                if (s[a] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of size " + s[a]);
                }
                drop[a] = true;
            }
        }
        for (boolean b : drop) {
            kept += b ? 0 : 1;
        }
        long[] out = new long[kept];
        int k = 0;
        for (int d = 0; d < s.length; d++) {
            if (!drop[d]) {
                out[k++] = s[d];
            }
        }
        return new NDArray[] {x.reshape(out)};
    }
}
