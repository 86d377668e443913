package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;

/**
 * Conv: N-d cross-correlation {@code y[n, m] = b[m] + sum_{c in group(m), k} w[m, c, k] *
 * x_padded[n, c, s * o + d * k]}, for 1-, 2- and 3-D inputs (N, C, D1, …), with {@code group}
 * channel groups (depthwise when group = C), strides, dilations, explicit (possibly asymmetric)
 * pads or auto_pad SAME_UPPER / SAME_LOWER / VALID, and an optional bias. Opsets 1-22 (the
 * versions differ only in documentation and types). Runs PyTorch's fused convolution; symmetric
 * padding is passed to it, only the asymmetric remainder is padded explicitly.
 */
final class Conv implements Op {
    private final WindowGeometry geometry;
    private final int group;

    Conv(Node node, int opset) {
        geometry = WindowGeometry.read(node, false, true, false);
        long g = node.getInt("group", 1);
        if (g < 1) {
            throw node.error("attribute 'group' is " + g + "; it must be >= 1");
        }
        group = (int) g;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        NDArray w = in[1];
        NDArray b = in.length > 2 ? in[2] : null;
        long[] ws = w.getShape().getShape();
        long[] xs = x.getShape().getShape();
        if (ws.length != xs.length || xs.length < 3) {
            throw new IllegalArgumentException("input shape " + x.getShape() + " and weight shape " + w.getShape()
                    + " must both be (N, C, D1, …) and (M, C/group, k1, …) of the same rank");
        }
        if (ws[1] * group != xs[1] || ws[0] % group != 0) {
            throw new IllegalArgumentException("input has " + xs[1] + " channels but the weight " + w.getShape()
                    + " with group=" + group + " expects " + ws[1] * group
                    + " (and M divisible by group)");
        }
        long[] kernel = new long[ws.length - 2];
        System.arraycopy(ws, 2, kernel, 0, kernel.length);
        geometry.checkKernel(kernel);
        WindowGeometry.Plan p = geometry.plan(Windows.spatialShape(x), kernel);
        int r = p.rank();
        long[] common = new long[r];
        long[] extraBegin = new long[r];
        long[] extraEnd = new long[r];
        for (int i = 0; i < r; i++) {
            common[i] = Math.min(p.begin()[i], p.end()[i]);
            extraBegin[i] = p.begin()[i] - common[i];
            extraEnd[i] = p.end()[i] - common[i];
        }
        NDArray xp = Windows.padSpatial(x, extraBegin, extraEnd, 0);
        NDArray y = xp.getNDArrayInternal().convolution(xp, w, b, new Shape(p.strides()), new Shape(common),
                new Shape(p.dilations()), group).singletonOrThrow();
        return new NDArray[] {y};
    }
}
