package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.ShapeMismatchException;
import netviz.engine.Node;

/**
 * ConvTranspose, the transpose (adjoint) of Conv ("deconvolution"):
 * {@code y[n, m, s * i + d * k - pad_begin] += x[n, c, i] * w[c, m, k]} over input positions i,
 * kernel offsets k and the input channels c of m's group, plus the bias. Output size
 * {@code s * (in - 1) + output_padding + (k - 1) * d + 1 - pad_begin - pad_end}, or
 * {@code output_shape} (which fixes the pads: the extra cell at the end, or at the beginning for
 * SAME_UPPER), or {@code in * s} for auto_pad SAME_*. Opsets 1-22 (11 clarified the padding).
 * PyTorch's transposed convolution is not reachable through DJL, so this runs the equivalent
 * direct convolution: the input dilated by the stride (s - 1 zeros between cells), padded by
 * {@code (k - 1) * d - pad} (cropped where negative), convolved with stride 1 and the kernel
 * flipped and with its channel axes exchanged per group.
 */
final class ConvTranspose implements Op {
    private final WindowGeometry.AutoPad autoPad;
    private final long[] kernelAttr;
    private final long[] strides;
    private final long[] dilations;
    private final long[] pads;
    private final long[] outputPadding;
    private final long[] outputShape;
    private final int group;
    private final String label;

    ConvTranspose(Node node, int opset) {
        label = node.label();
        WindowGeometry g = WindowGeometry.read(node, false, true, false);
        autoPad = g.autoPad;
        kernelAttr = g.kernelShape();
        strides = node.getInts("strides", null);
        dilations = node.getInts("dilations", null);
        pads = node.getInts("pads", null);
        outputPadding = node.getInts("output_padding", null);
        outputShape = node.getInts("output_shape", null);
        long gr = node.getInt("group", 1);
        if (gr < 1) {
            throw node.error("attribute 'group' is " + gr + "; it must be >= 1");
        }
        group = (int) gr;
        if (outputPadding != null) {
            for (long p : outputPadding) {
                if (p < 0) {
                    throw node.error("attribute 'output_padding' " + Arrays.toString(outputPadding)
                            + " must not be negative");
                }
            }
        }
    }

    private static long at(long[] v, int i, long dflt) {
        return v == null ? dflt : v[i];
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        NDArray w = in[1];
        NDArray b = in.length > 2 ? in[2] : null;
        long[] xs = x.getShape().getShape();
        long[] ws = w.getShape().getShape();
        int r = xs.length - 2;
        if (r < 1 || ws.length != xs.length || ws[0] != xs[1] || xs[1] % group != 0) {
            throw new ShapeMismatchException("node '" + label + "' (ConvTranspose): input " + x.getShape()
                    + " and weight " + w.getShape() + " must be (N, C, D1, …) and (C, M/group, k1, …) with group="
                    + group);
        }
        long[] k = Arrays.copyOfRange(ws, 2, ws.length);
        if (kernelAttr != null && !Arrays.equals(kernelAttr, k)) {
            throw new ShapeMismatchException("node '" + label + "' (ConvTranspose): kernel_shape "
                    + Arrays.toString(kernelAttr) + " does not match the weight's spatial shape " + Arrays.toString(k));
        }
        long[] wanted = outputShape == null ? null
                : Arrays.copyOfRange(outputShape, outputShape.length - r, outputShape.length);
        long[] left = new long[r];
        long[] right = new long[r];
        long[] s = new long[r];
        long[] d = new long[r];
        for (int i = 0; i < r; i++) {
            s[i] = at(strides, i, 1);
            d[i] = at(dilations, i, 1);
            long op = at(outputPadding, i, 0);
            long ek = (k[i] - 1) * d[i] + 1;
            long inI = xs[i + 2];
            long pb;
            long pe;
            long target = wanted != null ? wanted[i]
                    : autoPad == WindowGeometry.AutoPad.SAME_UPPER || autoPad == WindowGeometry.AutoPad.SAME_LOWER
                    ? inI * s[i] : -1;
            if (target >= 0) {
                long total = s[i] * (inI - 1) + op + ek - target;
                long half = Math.floorDiv(total, 2);
                if (autoPad == WindowGeometry.AutoPad.SAME_UPPER) {
                    pb = half;
                    pe = total - half;
                } else {
                    pb = total - half;
                    pe = half;
                }
            } else if (autoPad == WindowGeometry.AutoPad.VALID) {
                pb = 0;
                pe = 0;
            } else {
                pb = at(pads, i, 0);
                pe = at(pads, i + r, 0);
            }
            left[i] = ek - 1 - pb;
            // the dilation below leaves s - 1 trailing zeros, so take them off the right padding
            right[i] = ek - 1 - pe + op - (s[i] - 1);
            if (s[i] * (inI - 1) + op + ek - pb - pe < 1) {
                throw new ShapeMismatchException("node '" + label + "' (ConvTranspose): the output of spatial axis "
                        + i + " would be empty");
            }
        }
        // dilate by the stride: (…, L, …) -> (…, L, s, …) with zeros after each cell -> (…, L * s, …)
        NDArray y = x;
        for (int i = 0; i < r; i++) {
            if (s[i] == 1) {
                continue;
            }
            int axis = i + 2;
            long[] shape = y.getShape().getShape().clone();
            NDArray e = y.expandDims(axis + 1);
            long[] p = new long[2 * (shape.length - axis)];
            p[p.length - 1] = s[i] - 1;
            e = e.pad(new Shape(p), 0);
            shape[axis] *= s[i];
            y = e.reshape(new Shape(shape));
        }
        y = Windows.padSpatial(y, left, right, 0);
        // weight (C, M/g, k…) -> (M, C/g, k…), spatially flipped
        long c = ws[0];
        long mPerGroup = ws[1];
        long[] split = new long[ws.length + 1];
        split[0] = group;
        split[1] = c / group;
        split[2] = mPerGroup;
        System.arraycopy(ws, 2, split, 3, r);
        long[] merged = ws.clone();
        merged[0] = mPerGroup * group;
        merged[1] = c / group;
        int[] flip = new int[r];
        for (int i = 0; i < r; i++) {
            flip[i] = i + 2;
        }
        NDArray wt = w.reshape(new Shape(split)).swapAxes(1, 2).reshape(new Shape(merged)).flip(flip);
        long[] ones = new long[r];
        Arrays.fill(ones, 1);
        NDArray out = y.getNDArrayInternal().convolution(y, wt, b, new Shape(ones), new Shape(new long[r]),
                new Shape(d), group).singletonOrThrow();
        return new NDArray[] {out};
    }
}
