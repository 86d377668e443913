package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Max: element-wise maximum of all inputs with NumPy broadcasting (opset 8+; earlier opsets required equal shapes). Opsets 1-22. At ties the gradient is shared equally. */
final class Max extends VariadicOp {
    Max(Node node, int opset) {
    }

    @Override
    NDArray combine(NDArray acc, NDArray x) {
        return acc.maximum(x);
    }
}
