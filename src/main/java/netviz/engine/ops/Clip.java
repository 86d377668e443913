package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * Clip: y = min(max(x, lo), hi). Before opset 11 the bounds are the attributes {@code min} and
 * {@code max} (defaults -/+ the largest float); from opset 11 they are optional scalar inputs
 * (absent: unbounded). Implemented with PyTorch's clamp, whose gradient is 1 inside [lo, hi]
 * including the bounds (the ReLU6 of MobileNet v2 is Clip(0, 6)).
 */
final class Clip implements Op {
    private final boolean boundsAreInputs;
    private final double attrMin;
    private final double attrMax;

    Clip(Node node, int opset) {
        boundsAreInputs = opset >= 11;
        attrMin = node.getFloat("min", -Float.MAX_VALUE);
        attrMax = node.getFloat("max", Float.MAX_VALUE);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        DataType t = x.getDataType();
        Number lo;
        Number hi;
        if (boundsAreInputs) {
            lo = OpSupport.has(in, 1) ? bound(in[1], t) : lowest(t);
            hi = OpSupport.has(in, 2) ? bound(in[2], t) : highest(t);
        } else {
            lo = attrMin;
            hi = attrMax;
        }
        return new NDArray[] {x.clip(lo, hi)};
    }

    private static Number bound(NDArray b, DataType t) {
        if (t.isFloating()) {
            return OpSupport.scalarDouble(b);
        }
        long[] v = OpSupport.longs(b);
        if (v.length != 1) {
            throw new IllegalArgumentException("Clip bounds must be scalars, got shape " + b.getShape());
        }
        return v[0];
    }

    private static Number lowest(DataType t) {
        switch (t) {
            case INT8: return (long) Byte.MIN_VALUE;
            case UINT8: return 0L;
            case INT32: return (long) Integer.MIN_VALUE;
            case INT64: return Long.MIN_VALUE;
            default: return Double.NEGATIVE_INFINITY;
        }
    }

    private static Number highest(DataType t) {
        switch (t) {
            case INT8: return (long) Byte.MAX_VALUE;
            case UINT8: return 255L;
            case INT32: return (long) Integer.MAX_VALUE;
            case INT64: return Long.MAX_VALUE;
            default: return Double.POSITIVE_INFINITY;
        }
    }
}
