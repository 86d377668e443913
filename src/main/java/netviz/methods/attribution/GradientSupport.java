package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;

/**
 * The part of the input a neuron can see, measured rather than derived: the bounding box of the
 * input pixels where the gradient of the neuron is non-zero. {@link #boxes} measures it on the
 * actual images with every ReLU passing the gradient unchanged (so only the wiring of convolutions
 * and pooling decides, not which ReLUs were on): the image region shown beside a neuron's
 * visualization in the classic figures (Zeiler and Fergus 2014, figure 2; Springenberg et al.
 * 2015, figure 3). The effective receptive field of
 * {@link netviz.methods.neurons.ReceptiveField#effective} is the same measure with the ordinary
 * gradient on random inputs. Max-pooling still routes the gradient to each window's maximum, so the
 * box can be smaller than the theoretical receptive field.
 */
public final class GradientSupport {
    private static final BackwardRules RELU_PASSES = BackwardRules.none().with("Relu",
            ctx -> new NDArray[] {ctx.gradOutputs()[0].duplicate()});

    private GradientSupport() {
    }

    /**
     * @return per example {y0, x0, y1, x1} (inclusive) of the non-zero gradient of the selected
     *         scalar with every ReLU passing the gradient, or the whole image when the gradient is
     *         zero everywhere
     */
    public static int[][] boxes(Interpreter interpreter, NDArray inputs, Selection selection) {
        int[] s = BatchArrays.nchw(inputs, "receptive field");
        int[][] out = support(interpreter, inputs, selection.objective(), RELU_PASSES);
        for (int n = 0; n < out.length; n++) {
            if (out[n] == null) {
                out[n] = new int[] {0, 0, s[2] - 1, s[3] - 1};
            }
        }
        return out;
    }

    /**
     * The support of the gradient of {@code objective} with respect to the input, per example: the
     * bounding box {y0, x0, y1, x1} (inclusive) of the pixels where the gradient is non-zero in any
     * channel, or null where it is zero everywhere.
     *
     * @param rules backward rules that replace the ordinary gradient of some operators, or null for
     *              the ordinary gradient
     */
    public static int[][] support(Interpreter interpreter, NDArray inputs, Objective objective, BackwardRules rules) {
        int[] s = BatchArrays.nchw(inputs, "receptive field");
        try (NDManager scope = interpreter.newScope()) {
            String in = interpreter.inputName();
            Gradients g = rules == null
                    ? interpreter.gradient(scope, Map.of(in, inputs), objective, List.of(in))
                    : interpreter.backward(scope, Map.of(in, inputs), objective, List.of(in), rules);
            float[] v = BatchArrays.floats(g.wrt(in));
            int[][] out = new int[s[0]][];
            int hw = s[2] * s[3];
            for (int n = 0; n < s[0]; n++) {
                int y0 = Integer.MAX_VALUE;
                int x0 = Integer.MAX_VALUE;
                int y1 = -1;
                int x1 = -1;
                for (int c = 0; c < s[1]; c++) {
                    for (int p = 0; p < hw; p++) {
                        if (v[(n * s[1] + c) * hw + p] != 0) {
                            int y = p / s[3];
                            int x = p % s[3];
                            y0 = Math.min(y0, y);
                            x0 = Math.min(x0, x);
                            y1 = Math.max(y1, y);
                            x1 = Math.max(x1, x);
                        }
                    }
                }
                out[n] = y1 < 0 ? null : new int[] {y0, x0, y1, x1};
            }
            return out;
        }
    }
}
