package netviz.engine.ops;

import java.util.Arrays;
import netviz.ShapeMismatchException;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * The sliding-window geometry shared by Conv, MaxPool and AveragePool: the attributes
 * {@code kernel_shape}, {@code strides}, {@code dilations}, {@code pads}, {@code auto_pad} and
 * {@code ceil_mode}, read and checked once at load time, and {@link #plan} which turns them into
 * the padding and output size of one call, following the ONNX operator specification:
 * <ul>
 *   <li>NOTSET: explicit pads {@code [x1_begin, x2_begin, …, x1_end, x2_end]}, output
 *       {@code floor((in + begin + end - ek) / s) + 1} (ceil with {@code ceil_mode}, in which case a
 *       window that would start in the right padding is dropped, as in PyTorch and ONNX ≥ 1.16),
 *       where {@code ek = (k - 1) * d + 1} is the dilated kernel extent;</li>
 *   <li>VALID: no padding;</li>
 *   <li>SAME_UPPER / SAME_LOWER: output {@code ceil(in / s)}, total padding
 *       {@code max(0, (out - 1) * s + ek - in)}, the odd cell at the end (UPPER) or the beginning
 *       (LOWER).</li>
 * </ul>
 */
final class WindowGeometry {
    enum AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID }

    private final Node node;
    private final long[] kernel;
    private final long[] strides;
    private final long[] dilations;
    private final long[] pads;
    final AutoPad autoPad;
    final boolean ceilMode;

    private WindowGeometry(Node node, long[] kernel, long[] strides, long[] dilations, long[] pads, AutoPad autoPad,
                           boolean ceilMode) {
        this.node = node;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.pads = pads;
        this.autoPad = autoPad;
        this.ceilMode = ceilMode;
    }

    /**
     * Reads the window attributes of a node.
     *
     * @param kernelRequired whether {@code kernel_shape} must be given (pools) or may come from the
     *                       weight (Conv)
     * @param dilationsAllowed whether the operator version has a {@code dilations} attribute
     * @param ceilAllowed whether the operator version has a {@code ceil_mode} attribute
     */
    static WindowGeometry read(Node node, boolean kernelRequired, boolean dilationsAllowed, boolean ceilAllowed) {
        long[] kernel = node.getInts("kernel_shape", null);
        if (kernel == null && kernelRequired) {
            throw node.error("attribute 'kernel_shape' is required");
        }
        long[] strides = node.getInts("strides", null);
        long[] dilations = dilationsAllowed ? node.getInts("dilations", null) : null;
        long[] pads = node.getInts("pads", null);
        String ap = node.getString("auto_pad", "NOTSET");
        AutoPad autoPad;
        switch (ap) {
            case "NOTSET", "" -> autoPad = AutoPad.NOTSET;
            case "SAME_UPPER" -> autoPad = AutoPad.SAME_UPPER;
            case "SAME_LOWER" -> autoPad = AutoPad.SAME_LOWER;
            case "VALID" -> autoPad = AutoPad.VALID;
            default -> throw node.error("attribute 'auto_pad' is '" + ap
                    + "'; accepted: NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
        long ceil = ceilAllowed ? node.getInt("ceil_mode", 0) : 0;
        if (ceil != 0 && ceil != 1) {
            throw node.error("attribute 'ceil_mode' is " + ceil + "; accepted: 0, 1");
        }
        int rank = kernel != null ? kernel.length : -1;
        rank = checkLength(node, "strides", strides, rank, 1);
        rank = checkLength(node, "dilations", dilations, rank, 1);
        if (pads != null) {
            if (pads.length % 2 != 0) {
                throw node.error("attribute 'pads' has " + pads.length + " values; it needs 2 per spatial axis");
            }
            rank = checkLength(node, "pads", Arrays.copyOf(pads, pads.length / 2), rank, 0);
            for (long p : pads) {
                if (p < 0) {
                    throw node.error("attribute 'pads' " + Arrays.toString(pads) + " has a negative value");
                }
            }
        }
        if (kernel != null) {
            for (long k : kernel) {
                if (k < 1) {
                    throw node.error("attribute 'kernel_shape' " + Arrays.toString(kernel) + " must be positive");
                }
            }
        }
        return new WindowGeometry(node, kernel, strides, dilations, pads, autoPad, ceil == 1);
    }

    private static int checkLength(Node node, String attr, long[] v, int rank, long min) {
        if (v == null) {
            return rank;
        }
        if (rank >= 0 && v.length != rank) {
            throw node.error("attribute '" + attr + "' " + Arrays.toString(v) + " has " + v.length
                    + " values but the window has " + rank + " spatial axes");
        }
        for (long x : v) {
            if (x < min) {
                throw node.error("attribute '" + attr + "' " + Arrays.toString(v) + " must be >= " + min);
            }
        }
        return v.length;
    }

    /** The kernel_shape attribute, or null when absent. */
    long[] kernelShape() {
        return kernel == null ? null : kernel.clone();
    }

    /** Whether any dilation differs from 1. */
    boolean dilated() {
        if (dilations == null) {
            return false;
        }
        for (long d : dilations) {
            if (d != 1) {
                return true;
            }
        }
        return false;
    }

    /** Rejects a kernel_shape that contradicts the weight's spatial shape (Conv). */
    void checkKernel(long[] weightKernel) {
        if (kernel != null && !Arrays.equals(kernel, weightKernel)) {
            throw new ShapeMismatchException("node '" + node.label() + "' (" + node.opType() + "): kernel_shape "
                    + Arrays.toString(kernel) + " does not match the weight's spatial shape "
                    + Arrays.toString(weightKernel));
        }
    }

    /** The geometry of one call on an input with spatial shape {@code in}. */
    Plan plan(long[] in, long[] kernelShape) {
        long[] k = kernelShape != null ? kernelShape : kernel;
        int r = in.length;
        if (k.length != r) {
            throw new ShapeMismatchException("node '" + node.label() + "' (" + node.opType() + "): the input has "
                    + r + " spatial axes but the kernel has " + k.length);
        }
        long[] s = strides != null ? strides : ones(r);
        long[] d = dilations != null ? dilations : ones(r);
        if (s.length != r || d.length != r || (pads != null && pads.length != 2 * r)) {
            throw new ShapeMismatchException("node '" + node.label() + "' (" + node.opType() + "): the input has "
                    + r + " spatial axes but strides/dilations/pads are given for another count");
        }
        long[] begin = new long[r];
        long[] end = new long[r];
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long ek = (k[i] - 1) * d[i] + 1;
            switch (autoPad) {
                case SAME_UPPER, SAME_LOWER -> {
                    out[i] = Math.floorDiv(in[i] + s[i] - 1, s[i]);
                    long total = Math.max(0, (out[i] - 1) * s[i] + ek - in[i]);
                    long small = total / 2;
                    begin[i] = autoPad == AutoPad.SAME_UPPER ? small : total - small;
                    end[i] = total - begin[i];
                }
                case VALID, NOTSET -> {
                    if (autoPad == AutoPad.NOTSET && pads != null) {
                        begin[i] = pads[i];
                        end[i] = pads[i + r];
                    }
                    long span = in[i] + begin[i] + end[i] - ek;
                    if (span < 0) {
                        throw new ShapeMismatchException("node '" + node.label() + "' (" + node.opType()
                                + "): spatial axis " + i + " of size " + in[i] + " (padded by " + begin[i] + "+"
                                + end[i] + ") is smaller than the window extent " + ek);
                    }
                    if (ceilMode) {
                        out[i] = Math.floorDiv(span + s[i] - 1, s[i]) + 1;
                        if ((out[i] - 1) * s[i] >= in[i] + begin[i]) {
                            out[i]--;
                        }
                    } else {
                        out[i] = span / s[i] + 1;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Plan(k.clone(), s.clone(), d.clone(), begin, end, out, in.clone());
    }

    private static long[] ones(int r) {
        long[] a = new long[r];
        Arrays.fill(a, 1);
        return a;
    }

    /** An UnsupportedOperatorException naming this node. */
    UnsupportedOperatorException unsupported(String what) {
        return new UnsupportedOperatorException("node '" + node.label() + "' (" + node.opType() + "): " + what);
    }

    /**
     * One call's geometry per spatial axis: kernel, stride, dilation, padding at the beginning
     * and end, output size and input size.
     */
    record Plan(long[] kernel, long[] strides, long[] dilations, long[] begin, long[] end, long[] out, long[] in) {
        int rank() {
            return kernel.length;
        }

        /** The dilated kernel extent along axis i. */
        long extent(int i) {
            return (kernel[i] - 1) * dilations[i] + 1;
        }

        /** The padded length that the output windows span exactly along axis i. */
        long needed(int i) {
            return (out[i] - 1) * strides[i] + extent(i);
        }

        /**
         * The padding at the end of axis i that makes the padded axis exactly {@link #needed} long
         * (negative: crop the unused tail).
         */
        long endToNeeded(int i) {
            return needed(i) - in[i] - begin[i];
        }

        boolean symmetric() {
            return Arrays.equals(begin, end);
        }

        boolean anyPadding() {
            for (int i = 0; i < begin.length; i++) {
                if (begin[i] != 0 || end[i] != 0) {
                    return true;
                }
            }
            return false;
        }

        boolean unitDilation() {
            for (long x : dilations) {
                if (x != 1) {
                    return false;
                }
            }
            return true;
        }

        /** True when PyTorch's own symmetric padding can stand in (at most half the kernel, as its pooling requires). */
        boolean torchPoolPaddable() {
            if (!symmetric()) {
                return false;
            }
            for (int i = 0; i < begin.length; i++) {
                if (2 * begin[i] > kernel[i]) {
                    return false;
                }
            }
            return true;
        }

        long outputSize() {
            long n = 1;
            for (long o : out) {
                n *= o;
            }
            return n;
        }
    }
}
