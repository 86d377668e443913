package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * LogSoftmax: {@code y = x - max - log(sum exp(x - max))}, with the same axis rules as
 * {@link Softmax} (2-D coercion before opset 13). Opsets 1-22.
 */
final class LogSoftmax extends Softmax {
    LogSoftmax(Node node, int opset) {
        super(node, opset);
    }

    @Override
    NDArray along(NDArray x, int axis) {
        return x.logSoftmax(axis);
    }
}
