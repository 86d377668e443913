package netviz.report;

import java.util.ArrayList;
import java.util.List;
import netviz.NetvizException;
import netviz.Progress;
import netviz.figures.AttributionFigure;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.AttributionPanels;
import netviz.figures.FigureResult;
import netviz.figures.OcclusionFigure;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.params.Filters;
import netviz.render.Png;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * One attribution method run on every example image at once through its recipe
 * ({@link AttributionFigure}, {@link OcclusionFigure}; one row of panels per image): which pixels the
 * prediction depends on. The caption's command ({@code netviz <command>} with the recipe options'
 * arguments) writes the same picture. Each factory names the paper.
 */
final class AttributionSection implements ReportSection {
    private final String id;
    private final String title;
    private final String intro;
    private final AttributionFigure.Options attribution;
    private final OcclusionFigure.Options occlusion;
    private final String shows;

    private AttributionSection(String id, String title, String intro, AttributionFigure.Options attribution,
                               OcclusionFigure.Options occlusion, String shows) {
        this.id = id;
        this.title = title;
        this.intro = intro;
        this.attribution = attribution;
        this.occlusion = occlusion;
        this.shows = shows;
    }

    private AttributionSection(String id, String title, String intro, AttributionFigure.Options o, String shows) {
        this(id, title, intro, o, null, shows);
    }

    /** Occlusion sensitivity (Zeiler &amp; Fergus 2014). */
    static AttributionSection occlusion() {
        return new AttributionSection("occlusion", "Occlusion sensitivity",
                "Zeiler & Fergus (2014): slide a grey square over the image and record the probability of the "
                        + "predicted class at each position. Where covering the image makes the probability drop, the "
                        + "model was looking. It needs no gradients, only forward passes.",
                null, OcclusionFigure.Options.defaults().withShow(OcclusionFigure.Show.DROP),
                "the input, the drop of the predicted class's probability when the window hides each region, "
                        + "p(intact) − p(occluded) (window 1/7 of the image side, stride half the window, filled with "
                        + "the dataset's mean pixel; red: hiding the region lowers p, so it mattered; blue: it raises "
                        + "p; white: no change; the scale reaches at least ±0.01, so drops under one percentage point "
                        + "stay pale), and the drop laid over the input");
    }

    /** Gradient saliency (Simonyan et al. 2014). */
    static AttributionSection saliency() {
        return new AttributionSection("saliency", "Saliency maps",
                "Simonyan, Vedaldi & Zisserman (2014): the gradient of the class score with respect to the pixels, "
                        + "M = max over channels of |dS/dI|. Bright pixels are those whose small change moves the "
                        + "score most.",
                AttributionFigure.Options.of(Method.SALIENCY), "the input, the saliency map |dS/dI| of the predicted class and the map over "
                        + "the input");
    }

    /** Guided backpropagation (Springenberg et al. 2015). */
    static AttributionSection guidedBackprop() {
        return new AttributionSection("guided-backprop", "Guided backpropagation",
                "Springenberg et al. (2015): the gradient again, but each ReLU passes it back only where its input "
                        + "was positive and the incoming gradient is positive. The result is much sharper than plain "
                        + "saliency and shows the edges the class score builds on.",
                AttributionFigure.Options.of(Method.GUIDED_BACKPROP), "the input and the guided-backpropagation gradient of the predicted "
                        + "class (grey is zero, light positive, dark negative)");
    }

    /** SmoothGrad (Smilkov et al. 2017) on top of saliency. */
    static AttributionSection smoothGrad() {
        return new AttributionSection("smoothgrad", "SmoothGrad",
                "Smilkov et al. (2017): average the saliency map over 50 copies of the image with Gaussian noise "
                        + "(standard deviation 15% of the input's range). Noise in the gradient averages out; what "
                        + "stays is what the class really depends on.",
                AttributionFigure.Options.of(Method.SMOOTHGRAD).withSmooth(NoiseTunnel.Options.defaults()), "the input, the SmoothGrad saliency (50 noisy copies, noise "
                        + "0.15, seed 0) and the map over the input");
    }

    /** Integrated Gradients (Sundararajan et al. 2017). */
    static AttributionSection integratedGradients() {
        return new AttributionSection("integrated-gradients", "Integrated Gradients",
                "Sundararajan, Taly & Yan (2017): integrate the gradient along the straight path from a baseline "
                        + "(here a black image) to the image and multiply by the difference. The attributions add "
                        + "up to the change of the class score (completeness), so they can be compared in size.",
                AttributionFigure.Options.of(Method.INTEGRATED_GRADIENTS), "the input, the attributions of the predicted class (summed over "
                        + "channels, 50 Riemann midpoints from a zero baseline) and their positive part over the "
                        + "input");
    }

    /** Grad-CAM and guided Grad-CAM (Selvaraju et al. 2017). */
    static AttributionSection gradCam() {
        return new AttributionSection("grad-cam", "Grad-CAM and guided Grad-CAM",
                "Selvaraju et al. (2017): weight the feature maps of the last convolution by the mean gradient of "
                        + "the class score, sum and rectify. The coarse map says where the class evidence is; "
                        + "multiplied with guided backpropagation (guided Grad-CAM) it becomes sharp and "
                        + "class-specific.",
                AttributionFigure.Options.of(Method.GRAD_CAM).withGuided(true), "the input, the Grad-CAM map of the predicted class at the last "
                        + "convolutional feature map, the map upsampled over the input, and guided Grad-CAM");
    }

    /** Grad-CAM++ (Chattopadhay et al. 2018). */
    static AttributionSection gradCamPlusPlus() {
        return new AttributionSection("grad-cam-plus-plus", "Grad-CAM++",
                "Chattopadhay et al. (2018): Grad-CAM with a weight per position instead of the mean gradient, "
                        + "alpha = g² / (2g² + ΣA·g³) on the positive gradient g, so that the evidence of several "
                        + "regions (several objects of the class) all counts, not mostly the strongest.",
                AttributionFigure.Options.of(Method.GRAD_CAM_PLUS_PLUS), "the input, the Grad-CAM++ map of the predicted "
                        + "class at the last convolutional feature map and the map upsampled over the input");
    }

    /** Score-CAM (Wang et al. 2020). */
    static AttributionSection scoreCam() {
        return new AttributionSection("score-cam", "Score-CAM",
                "Wang et al. (2020): no gradients at all. Each feature map of the last convolution, upsampled and "
                        + "scaled to [0, 1], masks the image; its weight is how much the masked image raises the "
                        + "probability of the class over a black (zero) image. Where the gradient vanishes (a "
                        + "saturated or switched-off unit) Grad-CAM's map can be empty; Score-CAM's usually is not.",
                AttributionFigure.Options.of(Method.SCORE_CAM), "the input, the Score-CAM map of the predicted class at "
                        + "the last convolutional feature map (one forward pass per channel, zero baseline) and the "
                        + "map upsampled over the input");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph(intro);
        if (ctx.examples().isEmpty()) {
            ctx.paragraph("No example images (--examples 0 and no --images), so nothing to explain.");
            return;
        }
        if (attribution != null && attribution.method().cam() && Filters.convolutions(ctx.graph()).isEmpty()) {
            ctx.paragraph("The model has no convolution, so it has no feature map for " + title + " to weight.");
            return;
        }
        String file = id + ".png";
        NetvizCommand c = ctx.withExamples(ctx.command(command())).arg(arguments().toArray(String[]::new));
        ctx.withOut(c, file, file);
        Session s = ctx.session();
        List<Picture> pictures = new ArrayList<>();
        // the first page of the contact sheet, which is what the command writes at --out
        for (ReportContext.Example e : ctx.examples().subList(0, Math.min(AttributionPanels.PAGE, ctx.examples().size()))) {
            pictures.add(s.picture(ctx.file(ReportContext.EXAMPLES + "/" + e.file())));
        }
        FigureResult r;
        try {
            r = attribution != null ? AttributionFigure.make(s, pictures, attribution, Progress.NONE)
                    : OcclusionFigure.make(s, pictures, occlusion, Progress.NONE);
        } catch (NetvizException e) {
            throw new NetvizException("the report's step '" + c.display() + "' failed: " + e.getMessage(), e);
        }
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/" + file));
        ctx.figure(file, "One row per example image (" + ctx.examples().size() + ", in file-name order): " + shows
                + ". The title of each row names the class explained; the line under each map gives its actual "
                + "min and max, or says 'empty map (all 0)' or 'near-constant map' when there is nothing to see.", c);
    }

    private String command() {
        return attribution != null ? attribution.command() : occlusion.command();
    }

    private List<String> arguments() {
        return attribution != null ? attribution.arguments() : occlusion.arguments();
    }
}
