package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * MaxPool: {@code y[n, c, o] = max_k x_padded[n, c, s * o + d * k]} with the input padded by
 * -inf (the type's minimum for integers), for 1-, 2- and 3-D inputs. Supports kernel_shape,
 * strides, explicit (possibly asymmetric) pads, auto_pad, ceil_mode (windows that would start in
 * the right padding are dropped), dilations, and the optional Indices output (flat indices into
 * the unpadded input, row-major for storage_order 0, column-major over the spatial axes for 1).
 * Opsets 1-22: 8 added storage_order and Indices, 10 ceil_mode and dilations, 12 int8/uint8.
 * The common case runs PyTorch's fused max pooling with its own padding; dilated windows and
 * Indices are composed from strided slices.
 */
final class MaxPool implements Op {
    private final WindowGeometry geometry;
    private final boolean indices;
    private final boolean columnMajor;

    MaxPool(Node node, int opset) {
        geometry = WindowGeometry.read(node, true, opset >= 10, opset >= 10);
        long order = opset >= 8 ? node.getInt("storage_order", 0) : 0;
        if (order != 0 && order != 1) {
            throw node.error("attribute 'storage_order' is " + order + "; accepted: 0 (row-major), 1 (column-major)");
        }
        columnMajor = order == 1;
        indices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
        if (indices && opset < 8) {
            throw node.error("MaxPool has an Indices output only from opset 8");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        WindowGeometry.Plan p = geometry.plan(Windows.spatialShape(x), null);
        if (indices) {
            return Windows.maxWithIndices(x, p, columnMajor);
        }
        boolean torchCeil = geometry.ceilMode && (geometry.autoPad == WindowGeometry.AutoPad.NOTSET
                || geometry.autoPad == WindowGeometry.AutoPad.VALID);
        return new NDArray[] {Windows.max(x, p, torchCeil)};
    }
}
