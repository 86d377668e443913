package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * AveragePool: the mean of each window, {@code y[n, c, o] = sum_k x_padded[n, c, s * o + d * k]
 * / count}, where count is the number of window cells inside the input (count_include_pad = 0,
 * the default) or inside the input and its explicit or automatic padding (count_include_pad = 1);
 * cells that ceil_mode adds past the padding never count. 1-, 2- and 3-D inputs. Opsets 1-22:
 * 7 added count_include_pad, 10 ceil_mode, 19 dilations. Runs PyTorch's fused average pooling
 * (which always counts its padding) and, for count_include_pad = 0, divides by the pooled fraction
 * of real cells (see DJL-NOTES).
 */
final class AveragePool implements Op {
    private final WindowGeometry geometry;
    private final boolean countIncludePad;

    AveragePool(Node node, int opset) {
        geometry = WindowGeometry.read(node, true, opset >= 19, opset >= 10);
        long cip = opset >= 7 ? node.getInt("count_include_pad", 0) : 0;
        if (cip != 0 && cip != 1) {
            throw node.error("attribute 'count_include_pad' is " + cip + "; accepted: 0, 1");
        }
        countIncludePad = cip == 1;
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        WindowGeometry.Plan p = geometry.plan(Windows.spatialShape(x), null);
        boolean torchCeil = geometry.ceilMode && (geometry.autoPad == WindowGeometry.AutoPad.NOTSET
                || geometry.autoPad == WindowGeometry.AutoPad.VALID);
        return new NDArray[] {Windows.average(x, p, torchCeil, countIncludePad)};
    }
}
