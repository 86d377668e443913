package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * Pow: Z = X ^ Y with NumPy broadcasting. X and Y may have different numeric types (opset 12+);
 * the result has X's type (a float power of an integer base is truncated back to the integer
 * type, as the ONNX reference does).
 */
final class Pow extends BinaryOp {
    Pow(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray compute(OpContext ctx, NDArray a, NDArray b) {
        NDArray z = a.pow(b);
        return z.getDataType() == a.getDataType() ? z : z.toType(a.getDataType(), false);
    }
}
