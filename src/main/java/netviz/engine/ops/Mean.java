package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/** Mean: element-wise mean of all inputs with NumPy broadcasting (opset 8+; earlier opsets required equal shapes). Opsets 1-22. */
final class Mean extends VariadicOp {
    Mean(Node node, int opset) {
    }

    @Override
    NDArray combine(NDArray acc, NDArray x) {
        return acc.add(x);
    }

    @Override
    NDArray finish(NDArray acc, int count) {
        return count == 1 ? acc : acc.div(OwnedArrays.scalar(acc, count));
    }
}
