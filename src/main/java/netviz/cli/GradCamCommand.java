package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GuidedGradCam;
import netviz.methods.attribution.Target;
import netviz.render.Colormap;
import netviz.render.Figure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz grad-cam}: Grad-CAM and guided Grad-CAM (Selvaraju et al. 2017).
 */
@Command(name = "grad-cam", mixinStandardHelpOptions = true,
        description = {"Grad-CAM (Selvaraju et al. 2017): the feature maps A_k of a convolutional layer weighted by the "
                + "spatial mean of dS/dA_k, summed and rectified; shown upsampled over the image. With --guided, also "
                + "guided Grad-CAM (guided backpropagation times the upsampled map).",
                "Default layer: the last convolutional feature map (last (N,C,h,w) tensor with h*w > 1 before the "
                        + "classifier).",
                "--raw writes the map at the layer's resolution after the ReLU, before upsampling: (h,w) "
                        + "((N,h,w) for a batch)."})
public final class GradCamCommand extends AttributionCommand {
    @Option(names = {"-l", "--layer"}, paramLabel = "L",
            description = "Convolutional layer (tensor, node name or index; default: the last feature map).")
    String layer;

    @Option(names = "--guided", description = "Also show guided Grad-CAM.")
    boolean guided;

    @Override
    String method() {
        return "grad-cam";
    }

    @Override
    Outcome compute(Context ctx) {
        GradCam cam = new GradCam(ctx.interpreter(), layer);
        String used = cam.layer(ctx.inputs());
        Attributions a = cam.attribute(ctx.inputs(), ctx.target());
        Attributions up = GradCam.upsample(a, ctx.h(), ctx.w());
        if (guided) {
            netviz.methods.attribution.GuidedBackprop rules = new netviz.methods.attribution.GuidedBackprop(ctx.interpreter());
            if (!rules.isReluOnly()) {
                spec.commandLine().getErr().println("netviz: " + rules.ruleSummary());
            }
        }
        Attributions ggc = guided ? new GuidedGradCam(ctx.interpreter(), used).attribute(ctx.inputs(),
                Target.of(a.target())) : null;
        int h = (int) a.shape()[1];
        int w = (int) a.shape()[2];
        int[] display = Panels.size(ctx.h(), ctx.w());
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (int i = 0; i < ctx.n(); i++) {
            float[] map = a.example(i);
            BufferedImage picture = ctx.picture(i);
            List<Figure> panels = new ArrayList<>(List.of(Figure.of(picture),
                    Panels.heat(map, h, w, display, Panels.zeroToMax(map), Colormap.MAGMA, ""),
                    Panels.overlay(picture, up.example(i), ctx.h(), ctx.w(), Panels.zeroToMax(up.example(i)),
                            Colormap.MAGMA)));
            List<String> captions = new ArrayList<>(List.of("input", "Grad-CAM at " + used + " (" + h + "x" + w + ")",
                    "upsampled over the input"));
            if (ggc != null) {
                panels.add(Panels.signed(ggc.example(i), ctx.c(), ctx.h(), ctx.w(), display));
                captions.add("guided Grad-CAM");
            }
            figures.add(Panels.row("Grad-CAM — " + ctx.describe(a.target(), i), panels, captions));
            Map<String, Object> d = detail(ctx, a.target(), i);
            d.put("layer", used);
            d.put("map", h + "x" + w);
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }
}
