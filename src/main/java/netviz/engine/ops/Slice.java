package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.stream.IntStream;
import netviz.engine.Node;

/**
 * Slice: NumPy-style {@code x[starts:ends:steps]} along {@code axes} (default: the first
 * len(starts) axes). Negative starts/ends count from the end and are then clamped as NumPy does
 * ([0, n] for positive steps, [-1, n-1] for negative ones), so INT64 extremes mean "to the end".
 * Negative steps run backwards (implemented as a flip followed by a positive-step slice); steps
 * larger than the axis are capped (PyTorch's strides would overflow). Starts,
 * ends and axes are attributes before opset 10 and inputs (with optional steps) from 10.
 * Differentiable in the data. Opsets 1-22.
 */
final class Slice implements Op {
    private final long[] attrStarts;
    private final long[] attrEnds;
    private final long[] attrAxes;
    private final boolean fromInputs;

    Slice(Node node, int opset) {
        fromInputs = opset >= 10;
        if (fromInputs) {
            attrStarts = attrEnds = attrAxes = null;
        } else {
            attrStarts = node.getInts("starts", null);
            attrEnds = node.getInts("ends", null);
            attrAxes = node.getInts("axes", null);
            if (attrStarts == null || attrEnds == null) {
                throw node.error("needs the 'starts' and 'ends' attributes at opset " + opset);
            }
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] dims = OpSupport.dims(x);
        int r = dims.length;
        long[] starts = fromInputs ? OpSupport.longs(in[1]) : attrStarts;
        long[] ends = fromInputs ? OpSupport.longs(in[2]) : attrEnds;
        long[] axesGiven = fromInputs ? (OpSupport.has(in, 3) ? OpSupport.longs(in[3]) : null) : attrAxes;
        long[] steps = fromInputs && OpSupport.has(in, 4) ? OpSupport.longs(in[4]) : null;
        int k = starts.length;
        if (ends.length != k || (axesGiven != null && axesGiven.length != k) || (steps != null && steps.length != k)) {
            throw new IllegalArgumentException("starts, ends, axes and steps must have the same length");
        }
        int[] axes = new int[k];
        if (axesGiven == null) {
            for (int i = 0; i < k; i++) {
                axes[i] = i;
            }
        } else {
            axes = OpSupport.axes(axesGiven, r);
        }
        long[] lo = new long[r];
        long[] hi = dims.clone();
        long[] st = new long[r];
        Arrays.fill(st, 1);
        boolean[] flip = new boolean[r];
        boolean any = false;
        for (int i = 0; i < k; i++) {
            int a = axes[i];
            long n = dims[a];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new IllegalArgumentException("slice step must not be 0");
            }
            long s = starts[i] < 0 ? starts[i] + n : starts[i];
            long e = ends[i] < 0 ? ends[i] + n : ends[i];
            if (step > 0) {
                s = clamp(s, 0, n);
                e = clamp(e, 0, n);
                lo[a] = s;
                hi[a] = Math.max(s, e);
                st[a] = Math.min(step, Math.max(n, 1)); // a step beyond the axis picks one element either way
            } else {
                s = clamp(s, -1, n - 1);
                e = clamp(e, -1, n - 1);
                // elements s, s+step, ... > e; in flipped coordinates i' = n-1-i with step -step
                long count = s > e ? (s - e - 1) / -step + 1 : 0; // ceil((s - e) / -step) without overflow
                long fs = n - 1 - s;
                flip[a] = true;
                lo[a] = count == 0 ? 0 : fs;
                hi[a] = count == 0 ? 0 : fs + (count - 1) * (-step) + 1;
                st[a] = Math.min(-step, Math.max(n, 1));
            }
            any = true;
        }
        if (!any) {
            return new NDArray[] {x};
        }
        NDArray y = x;
        int[] flipAxes = IntStream.range(0, r).filter(d -> flip[d]).toArray();
        if (flipAxes.length > 0) {
            y = y.flip(flipAxes);
        }
        NDIndex idx = new NDIndex();
        for (int d = 0; d < r; d++) {
            idx.addSliceDim(lo[d], hi[d], st[d]);
        }
        return new NDArray[] {y.get(idx)};
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
