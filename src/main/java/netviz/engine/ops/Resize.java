package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Resize: samples X at the coordinates that {@code coordinate_transformation_mode} maps each
 * output position to ({@code half_pixel} (default), {@code half_pixel_symmetric},
 * {@code pytorch_half_pixel}, {@code align_corners}, {@code asymmetric},
 * {@code tf_half_pixel_for_nn}, {@code tf_crop_and_resize} with roi and
 * {@code extrapolation_value}), with {@code mode} nearest ({@code nearest_mode}
 * round_prefer_floor, round_prefer_ceil, floor, ceil), linear or cubic ({@code cubic_coeff_a},
 * {@code exclude_outside}); output size from {@code scales} (floor(in * scale)) or {@code sizes},
 * over all axes or the {@code axes} attribute (18+), with {@code keep_aspect_ratio_policy} (18+).
 * Every mode is separable and linear in X: along each resized axis the interpolation is a
 * (out × in) matrix, computed in Java as the ONNX reference does (neighbours clamped to the edge),
 * and applied as a matrix product, so autograd sees it and it is differentiable in X.
 * Opset 10 (inputs X and scales, asymmetric coordinates; nearest rounds down as Upsample) and
 * 11-22; antialias=1 is refused.
 */
final class Resize implements Op {
    private final int opset;
    private final String mode;
    private final String coord;
    private final String nearestMode;
    private final double cubicA;
    private final boolean excludeOutside;
    private final double extrapolation;
    private final long[] axes;
    private final String policy;

    Resize(Node node, int opset) {
        this(node, opset, node.getString("mode", "nearest"));
    }

    /** With the mode given (Upsample spells linear "bilinear" at opset 7). */
    Resize(Node node, int opset, String mode) {
        this.opset = opset;
        this.mode = mode;
        if (!List.of("nearest", "linear", "cubic").contains(mode) || (opset < 11 && mode.equals("cubic"))) {
            throw node.error("attribute 'mode' is '" + mode + "'; it must be nearest, linear" + (opset >= 11 ? " or cubic" : ""));
        }
        coord = opset < 11 ? "asymmetric" : node.getString("coordinate_transformation_mode", "half_pixel");
        List<String> coords = List.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                "tf_half_pixel_for_nn", "tf_crop_and_resize", "half_pixel_symmetric");
        if (!coords.contains(coord)) {
            throw node.error("attribute 'coordinate_transformation_mode' is '" + coord + "'; supported: " + coords);
        }
        nearestMode = opset < 11 ? "floor" : node.getString("nearest_mode", "round_prefer_floor");
        if (!List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil").contains(nearestMode)) {
            throw node.error("attribute 'nearest_mode' is '" + nearestMode + "'");
        }
        cubicA = node.getFloat("cubic_coeff_a", -0.75f);
        excludeOutside = node.getInt("exclude_outside", 0) == 1;
        extrapolation = node.getFloat("extrapolation_value", 0f);
        if (node.getInt("antialias", 0) != 0) {
            throw new UnsupportedOperatorException("node '" + node.label() + "' (Resize): antialias=1 is not supported");
        }
        axes = node.getInts("axes", null);
        policy = node.getString("keep_aspect_ratio_policy", "stretch");
        if (!List.of("stretch", "not_larger", "not_smaller").contains(policy)) {
            throw node.error("attribute 'keep_aspect_ratio_policy' is '" + policy + "'");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] xs = OpSupport.dims(x);
        int r = xs.length;
        NDArray roiIn = opset >= 11 && OpSupport.has(in, 1) ? in[1] : null;
        NDArray scalesIn = opset >= 11 ? (OpSupport.has(in, 2) ? in[2] : null) : in[1];
        NDArray sizesIn = opset >= 11 && OpSupport.has(in, 3) ? in[3] : null;
        if (scalesIn != null && scalesIn.getShape().size() == 0) {
            scalesIn = null;
        }
        if (sizesIn != null && sizesIn.getShape().size() == 0) {
            sizesIn = null;
        }
        if ((scalesIn == null) == (sizesIn == null)) {
            throw new IllegalArgumentException("Resize needs exactly one of scales and sizes");
        }
        int[] ax = axes == null ? null : OpSupport.axes(axes, r);
        int n = ax == null ? r : ax.length;
        if (ax == null) {
            ax = new int[r];
            for (int i = 0; i < r; i++) {
                ax[i] = i;
            }
        }
        double[] scale = new double[r];
        long[] out = xs.clone();
        Arrays.fill(scale, 1);
        if (scalesIn != null) {
            double[] s = doubles(scalesIn);
            if (s.length != n) {
                throw new IllegalArgumentException("scales has " + s.length + " values for " + n + " axes");
            }
            for (int i = 0; i < n; i++) {
                scale[ax[i]] = s[i];
                out[ax[i]] = (long) Math.floor(xs[ax[i]] * s[i]);
            }
        } else {
            long[] s = OpSupport.longs(sizesIn);
            if (s.length != n) {
                throw new IllegalArgumentException("sizes has " + s.length + " values for " + n + " axes");
            }
            if (policy.equals("stretch")) {
                for (int i = 0; i < n; i++) {
                    out[ax[i]] = s[i];
                    scale[ax[i]] = (double) s[i] / xs[ax[i]];
                }
            } else {
                double k = policy.equals("not_larger") ? Double.POSITIVE_INFINITY : 0;
                for (int i = 0; i < n; i++) {
                    double q = (double) s[i] / xs[ax[i]];
                    k = policy.equals("not_larger") ? Math.min(k, q) : Math.max(k, q);
                }
                for (int i = 0; i < n; i++) {
                    scale[ax[i]] = k;
                    out[ax[i]] = (long) Math.floor(k * xs[ax[i]] + 0.5);
                }
            }
        }
        double[] roi = null;
        if (coord.equals("tf_crop_and_resize")) {
            if (roiIn == null) {
                throw new IllegalArgumentException("coordinate_transformation_mode tf_crop_and_resize needs the roi input");
            }
            double[] given = doubles(roiIn);
            roi = new double[2 * r];
            for (int i = 0; i < r; i++) {
                roi[i] = 0;
                roi[r + i] = 1;
            }
            if (given.length != 2 * n) {
                throw new IllegalArgumentException("roi has " + given.length + " values for " + n + " axes");
            }
            for (int i = 0; i < n; i++) {
                roi[ax[i]] = given[i];
                roi[r + ax[i]] = given[n + i];
            }
        }
        NDArray y = x.getDataType().isFloating() ? x : x.toType(ctx.floatType(), false);
        NDArray outside = null;
        for (int a = 0; a < r; a++) {
            if (out[a] == xs[a] && scale[a] == 1 && roi == null) {
                continue;
            }
            boolean[] extra = new boolean[(int) out[a]];
            double[] w = matrix(xs[a], out[a], scale[a], roi == null ? 0 : roi[a], roi == null ? 1 : roi[r + a], extra);
            NDArray m = OwnedArrays.copyOf(ctx.manager().create(w, new Shape(out[a], xs[a])));
            if (m.getDataType() != y.getDataType()) {
                m = m.toType(y.getDataType(), false);
            }
            // move axis a last, multiply by m^T, move it back
            NDArray moved = y.swapAxes(a, r - 1);
            NDArray prod = moved.matMul(m.transpose());
            y = prod.swapAxes(a, r - 1);
            boolean any = false;
            for (boolean e : extra) {
                any |= e;
            }
            if (any) {
                long[] ms = new long[r];
                Arrays.fill(ms, 1);
                ms[a] = out[a];
                NDArray mask = OwnedArrays.copyOf(ctx.manager().create(extra, new Shape(ms)));
                outside = outside == null ? mask : outside.logicalOr(mask);
            }
        }
        if (outside != null) {
            NDArray fill = OwnedArrays.scalar(y, extrapolation).broadcast(y.getShape());
            y = NDArrays.where(outside.broadcast(y.getShape()), fill, y);
        }
        if (!x.getDataType().isFloating()) {
            y = y.round().toType(x.getDataType(), false);
        }
        return new NDArray[] {y};
    }

    private static double[] doubles(NDArray a) {
        try (NDArray c = a.toType(DataType.FLOAT64, true)) {
            return c.toDoubleArray();
        }
    }

    /** The (out × in) interpolation matrix of one axis; sets extra[o] where tf_crop_and_resize extrapolates. */
    double[] matrix(long inLen, long outLen, double scale, double roiStart, double roiEnd, boolean[] extra) {
        double[] w = new double[(int) (outLen * inLen)];
        for (int o = 0; o < outLen; o++) {
            double xo = original(o, inLen, outLen, scale, roiStart, roiEnd);
            if (coord.equals("tf_crop_and_resize") && (xo < 0 || xo > inLen - 1)) {
                extra[o] = true;
                continue;
            }
            double base = Math.floor(xo);
            double ratio = xo - base;
            if (ratio == 0) {
                ratio = 1;
            }
            double[] coeffs = coeffs(ratio);
            int k = coeffs.length;
            long[] idx = neighbours(xo, k);
            if (excludeOutside) {
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    if (idx[j] < 0 || idx[j] >= inLen) {
                        coeffs[j] = 0;
                    }
                    sum += coeffs[j];
                }
                for (int j = 0; j < k; j++) {
                    coeffs[j] /= sum;
                }
            }
            for (int j = 0; j < k; j++) {
                long i = Math.max(0, Math.min(inLen - 1, idx[j]));
                w[(int) (o * inLen + i)] += coeffs[j];
            }
        }
        return w;
    }

    /** The k integers nearest to x (ties to the smaller), in increasing order, as the ONNX reference picks them. */
    private static long[] neighbours(double x, int k) {
        long c = (long) Math.floor(x);
        long lo = c - k;
        long[] cand = new long[2 * k + 2];
        for (int i = 0; i < cand.length; i++) {
            cand[i] = lo + i;
        }
        Long[] boxed = Arrays.stream(cand).boxed().toArray(Long[]::new);
        Arrays.sort(boxed, (p, q) -> {
            int d = Double.compare(Math.abs(x - p), Math.abs(x - q));
            return d != 0 ? d : Long.compare(p, q);
        });
        long[] idx = new long[k];
        for (int i = 0; i < k; i++) {
            idx[i] = boxed[i];
        }
        Arrays.sort(idx);
        return idx;
    }

    private double[] coeffs(double ratio) {
        switch (mode) {
            case "linear":
                return new double[] {1 - ratio, ratio};
            case "cubic": {
                double a = cubicA;
                double r1 = ratio + 1;
                double q = 1 - ratio;
                double q1 = q + 1;
                return new double[] {
                    ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
                    ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
                    ((a + 2) * q - (a + 3)) * q * q + 1,
                    ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a};
            }
            default: {
                if (ratio == Math.rint(ratio)) {
                    return new double[] {0, 1};
                }
                switch (nearestMode) {
                    case "round_prefer_ceil": return new double[] {ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0};
                    case "floor": return new double[] {1, 0};
                    case "ceil": return new double[] {0, 1};
                    default: return new double[] {ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0};
                }
            }
        }
    }

    private double original(long o, long inLen, long outLen, double scale, double roiStart, double roiEnd) {
        double outF = scale * inLen;
        switch (coord) {
            case "half_pixel":
                return (o + 0.5) / scale - 0.5;
            case "half_pixel_symmetric": {
                double adjustment = outLen / (scale * inLen);
                double center = inLen / 2.0;
                double offset = center * (1 - adjustment);
                return offset + (o + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel":
                return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "align_corners":
                // the ONNX reference divides by scale * inLen, not by the rounded output length
                return outF == 1 ? 0 : o * (inLen - 1.0) / (outF - 1.0);
            case "tf_half_pixel_for_nn":
                return (o + 0.5) / scale;
            case "tf_crop_and_resize":
                return outF > 1 ? roiStart * (inLen - 1) + o * (roiEnd - roiStart) * (inLen - 1) / (outF - 1)
                        : 0.5 * (roiStart + roiEnd) * (inLen - 1);
            default:
                return o / scale;
        }
    }
}
