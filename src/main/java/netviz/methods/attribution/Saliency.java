package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import netviz.engine.Gradients;
import netviz.engine.InputGradients;

/**
 * Image-specific class saliency (Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional
 * Networks: Visualising Image Classification Models and Saliency Maps", ICLR workshop 2014,
 * section 3.1): the magnitude of the gradient of the class score with respect to the image,
 * maximised over colour channels,
 * <pre>  M(i, j) = max_c | ∂S / ∂I(c, i, j) |  </pre>
 * One backward pass over the batch gives every image the gradient of its own target.
 * {@link #gradient} returns the signed gradient itself (N, C, H, W), for composition
 * ({@link NoiseTunnel}) and for users who want the sign. The gradient comes from an
 * {@link InputGradients}: ONNX Runtime's vector-Jacobian graph ({@code Session.gradients()}) or the
 * libtorch interpreter.
 */
public final class Saliency implements Attribution {
    private final InputGradients gradients;

    public Saliency(InputGradients gradients) {
        this.gradients = gradients;
    }

    /**
     * @return the saliency map M, shape (N, H, W), for a (N, C, H, W) batch
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "saliency");
        try (NDManager scope = gradients.newScope()) {
            AtomicReference<Selection> used = new AtomicReference<>();
            NDArray g = grad(scope, inputs, target, used);
            // max_c |g| in Java: two libtorch reductions on an array this small cost more than the loop
            float[] gv = BatchArrays.floats(g);
            int plane = s[2] * s[3];
            float[] m = new float[s[0] * plane];
            for (int n = 0; n < s[0]; n++) {
                for (int c = 0; c < s[1]; c++) {
                    int from = (n * s[1] + c) * plane;
                    for (int p = 0; p < plane; p++) {
                        float a = Math.abs(gv[from + p]);
                        // Math.max keeps a NaN, as libtorch's max does, so that the finiteness check sees it
                        m[n * plane + p] = c == 0 ? a : Math.max(m[n * plane + p], a);
                    }
                }
            }
            return BatchArrays.finite(new Attributions(m, new long[] {s[0], s[2], s[3]}, used.get()), "saliency",
                    "the gradient");
        }
    }

    /** The plain gradient ∂S/∂I, shape (N, C, H, W). */
    public Attributions gradient(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "saliency");
        try (NDManager scope = gradients.newScope()) {
            AtomicReference<Selection> used = new AtomicReference<>();
            NDArray g = grad(scope, inputs, target, used);
            return BatchArrays.finite(new Attributions(BatchArrays.floats(g), new long[] {s[0], s[1], s[2], s[3]}, used.get()),
                    "saliency", "the gradient");
        }
    }

    private NDArray grad(NDManager scope, NDArray inputs, Target target, AtomicReference<Selection> used) {
        String in = gradients.inputName();
        Gradients g = gradients.gradient(scope, Map.of(in, inputs),
                target.objective(gradients.graph(), used::set), List.of(in));
        BatchArrays.finiteScore(g.objective(), "saliency", used.get());
        return g.wrt(in);
    }

    /** The signed-gradient variant as an {@link Attribution} (shape (N, C, H, W)). */
    public Attribution signed() {
        Saliency self = this;
        return new Attribution() {
            @Override
            public Attributions attribute(NDArray inputs, Target target) {
                return self.gradient(inputs, target);
            }

            @Override
            public String name() {
                return "gradient";
            }
        };
    }

    @Override
    public String name() {
        return "saliency";
    }
}
