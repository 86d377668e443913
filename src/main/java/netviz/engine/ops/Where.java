package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * Where: output = condition ? X : Y element-wise, the three inputs broadcast together (NumPy
 * rules). Differentiable in X and Y. Opsets 9-22.
 */
final class Where implements Op {
    Where(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray c = in[0].getDataType() == DataType.BOOLEAN ? in[0] : in[0].toType(DataType.BOOLEAN, false);
        return new NDArray[] {NDArrays.where(c, in[1], in[2])};
    }
}
