package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import netviz.engine.Node;

/**
 * Base of the ReduceXxx operators: reduce over {@code axes} (all axes when none are given),
 * keeping the reduced axes as size 1 when {@code keepdims=1} (the default). The axes are an
 * attribute up to the opset where they became the optional second input ({@code axesInputSince}:
 * 13 for ReduceSum, 18 for the others); from then on {@code noop_with_empty_axes=1} with no axes
 * returns the input unchanged. Integer inputs keep their type.
 */
abstract class Reduce implements Op {
    private final boolean keepDims;
    private final boolean axesFromInput;
    private final long[] attrAxes;
    private final boolean noopWhenEmpty;

    Reduce(Node node, int opset, int axesInputSince) {
        keepDims = node.getInt("keepdims", 1) != 0;
        axesFromInput = opset >= axesInputSince;
        attrAxes = axesFromInput ? null : node.getInts("axes", null);
        noopWhenEmpty = axesFromInput && node.getInt("noop_with_empty_axes", 0) != 0;
        if (!axesFromInput && node.hasInput(1)) {
            throw node.error("takes its axes as an attribute at opset " + opset + ", not as a second input");
        }
    }

    @Override
    public final NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        int rank = x.getShape().dimension();
        long[] given = axesFromInput ? (OpSupport.has(in, 1) ? OpSupport.longs(in[1]) : null) : attrAxes;
        int[] axes;
        if (given == null || given.length == 0) {
            if (noopWhenEmpty) {
                return new NDArray[] {x};
            }
            axes = new int[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        } else {
            axes = OpSupport.axes(given, rank);
            Arrays.sort(axes);
        }
        NDArray y = reduce(x, axes, keepDims);
        if (y.getDataType() != x.getDataType() && !x.getDataType().isFloating()) {
            y = y.toType(x.getDataType(), false);
        }
        return new NDArray[] {y};
    }

    /** Reduces {@code x} over the sorted, distinct {@code axes}. */
    abstract NDArray reduce(NDArray x, int[] axes, boolean keepDims);

    /** Number of elements each output element reduces. */
    static long count(NDArray x, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= x.getShape().get(a);
        }
        return n;
    }

    /** Applies a one-axis reduction axis by axis (DJL's PyTorch max/min/prod take one axis at a time). */
    static NDArray oneAxisAtATime(NDArray x, int[] axes, boolean keepDims, OneAxis f) {
        NDArray y = x;
        for (int i = axes.length - 1; i >= 0; i--) {
            y = f.reduce(y, axes[i]);
        }
        if (!keepDims && axes.length > 0) {
            long[] s = x.getShape().getShape();
            long[] out = new long[s.length - axes.length];
            int k = 0;
            for (int d = 0; d < s.length; d++) {
                if (Arrays.binarySearch(axes, d) < 0) {
                    out[k++] = s[d];
                }
            }
            y = y.reshape(out);
        }
        return y;
    }

    /** A reduction over one axis that keeps it as size 1. */
    @FunctionalInterface
    interface OneAxis {
        NDArray reduce(NDArray x, int axis);
    }
}
