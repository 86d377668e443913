package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/**
 * HardSwish: y = x * max(0, min(1, x / 6 + 1/2)), from Howard et al., "Searching for MobileNetV3"
 * (2019). Opsets 14-22.
 */
final class HardSwish implements Op {
    HardSwish(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        return new NDArray[] {in[0].mul(HardSigmoid.of(in[0], 1.0 / 6, 0.5))};
    }
}
