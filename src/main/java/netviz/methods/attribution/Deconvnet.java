package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import netviz.engine.BackwardRule;
import netviz.engine.Interpreter;

/**
 * The deconvnet of Zeiler and Fergus ("Visualizing and Understanding Convolutional Networks",
 * ECCV 2014, section 2.1) written as a gradient with a modified ReLU rule, as Springenberg et al.
 * (2015, figure 1) showed it to be: each ReLU passes back only the positive part of the incoming
 * signal, whatever its input was,
 * <pre>  R_in = (R_out &gt; 0) · R_out  </pre>
 * (max-pooling "switches" are the ordinary gradient of max-pooling; filters are transposed by the
 * ordinary gradient of convolution). Result shape (N, C, H, W).
 */
public final class Deconvnet extends ReluRuleGradient {

    /** The deconvnet ReLU rule. */
    public static final BackwardRule RULE = ctx -> {
        NDArray g = ctx.gradOutputs()[0];
        return new NDArray[] {g.mul(g.gt(0).toType(g.getDataType(), false))};
    };

    public Deconvnet(Interpreter interpreter) {
        super(interpreter, RULE);
    }

    @Override
    public String name() {
        return "deconvnet";
    }
}
