package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * Dropout in inference: the identity, {@code y = x}, with the optional mask output all true
 * (all ones of x's type before opset 10). Opsets 7-22 (10: boolean mask; 12: ratio and
 * training_mode become inputs). Training mode with a non-zero ratio is random and is rejected when
 * the training_mode input is true at run time; with ratio 0 training mode is the identity too.
 */
final class Dropout implements Op {
    private final String label;
    private final boolean mask;
    private final boolean boolMask;
    private final boolean trainingInput;

    Dropout(Node node, int opset) {
        label = node.label();
        mask = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
        boolMask = opset >= 10;
        trainingInput = opset >= 12 && node.hasInput(2);
        float ratio = opset < 12 ? node.getFloat("ratio", 0.5f) : 0.5f;
        if (ratio < 0 || ratio >= 1) {
            throw node.error("attribute 'ratio' is " + ratio + "; it must be in [0, 1)");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        if (trainingInput && in[2] != null && in[2].toType(DataType.BOOLEAN, false).getBoolean()) {
            double ratio = in.length > 1 && in[1] != null ? in[1].toType(DataType.FLOAT64, false).getDouble() : 0.5;
            if (ratio != 0) {
                throw new UnsupportedOperatorException("node '" + label + "' (Dropout): training_mode=true with ratio "
                        + ratio + " drops random units; netviz runs models in inference mode (training_mode=false)");
            }
        }
        if (!mask) {
            return new NDArray[] {x};
        }
        NDArray m = boolMask ? ctx.manager().ones(x.getShape(), DataType.BOOLEAN)
                : ctx.manager().ones(x.getShape(), x.getDataType());
        return new NDArray[] {x, m};
    }
}
