package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Log: y = ln(x) (natural logarithm; -inf at 0, NaN below). Opsets 1-22. */
final class Log implements Op {
    Log(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.log()};
    }
}
