package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.methods.attribution.Attribution;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Saliency;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code netviz saliency}: the image-specific class saliency map of Simonyan et al. (2014),
 * M(i,j) = max_c |∂S/∂I(c,i,j)|, optionally smoothed (SmoothGrad). Raw: M, shape (H, W)
 * ((N, H, W) for a batch).
 */
@Command(name = "saliency", mixinStandardHelpOptions = true,
        description = {"Saliency map (Simonyan et al. 2014): M(i,j) = max over channels of |dS/dI(c,i,j)|, S the "
                + "unnormalised class score.",
                "Writes the input, the map and the map over the input (--out); --raw writes M, shape (H,W) "
                        + "((N,H,W) for a batch)."})
public final class SaliencyCommand extends AttributionCommand {
    @Mixin
    SmoothGradOptions smooth;

    @Override
    String method() {
        return "saliency";
    }

    @Override
    void check() {
        smooth.options();
    }

    @Override
    Outcome compute(Context ctx) {
        Attribution method = new Saliency(ctx.interpreter());
        NoiseTunnel.Options o = smooth.options();
        if (o != null) {
            method = new NoiseTunnel(ctx.interpreter(), method, o);
        }
        Attributions a = method.attribute(ctx.inputs(), ctx.target());
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        int[] display = Panels.size(ctx.h(), ctx.w());
        for (int i = 0; i < ctx.n(); i++) {
            float[] m = a.example(i);
            ValueRange range = Panels.zeroToMax(m);
            BufferedImage picture = ctx.picture(i);
            String what = ctx.describe(a.target(), i);
            figures.add(Panels.row((o != null ? "SmoothGrad saliency" : "Saliency") + " — " + what,
                    List.of(Figure.of(picture), Panels.heat(m, ctx.h(), ctx.w(), display, range, Colormap.MAGMA, ""),
                            Panels.overlay(picture, m, ctx.h(), ctx.w(), range, Colormap.MAGMA)),
                    List.of("input", "max_c |dS/dI|", "over the input")));
            Map<String, Object> d = detail(ctx, a.target(), i);
            d.put("max", (double) range.hi());
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }
}
