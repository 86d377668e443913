package netviz.engine;

import ai.djl.ndarray.NDArray;

/**
 * The result of differentiating an {@link Objective}: its value, the forward values it read, and
 * the gradient with respect to each requested tensor (same shape as that tensor). Arrays belong
 * to the manager passed to the interpreter.
 */
public record Gradients(double objective, Values forward, Values gradients) {
    /** d objective / d {@code tensor}. */
    public NDArray wrt(String tensor) {
        return gradients.get(tensor);
    }
}
