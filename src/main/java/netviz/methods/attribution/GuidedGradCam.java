package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import netviz.engine.Interpreter;

/**
 * Guided Grad-CAM (Selvaraju et al., ICCV 2017, section 3.1): guided backpropagation multiplied
 * point-wise by the Grad-CAM map upsampled (bilinearly) to the image, so the fine detail of
 * guided backpropagation is kept only where Grad-CAM localises the class,
 * <pre>  G(c, i, j) = GB(c, i, j) · up(L)(i, j)  </pre>
 * A composition of {@link GuidedBackprop} and {@link GradCam}. Result shape (N, C, H, W).
 */
public final class GuidedGradCam implements Attribution {
    private final GuidedBackprop guided;
    private final GradCam gradCam;

    public GuidedGradCam(Interpreter interpreter, String layer) {
        this.guided = new GuidedBackprop(interpreter);
        this.gradCam = new GradCam(interpreter, layer);
    }

    /** @return guided backprop × upsampled Grad-CAM, shape (N, C, H, W) */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "guided Grad-CAM");
        Attributions cam = gradCam.attribute(inputs, target);
        // the same concrete target for both halves, even for "the predicted class"
        Attributions gb = guided.attribute(inputs, Target.of(cam.target()));
        Attributions up = GradCam.upsample(cam, s[2], s[3]);
        float[] out = gb.values().clone();
        int hw = s[2] * s[3];
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int p = 0; p < hw; p++) {
                    out[(n * s[1] + c) * hw + p] *= up.values()[n * hw + p];
                }
            }
        }
        return BatchArrays.finite(new Attributions(out, gb.shape(), cam.target()), name(), "the product of the two maps");
    }

    @Override
    public String name() {
        return "guided Grad-CAM";
    }
}
