package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * DynamicQuantizeLinear: quantizes x to uint8 with a scale and zero point computed from its range
 * (which always includes 0): {@code y_scale = (max(0, max x) - min(0, min x)) / 255},
 * {@code y_zero_point = saturate(round(-min / y_scale))}, {@code y = saturate(round(x / y_scale) +
 * y_zero_point)}. Outputs are held as floats (see {@link Quantized}); the scale and zero point are
 * constants for autograd, the rounding passes gradients straight through. The values are computed
 * in float32, as ONNX specifies, whatever the interpreter's precision. Opsets 11-22.
 */
final class DynamicQuantizeLinear implements Op {
    DynamicQuantizeLinear(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = Quantized.toFloat(in[0], ctx.floatType());
        NDArray frozen = x.stopGradient();
        // ONNX computes the scale in float32
        NDArray f32 = frozen.toType(DataType.FLOAT32, false);
        float lo = Math.min(0f, f32.min().getFloat());
        float hi = Math.max(0f, f32.max().getFloat());
        float scale = (hi - lo) / 255f;
        double zp = scale == 0 ? 0 : Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        NDArray s = Quantized.scalar(x, scale);
        NDArray z = Quantized.scalar(x, zp);
        NDArray y;
        if (scale == 0) {
            y = x.mul(Quantized.scalar(x, 0));
        } else {
            // the value as ONNX computes it (float32), the gradient of x / scale
            NDArray s32 = Quantized.scalar(f32, scale);
            NDArray exact = f32.div(s32).round().add(Quantized.scalar(f32, zp)).clip(0, 255).toType(x.getDataType(), false);
            NDArray v = x.div(s).add(z);
            y = v.add(exact.sub(v).stopGradient());
        }
        return new NDArray[] {y, s, z};
    }
}
