package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import netviz.engine.Node;

/**
 * Split: cuts the input along {@code axis} (default 0) into pieces of the lengths in {@code split}
 * (an attribute before opset 13, the optional second input from 13; zero lengths allowed), or
 * into equal pieces, one per output (or {@code num_outputs}, opset 18+, where the last piece may
 * be smaller). Each piece is a differentiable slice of the input. Opsets 1-22.
 */
final class Split implements Op {
    private final long axis;
    private final long[] attrSplit;
    private final int outputs;

    Split(Node node, int opset) {
        axis = node.getInt("axis", 0);
        attrSplit = opset < 13 ? node.getInts("split", null) : null;
        int n = node.outputs().size();
        if (opset >= 18 && node.has("num_outputs")) {
            long k = node.getInt("num_outputs", 0);
            if (k != n) {
                throw node.error("num_outputs is " + k + " but the node has " + n + " outputs");
            }
        }
        if (n == 0) {
            throw node.error("has no outputs");
        }
        outputs = n;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] s = OpSupport.dims(x);
        int a = OpSupport.axis(axis, s.length);
        long len = s[a];
        long[] sizes = OpSupport.has(in, 1) ? OpSupport.longs(in[1]) : attrSplit;
        if (sizes == null) {
            long chunk = (len + outputs - 1) / outputs;
            sizes = new long[outputs];
            long left = len;
            for (int i = 0; i < outputs; i++) {
                sizes[i] = Math.min(chunk, left);
                left -= sizes[i];
            }
        }
        if (sizes.length != outputs || Arrays.stream(sizes).sum() != len || Arrays.stream(sizes).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " does not cut axis " + a
                    + " of length " + len + " into " + outputs + " pieces");
        }
        NDArray[] out = new NDArray[outputs];
        long start = 0;
        for (int i = 0; i < outputs; i++) {
            out[i] = x.get(new NDIndex().addAllDim(a).addSliceDim(start, start + sizes[i]));
            start += sizes[i];
        }
        return out;
    }
}
