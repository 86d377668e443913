package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Add: y = a + b with multidirectional (NumPy) broadcasting. Opsets 7-22 (earlier: legacy axis broadcast). */
final class Add implements Op {
    Add(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].add(in[1])};
    }
}
