package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Sum: element-wise sum of all inputs with NumPy broadcasting (opset 8+; earlier opsets required equal shapes, which this also accepts). Opsets 1-22. */
final class Sum extends VariadicOp {
    Sum(Node node, int opset) {
    }

    @Override
    NDArray combine(NDArray acc, NDArray x) {
        return acc.add(x);
    }
}
