package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import netviz.engine.Interpreter;

/**
 * Grad-CAM++ (Chattopadhay, Sarkar, Howlader and Balasubramanian, "Grad-CAM++: Generalized
 * Gradient-Based Visual Explanations for Deep Convolutional Networks", WACV 2018, eq. 19): like
 * {@link GradCam}, a rectified weighted sum of the feature maps A^k of a convolutional layer, but
 * each position's gradient gets its own weight, so that several instances of a class all count.
 * With the exponential of the class score, Y = exp(S), the higher derivatives of a piecewise
 * linear network are powers of the first, g = ∂S/∂A^k_ij, and the closed form is
 * <pre>  α^kc_ij = g² / (2 g² + Σ_ab A^k_ab · g³)   (0 where the denominator is 0),
 *   w_k = Σ_ij α^kc_ij · ReLU(g_ij),    L = ReLU(Σ_k w_k A^k)  </pre>
 * (the common factor exp(S) of the weights is dropped: it does not change the map's shape; this is
 * also what the authors' and pytorch-grad-cam's code compute). The score S is the class logit,
 * the default layer and the output shape (N, h, w) at the layer's resolution are those of
 * {@link GradCam}; {@link GradCam#upsample} resizes the map to the image.
 */
public final class GradCamPlusPlus implements Attribution {
    private final Interpreter interpreter;
    private final String layer;

    /** Grad-CAM++ on the default layer ({@link GradCam#defaultLayer}). */
    public GradCamPlusPlus(Interpreter interpreter) {
        this(interpreter, null);
    }

    /** Grad-CAM++ on {@code layer} (a tensor name, node name or node index; null for the default). */
    public GradCamPlusPlus(Interpreter interpreter, String layer) {
        this.interpreter = interpreter;
        this.layer = GradCam.checkedLayer(interpreter, layer, "Grad-CAM++");
    }

    /** The layer used: the one given, or the default for this model and input. */
    public String layer(NDArray inputs) {
        return layer != null ? layer : GradCam.defaultLayer(interpreter, inputs);
    }

    /**
     * @return the class activation map at the layer's resolution after the ReLU, shape (N, h, w)
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        return GradCam.weightedMap(interpreter, inputs, target, layer(inputs), name(), (a, g) -> {
            NDArray g2 = g.mul(g);
            NDArray g3 = g2.mul(g);
            NDArray sumA = a.sum(new int[] {2}, true);
            NDArray denominator = g2.mul(2).add(g3.mul(sumA));
            NDArray safe = denominator.eq(0).toType(denominator.getDataType(), false).add(denominator);
            NDArray alpha = g2.div(safe);
            return alpha.mul(g.maximum(0)).sum(new int[] {2}, true);
        });
    }

    @Override
    public String name() {
        return "Grad-CAM++";
    }
}
