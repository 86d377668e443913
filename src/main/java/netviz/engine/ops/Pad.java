package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import netviz.ShapeMismatchException;
import netviz.engine.Node;

/**
 * Pad: pads (or, with negative amounts, crops) every axis by {@code pads = [x1_begin, x2_begin, …,
 * x1_end, x2_end, …]} in one of the modes constant (with {@code value}), reflect (mirror without
 * repeating the edge), edge (repeat the edge) or wrap (opset 19+, cyclic). Opsets 2-10 take pads,
 * mode and value as attributes; 11+ take pads and constant_value as inputs, and 18+ an optional
 * axes input naming the padded axes (negative counts from the end). Constant mode is PyTorch's
 * fused constant pad; the other modes are composed from slices, flips and concatenation, so every
 * mode is differentiable.
 */
final class Pad implements Op {
    private enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    private final boolean attrForm;
    private final long[] attrPads;
    private final float attrValue;
    private final Mode mode;
    private final String label;

    Pad(Node node, int opset) {
        label = node.label();
        attrForm = opset < 11;
        String m = node.getString("mode", "constant");
        switch (m) {
            case "constant" -> mode = Mode.CONSTANT;
            case "reflect" -> mode = Mode.REFLECT;
            case "edge" -> mode = Mode.EDGE;
            case "wrap" -> {
                if (opset < 19) {
                    throw node.error("mode 'wrap' exists from opset 19; accepted: constant, reflect, edge");
                }
                mode = Mode.WRAP;
            }
            default -> throw node.error("attribute 'mode' is '" + m + "'; accepted: constant, reflect, edge"
                    + (opset >= 19 ? ", wrap" : ""));
        }
        if (attrForm) {
            attrPads = node.getInts("pads", null);
            if (attrPads == null) {
                throw node.error("attribute 'pads' is required before opset 11");
            }
            attrValue = node.getFloat("value", 0f);
        } else {
            attrPads = null;
            attrValue = 0f;
            if (!node.hasInput(1)) {
                throw node.error("input 'pads' is required");
            }
            if (opset < 18 && node.hasInput(3)) {
                throw node.error("input 'axes' exists from opset 18");
            }
        }
    }

    static long[] longs(NDArray a) {
        return a.getDataType() == DataType.INT64 ? a.toLongArray() : a.toType(DataType.INT64, false).toLongArray();
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        int r = x.getShape().dimension();
        long[] pads;
        double value = attrValue;
        int[] axes;
        if (attrForm) {
            pads = attrPads;
        } else {
            pads = longs(in[1]);
            if (in.length > 2 && in[2] != null && in[2].getShape().size() > 0) {
                value = in[2].toType(DataType.FLOAT64, false).toDoubleArray()[0];
            }
        }
        if (!attrForm && in.length > 3 && in[3] != null) {
            long[] a = longs(in[3]);
            axes = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                long v = a[i] < 0 ? a[i] + r : a[i];
                if (v < 0 || v >= r) {
                    throw new ShapeMismatchException("node '" + label + "' (Pad): axis " + a[i]
                            + " is out of range for rank " + r);
                }
                axes[i] = (int) v;
            }
        } else {
            axes = new int[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw new ShapeMismatchException("node '" + label + "' (Pad): pads " + Arrays.toString(pads) + " has "
                    + pads.length + " values; the input " + x.getShape() + " needs " + 2 * axes.length);
        }
        long[] begin = new long[r];
        long[] end = new long[r];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] += pads[i];
            end[axes[i]] += pads[i + axes.length];
        }
        long[] made = new long[r];
        for (int i = 0; i < r; i++) {
            try {
                made[i] = Math.addExact(Math.addExact(x.getShape().get(i), Math.max(0, begin[i])), Math.max(0, end[i]));
            } catch (ArithmeticException e) {
                made[i] = Long.MAX_VALUE;
            }
        }
        OpSupport.checkMadeSize("Pad", made);
        if (mode == Mode.CONSTANT) {
            return new NDArray[] {constant(x, begin, end, value)};
        }
        // crop first (negative pads), then extend axis by axis
        NDArray y = constant(x, neg(begin), neg(end), 0);
        for (int i = 0; i < r; i++) {
            long b = Math.max(0, begin[i]);
            long e = Math.max(0, end[i]);
            if (b == 0 && e == 0) {
                continue;
            }
            y = extend(y, i, b, e);
        }
        return new NDArray[] {y};
    }

    private static long[] neg(long[] v) {
        long[] o = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = Math.min(0, v[i]);
        }
        return o;
    }

    private static NDArray constant(NDArray x, long[] begin, long[] end, double value) {
        if (x.getDataType() == DataType.BOOLEAN) {
            return Windows.padSpatial(x.toType(DataType.INT32, false), begin, end, value)
                    .toType(DataType.BOOLEAN, false);
        }
        return Windows.padSpatial(x, begin, end, value);
    }

    private NDArray slice(NDArray y, int axis, long from, long to) {
        NDIndex idx = new NDIndex();
        if (axis > 0) {
            idx.addAllDim(axis);
        }
        idx.addSliceDim(from, to);
        return y.get(idx);
    }

    private NDArray extend(NDArray y, int axis, long b, long e) {
        long n = y.getShape().get(axis);
        if (n == 0) {
            throw new ShapeMismatchException("node '" + label + "' (Pad): cannot pad an empty axis in mode "
                    + mode.name().toLowerCase());
        }
        NDArray left = null;
        NDArray right = null;
        switch (mode) {
            case EDGE -> {
                if (b > 0) {
                    left = slice(y, axis, 0, 1).repeat(axis, b);
                }
                if (e > 0) {
                    right = slice(y, axis, n - 1, n).repeat(axis, e);
                }
            }
            case REFLECT -> {
                if (b >= n || e >= n) {
                    throw new ShapeMismatchException("node '" + label + "' (Pad): reflect padding of " + Math.max(b, e)
                            + " needs an axis longer than that, but axis " + axis + " has " + n);
                }
                if (b > 0) {
                    left = slice(y, axis, 1, b + 1).flip(axis);
                }
                if (e > 0) {
                    right = slice(y, axis, n - 1 - e, n - 1).flip(axis);
                }
            }
            case WRAP -> {
                if (b > 0) {
                    left = wrap(y, axis, n - (b % n), n, b);
                }
                if (e > 0) {
                    right = wrap(y, axis, 0, e % n, e);
                }
            }
            default -> throw new IllegalStateException();
        }
        NDList parts = new NDList();
        if (left != null) {
            parts.add(left);
        }
        parts.add(y);
        if (right != null) {
            parts.add(right);
        }
        return concat(parts, axis);
    }

    /** {@code count} cells of the cyclic extension: the slice [from, to) after as many whole copies as fit. */
    private NDArray wrap(NDArray y, int axis, long from, long to, long count) {
        long n = y.getShape().get(axis);
        long whole = count / n;
        NDList parts = new NDList();
        boolean partFirst = from != 0;
        NDArray part = to > from ? slice(y, axis, from, to) : null;
        if (partFirst && part != null) {
            parts.add(part);
        }
        for (long k = 0; k < whole; k++) {
            parts.add(y);
        }
        if (!partFirst && part != null) {
            parts.add(part);
        }
        return concat(parts, axis);
    }

    /** Concatenation that accepts a single part. */
    private static NDArray concat(NDList parts, int axis) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, axis);
    }
}
