package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Min: element-wise minimum of all inputs with NumPy broadcasting (opset 8+; earlier opsets required equal shapes). Opsets 1-22. At ties the gradient is shared equally. */
final class Min extends VariadicOp {
    Min(Node node, int opset) {
    }

    @Override
    NDArray combine(NDArray acc, NDArray x) {
        return acc.minimum(x);
    }
}
