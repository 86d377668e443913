package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;

/**
 * An attribution method (after Captum's {@code Attribution}): one verb, {@link #attribute}, which
 * explains a {@link Target} for a batch of inputs of shape (N, C, H, W) in the model's input
 * space. Each implementation states the shape of what it returns; the first axis is always the
 * batch. Methods compute only; they never draw (see {@code netviz.render}).
 */
public interface Attribution {

    /**
     * @param inputs a (N, C, H, W) batch, in any manager (it is not modified or closed)
     * @param target what to explain, resolved per example
     * @return the raw attributions, batch first; see the implementing class for the other axes
     */
    Attributions attribute(NDArray inputs, Target target);

    /** A short name, e.g. "saliency", "guided backprop". */
    String name();
}
