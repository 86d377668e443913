package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * A forward pass of one model, whichever runtime computes it: the libtorch {@link Interpreter}
 * (which also differentiates) or ONNX Runtime (forward only). Forward-only methods (classification
 * and evaluation, activations, dead-filter statistics, top-image scans, feature extraction,
 * occlusion) take a {@code Forward} and never ask which runtime runs; gradients run on the
 * {@link Interpreter}, input gradients of linear objectives also on ONNX Runtime (see
 * {@link InputGradients}). Both runtimes take the same preprocessed input and return the same tensors
 * (graph outputs plus the tapped intermediate tensors) as arrays of the caller's scope.
 */
public interface Forward extends AutoCloseable {

    /** The graph this forward runs (the model as netviz presents it). */
    Graph graph();

    /** The runtime's short name as {@code --runtime} accepts it: {@code torch} or {@code ort}. */
    String runtime();

    /** A new manager for one request; close it (try-with-resources) to free everything the request made. */
    NDManager newScope();

    /** The name of the single graph input; fails when the model has several. */
    default String inputName() {
        Graph graph = graph();
        if (graph.inputs().size() != 1) {
            throw new netviz.ShapeMismatchException("the model has " + graph.inputs().size() + " inputs ("
                    + ValueInfo.names(graph.inputs()) + "); netviz explains models with one image input "
                    + "(netviz forward and info run any model)");
        }
        return graph.inputs().get(0).name();
    }

    /** The first graph output's name. */
    default String outputName() {
        return graph().outputs().get(0).name();
    }

    /**
     * Runs the model and returns the graph outputs and the tapped tensors: tensor names, node
     * names or node indices (see {@link Graph#resolveTensor}); a tap is returned under its tensor
     * name and under the name it was asked by. Any batch size is accepted (a model with a fixed
     * batch runs in passes). The arrays belong to {@code scope}.
     */
    Values forward(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps);

    /**
     * Runs the model and returns only the tapped tensors (named as in {@link #forward}); the graph
     * outputs are computed only when a tap names them.
     */
    Values tensors(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps);

    /**
     * {@link #tensors(NDManager, Map, Collection)} on one float32 input given as Java data (row-major,
     * {@code shape}), for methods that build their batches in Java (occlusion): a runtime that reads
     * Java memory takes it without a libtorch array in between. The caller keeps {@code data} unchanged
     * until the call returns.
     */
    default Values tensors(NDManager scope, String input, float[] data, long[] shape, Collection<String> taps) {
        NDArray x = scope.create(data, new ai.djl.ndarray.types.Shape(shape));
        return tensors(scope, Map.of(input, x), taps);
    }

    /** {@link #forward(NDManager, Map, Collection)} on the single input. */
    default Values forward(NDManager scope, NDArray input, String... taps) {
        return forward(scope, Map.of(inputName(), input), Arrays.asList(taps));
    }

    /** The batch size the model's input fixes, or 0 when it is free (see {@link Interpreter#fixedBatch}). */
    int fixedBatch();

    @Override
    void close();
}
