package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.engine.OwnedArrays;

/**
 * Sliding-window kernels shared by the pooling operators, built from DJL's fused pooling where it
 * fits and otherwise from strided slices of an explicitly padded input (every path is a
 * composition of differentiable PyTorch operations).
 */
final class Windows {
    private Windows() {
    }

    /**
     * Pads the last {@code begin.length} axes of x with a constant; negative amounts crop. (DJL's
     * {@code pad} takes a Shape, which cannot hold negative values, so crops are slices.)
     */
    static NDArray padSpatial(NDArray x, long[] begin, long[] end, double value) {
        int r = begin.length;
        int lead = x.getShape().dimension() - r;
        boolean crop = false;
        boolean pad = false;
        for (int i = 0; i < r; i++) {
            crop |= begin[i] < 0 || end[i] < 0;
            pad |= begin[i] > 0 || end[i] > 0;
        }
        NDArray y = x;
        if (crop) {
            NDIndex idx = new NDIndex();
            if (lead > 0) {
                idx.addAllDim(lead);
            }
            for (int i = 0; i < r; i++) {
                long n = x.getShape().get(lead + i);
                idx.addSliceDim(Math.max(0, -begin[i]), n - Math.max(0, -end[i]));
            }
            y = y.get(idx);
        }
        if (pad) {
            long[] p = new long[2 * r];
            for (int i = 0; i < r; i++) {
                // PyTorch order: last axis first, (begin, end) pairs
                p[2 * i] = Math.max(0, begin[r - 1 - i]);
                p[2 * i + 1] = Math.max(0, end[r - 1 - i]);
            }
            y = y.pad(new Shape(p), value);
        }
        return y;
    }

    /** The value that max pooling pads with: -inf, or the type's minimum for integers. */
    static double lowest(DataType t) {
        return switch (t) {
            case UINT8, BOOLEAN -> 0;
            case INT8 -> Byte.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> Double.NEGATIVE_INFINITY;
        };
    }

    static long[] spatialShape(NDArray x) {
        long[] s = x.getShape().getShape();
        if (s.length < 3) {
            throw new IllegalArgumentException("expected (N, C, D1, …), got shape " + x.getShape());
        }
        long[] in = new long[s.length - 2];
        System.arraycopy(s, 2, in, 0, in.length);
        return in;
    }

    private static long[] endToNeeded(WindowGeometry.Plan p) {
        long[] e = new long[p.rank()];
        for (int i = 0; i < e.length; i++) {
            e[i] = p.endToNeeded(i);
        }
        return e;
    }

    // ------------------------------------------------------------------ max

    /** Max pooling per {@code plan}; {@code torchCeil} = ceil_mode for PyTorch's own output rule. */
    static NDArray max(NDArray x, WindowGeometry.Plan plan, boolean torchCeil) {
        if (plan.unitDilation()) {
            Shape k = new Shape(plan.kernel());
            Shape s = new Shape(plan.strides());
            if (plan.torchPoolPaddable()) {
                return x.getNDArrayInternal().maxPool(k, s, new Shape(plan.begin()), torchCeil);
            }
            NDArray xp = padSpatial(x, plan.begin(), endToNeeded(plan), lowest(x.getDataType()));
            return xp.getNDArrayInternal().maxPool(k, s, new Shape(new long[plan.rank()]), false);
        }
        NDArray xp = padSpatial(x, plan.begin(), endToNeeded(plan), lowest(x.getDataType()));
        NDArray best = null;
        for (long[] o : offsets(plan)) {
            NDArray v = xp.get(window(plan, o));
            best = best == null ? v : best.maximum(v);
        }
        return best;
    }

    /**
     * Max pooling that also returns, per output cell, the flat index of the chosen input element
     * in the unpadded input (row-major, or column-major over the spatial axes when
     * {@code columnMajor}), offset by {@code (n * C + c) * prod(spatial)} as ONNX MaxPool's Indices.
     * Ties go to the first element in row-major window order.
     */
    static NDArray[] maxWithIndices(NDArray x, WindowGeometry.Plan plan, boolean columnMajor) {
        long[] shape = x.getShape().getShape();
        int r = plan.rank();
        long[] in = plan.in();
        long[] stride = new long[r];
        long acc = 1;
        for (int k = 0; k < r; k++) {
            int i = columnMajor ? k : r - 1 - k;
            stride[i] = acc;
            acc *= in[i];
        }
        long plane = acc;
        NDManager m = x.getManager();
        long nc = shape[0] * shape[1];
        long[] bshape = new long[r + 2];
        Arrays.fill(bshape, 1);
        bshape[0] = shape[0];
        bshape[1] = shape[1];
        NDArray base = m.arange(0, (int) nc, 1, DataType.INT64).mul(plane).reshape(new Shape(bshape));
        for (int i = 0; i < r; i++) {
            long[] gs = new long[r + 2];
            Arrays.fill(gs, 1);
            gs[i + 2] = plan.out()[i];
            NDArray g = m.arange(0, (int) plan.out()[i], 1, DataType.INT64)
                    .mul(plan.strides()[i] * stride[i]).sub(plan.begin()[i] * stride[i]).reshape(new Shape(gs));
            base = base.add(g);
        }
        long[] full = new long[r + 2];
        full[0] = shape[0];
        full[1] = shape[1];
        System.arraycopy(plan.out(), 0, full, 2, r);
        base = base.broadcast(new Shape(full));
        NDArray xp = padSpatial(x, plan.begin(), endToNeeded(plan), lowest(x.getDataType()));
        NDArray best = null;
        NDArray bestIdx = null;
        for (long[] o : offsets(plan)) {
            NDArray v = xp.get(window(plan, o));
            long off = 0;
            for (int i = 0; i < r; i++) {
                off += o[i] * plan.dilations()[i] * stride[i];
            }
            NDArray idx = base.add(off);
            if (best == null) {
                best = v;
                bestIdx = idx;
            } else {
                NDArray gt = v.gt(best);
                best = NDArrays.where(gt, v, best);
                bestIdx = NDArrays.where(gt, idx, bestIdx);
            }
        }
        return new NDArray[] {best, bestIdx};
    }

    // ------------------------------------------------------------------ average

    /**
     * Average pooling per {@code plan}: the mean over the window's elements that lie in the input
     * ({@code countIncludePad} false) or in the input and its explicit padding (true); cells that
     * ceil_mode adds beyond the padding never count.
     */
    static NDArray average(NDArray x, WindowGeometry.Plan plan, boolean torchCeil, boolean countIncludePad) {
        int r = plan.rank();
        Shape k = new Shape(plan.kernel());
        Shape s = new Shape(plan.strides());
        Shape zero = new Shape(new long[r]);
        DataType t = x.getDataType();
        long[] onesShape = new long[r + 2];
        onesShape[0] = 1;
        onesShape[1] = 1;
        System.arraycopy(plan.in(), 0, onesShape, 2, r);
        if (plan.unitDilation() && plan.torchPoolPaddable()) {
            // PyTorch divides by the window cells inside input + padding (never the ceil_mode tail):
            // exactly count_include_pad=1. For 0, divide again by the fraction of real cells.
            Shape p = new Shape(plan.begin());
            NDArray y = x.getNDArrayInternal().avgPool(k, s, p, torchCeil, true);
            if (!countIncludePad && plan.anyPadding()) {
                NDArray ones = x.getManager().ones(new Shape(onesShape), t);
                y = y.div(ones.getNDArrayInternal().avgPool(k, s, p, torchCeil, true));
            }
            return y;
        }
        long[] toNeeded = endToNeeded(plan);
        NDArray xp = padSpatial(x, plan.begin(), toNeeded, 0);
        // mask: 1 where a cell counts, 0 elsewhere, over the exactly-needed padded extent
        boolean maskNeeded = false;
        long[] tail = new long[r];
        for (int i = 0; i < r; i++) {
            if (countIncludePad) {
                tail[i] = toNeeded[i] - plan.end()[i];
                maskNeeded |= tail[i] > 0;
            } else {
                maskNeeded |= plan.begin()[i] > 0 || toNeeded[i] > 0;
            }
        }
        NDArray mask = null;
        if (maskNeeded) {
            NDArray ones = x.getManager().ones(new Shape(onesShape), t);
            if (countIncludePad) {
                mask = padSpatial(padSpatial(ones, plan.begin(), plan.end(), 1), new long[r], tail, 0);
            } else {
                mask = padSpatial(ones, plan.begin(), toNeeded, 0);
            }
        }
        if (plan.unitDilation()) {
            NDArray y = xp.getNDArrayInternal().avgPool(k, s, zero, false, true);
            return mask == null ? y : y.div(mask.getNDArrayInternal().avgPool(k, s, zero, false, true));
        }
        NDArray sum = null;
        NDArray count = null;
        for (long[] o : offsets(plan)) {
            NDIndex w = window(plan, o);
            NDArray v = xp.get(w);
            sum = sum == null ? v : sum.add(v);
            if (mask != null) {
                NDArray c = mask.get(w);
                count = count == null ? c : count.add(c);
            }
        }
        long cells = 1;
        for (long kk : plan.kernel()) {
            cells *= kk;
        }
        return count == null ? sum.div(OwnedArrays.scalar(sum, cells)) : sum.div(count);
    }

    // ------------------------------------------------------------------ helpers

    /** Every kernel offset, row-major. */
    static List<long[]> offsets(WindowGeometry.Plan plan) {
        int r = plan.rank();
        List<long[]> list = new ArrayList<>();
        long[] o = new long[r];
        while (true) {
            list.add(o.clone());
            int i = r - 1;
            while (i >= 0 && ++o[i] == plan.kernel()[i]) {
                o[i] = 0;
                i--;
            }
            if (i < 0) {
                return list;
            }
        }
    }

    /** The strided slice of the padded input that kernel offset o sees for every output cell. */
    static NDIndex window(WindowGeometry.Plan plan, long[] o) {
        NDIndex idx = new NDIndex().addAllDim().addAllDim();
        for (int i = 0; i < plan.rank(); i++) {
            long start = o[i] * plan.dilations()[i];
            idx.addSliceDim(start, start + (plan.out()[i] - 1) * plan.strides()[i] + 1, plan.strides()[i]);
        }
        return idx;
    }
}
