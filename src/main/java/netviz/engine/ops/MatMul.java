package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * MatMul: the matrix product with NumPy semantics (numpy.matmul): 1-D operands are promoted to
 * matrices and the promoted axis removed afterwards; leading (batch) axes broadcast. Opsets 1-22
 * (9/13 widened types).
 */
final class MatMul implements Op {
    MatMul(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].matMul(in[1])};
    }
}
