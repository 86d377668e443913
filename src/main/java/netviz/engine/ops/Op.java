package netviz.engine.ops;

import ai.djl.ndarray.NDArray;

/**
 * One ONNX operator bound to one node: attributes are read and checked when the op is created (at
 * model load time), {@link #apply} computes the outputs. Ops are stateless after construction and
 * may be called from several threads at once. Everything an op builds must come from DJL
 * operations on its inputs (or from {@link OpContext#manager()}) so that autograd can see it.
 */
@FunctionalInterface
public interface Op {
    /**
     * @param inputs the node's inputs in order; an omitted optional input is null
     * @return the node's outputs in order (optional outputs that are not computed may be null)
     */
    NDArray[] apply(OpContext ctx, NDArray[] inputs);
}
