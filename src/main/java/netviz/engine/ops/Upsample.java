package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import netviz.engine.Node;

/**
 * Upsample (Resize's predecessor, deprecated at opset 10): output size floor(in · scale) per axis,
 * {@code mode} nearest (the input pixel at floor(x / scale)) or linear, asymmetric coordinates;
 * scales an attribute at opset 7, an input from opset 9. Computed by {@link Resize} at opset 10,
 * which has exactly these semantics. Opsets 7-10.
 */
final class Upsample implements Op {
    private final Resize resize;
    private final float[] scales;

    Upsample(Node node, int opset) {
        String mode = node.getString("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
            throw node.error("attribute 'mode' is '" + mode + "'; it must be nearest or linear");
        }
        resize = new Resize(node, 10, mode.equals("bilinear") ? "linear" : mode);
        scales = opset < 9 ? node.getFloats("scales", null) : null;
        if (opset < 9 && scales == null) {
            throw node.error("attribute 'scales' is missing");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray s = scales != null ? ctx.manager().create(scales, new Shape(scales.length)) : in[1];
        return resize.apply(ctx, new NDArray[] {in[0], s});
    }
}
