package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
        // DJL's where does not broadcast the condition: bring all three to the common shape first
        Shape s = new Shape(OpSupport.broadcast(OpSupport.broadcast(OpSupport.dims(c), OpSupport.dims(in[1])),
                OpSupport.dims(in[2])));
        return new NDArray[] {NDArrays.where(fit(c, s), fit(in[1], s), fit(in[2], s))};
    }

    private static NDArray fit(NDArray a, Shape s) {
        return a.getShape().equals(s) ? a : a.broadcast(s);
    }
}
