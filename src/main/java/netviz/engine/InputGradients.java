package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import java.util.Map;

/**
 * Gradients of an {@link Objective} with respect to a model's input, whichever runtime computes
 * them: the libtorch {@link Interpreter} (any objective, any tensor, overridable backward rules) or
 * ONNX Runtime running a vector-Jacobian graph ({@code netviz.ort.OrtGradient}: objectives linear in
 * the tensors they read, with respect to the graph input, on graphs whose operators it can
 * differentiate; anything else it hands to the interpreter). Gradient methods that need nothing
 * more than d objective / d input (saliency, SmoothGrad, integrated gradients) take this
 * interface; rule-based methods (guided backprop, deconvnet) take the interpreter itself.
 */
public interface InputGradients {

    /** The graph differentiated (the model as netviz presents it). */
    Graph graph();

    /** The runtime's short name: {@code torch} or {@code ort}. */
    String runtime();

    /** A new manager for one request; close it to free everything the request made. */
    NDManager newScope();

    /** The name of the single graph input; fails when the model has several. */
    String inputName();

    /**
     * d objective / d each tensor of {@code wrt}, with the forward values the objective read
     * (see {@link Interpreter#gradient}). The arrays belong to {@code scope}.
     */
    Gradients gradient(NDManager scope, Map<String, NDArray> inputs, Objective objective, Collection<String> wrt);

    /** The tapped tensors of one forward pass (see {@link Forward#tensors}), in {@code scope}. */
    Values tensors(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps);
}
