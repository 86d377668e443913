package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Erf: y = (2 / sqrt(pi)) * integral from 0 to x of e^(-t^2) dt, the Gauss error function used by GELU exports. Opsets 9-22. */
final class Erf implements Op {
    Erf(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {x.erf()};
    }
}
