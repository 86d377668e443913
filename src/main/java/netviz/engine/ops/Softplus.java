package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Softplus: y = ln(1 + e^x), computed stably as max(x, 0) + ln(1 + e^-|x|). Opsets 1-22. */
final class Softplus implements Op {
    Softplus(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.getNDArrayInternal().relu().add(x.abs().neg().exp().add(1).log())};
    }
}
