package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * BatchNormalization in inference mode: {@code y = scale * (x - mean) / sqrt(var + epsilon) + B},
 * per channel (axis 1) with the stored running statistics. Opsets 7-22 (7: spatial attribute;
 * 9: spatial removed; 14: training_mode; 15: separate types for the statistics). The per-channel
 * form runs PyTorch's fused batch norm with {@code training = false} (never updating the
 * statistics; differentiable in x, scale and B); opset 7-8's {@code spatial = 0} (statistics per
 * channel and position) is composed. Training mode (training_mode = 1, or the extra outputs
 * mean/var/saved_mean/saved_var that only training computes) is rejected at load time.
 */
final class BatchNormalization implements Op {
    private final float epsilon;
    private final boolean spatial;

    BatchNormalization(Node node, int opset) {
        epsilon = node.getFloat("epsilon", 1e-5f);
        spatial = opset >= 9 || node.getInt("spatial", 1) != 0;
        long training = opset >= 14 ? node.getInt("training_mode", 0) : 0;
        if (training != 0) {
            throw new UnsupportedOperatorException("node '" + node.label()
                    + "' (BatchNormalization): training_mode=1 is not supported; netviz runs models in inference "
                    + "mode (export the model in eval mode)");
        }
        for (int i = 1; i < node.outputs().size(); i++) {
            if (!node.outputs().get(i).isEmpty()) {
                throw new UnsupportedOperatorException("node '" + node.label() + "' (BatchNormalization): output "
                        + (i + 1) + " ('" + node.outputs().get(i) + "') exists only in training mode; netviz runs "
                        + "models in inference mode (export the model in eval mode)");
            }
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        NDArray scale = in[1];
        NDArray bias = in[2];
        NDArray mean = in[3];
        NDArray var = in[4];
        if (spatial) {
            NDArray y = x.getNDArrayInternal().batchNorm(x, mean, var, scale, bias, -1, 0.9f, epsilon, false)
                    .singletonOrThrow();
            return new NDArray[] {y};
        }
        // spatial = 0: statistics of shape (C, D1, …) broadcast over the batch
        Shape s = new Shape(1).addAll(scale.getShape());
        NDArray factor = scale.div(var.add(epsilon).sqrt()).reshape(s);
        NDArray y = x.sub(mean.reshape(s)).mul(factor).add(bias.reshape(s));
        return new NDArray[] {y};
    }
}
