package netviz.engine;

import ai.djl.ndarray.NDArray;

/**
 * The vector-Jacobian product of one operator, used by the rule-based backward pass
 * ({@link Interpreter#backward}). Given the node's inputs, outputs and the gradient of the
 * objective with respect to each output, it returns the gradient with respect to each input
 * (null for inputs that get none). Guided backpropagation replaces the rule of Relu; other
 * methods replace others.
 */
@FunctionalInterface
public interface BackwardRule {

    /** Everything a rule may look at. Arrays belong to the current request; do not close them. */
    record Context(Node node, NDArray[] inputs, NDArray[] outputs, NDArray[] gradOutputs) {
    }

    /** @return one entry per input: its gradient, or null */
    NDArray[] vjp(Context ctx);
}
