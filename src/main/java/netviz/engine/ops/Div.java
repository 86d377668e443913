package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * Div: C = A / B with NumPy broadcasting. For integer types the quotient is truncated toward
 * zero, as ONNX (C semantics) requires, computed through float64 (exact for |values| below 2^53).
 */
final class Div extends BinaryOp {
    Div(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        DataType t = a.getDataType();
        if (t.isFloating() || b.getDataType().isFloating()) {
            return a.div(b);
        }
        NDArray q = a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc();
        return q.toType(t, false);
    }
}
