package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import netviz.engine.BackwardRule;
import netviz.engine.Interpreter;

/**
 * Guided backpropagation (Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for
 * Simplicity: The All Convolutional Net", ICLR workshop 2015, section 3.4 and figure 1): the
 * gradient of the target with respect to the image, where each ReLU passes the gradient back only
 * where its input was positive (as the true gradient does) and the incoming gradient is positive
 * (as the deconvnet does):
 * <pre>  R_in = (x &gt; 0) · (R_out &gt; 0) · R_out  </pre>
 * The target is a class score or any neuron ({@link Target#neuron}). Result shape (N, C, H, W).
 * Composes with {@link NoiseTunnel} and, in {@link GuidedGradCam}, with Grad-CAM.
 */
public final class GuidedBackprop extends ReluRuleGradient {

    /** The guided ReLU rule. */
    public static final BackwardRule RULE = ctx -> {
        NDArray g = ctx.gradOutputs()[0];
        NDArray x = ctx.inputs()[0];
        NDArray pass = x.gt(0).logicalAnd(g.gt(0)).toType(g.getDataType(), false);
        return new NDArray[] {g.mul(pass)};
    };

    public GuidedBackprop(Interpreter interpreter) {
        super(interpreter, RULE);
    }

    @Override
    public String name() {
        return "guided backprop";
    }
}
