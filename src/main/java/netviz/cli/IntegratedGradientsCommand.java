package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.IntegratedGradients;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz integrated-gradients}: Integrated Gradients (Sundararajan et al. 2017) with the
 * completeness gap printed for every image.
 */
@Command(name = "integrated-gradients", mixinStandardHelpOptions = true,
        description = {"Integrated Gradients (Sundararajan et al. 2017): (x - x') times the gradient of the class score "
                + "averaged along the straight path from the baseline x' to the image x (Riemann sum).",
                "Prints the completeness gap |sum(attributions) - (S(x) - S(x'))|; more --steps make it smaller.",
                "--raw writes the (C,H,W) attributions ((N,C,H,W) for a batch)."})
public final class IntegratedGradientsCommand extends AttributionCommand {
    @Option(names = "--steps", paramLabel = "M", defaultValue = "50",
            description = "Points of the Riemann sum (paper: 20 to 300; at most " + Limits.MAX_STEPS
                    + "; default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--baseline", paramLabel = "B", defaultValue = "zero",
            description = "Path start: zero, blur (Gaussian blur of the image), blur:SIGMA (sigma in pixels), mean (the "
                    + "dataset's mean pixel) or R,G,B (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--riemann", paramLabel = "RULE", defaultValue = "MIDPOINT",
            description = "Riemann rule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    IntegratedGradients.Rule rule;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16",
            description = "Path points per forward/backward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    String method() {
        return "integrated gradients";
    }

    @Override
    void check() {
        Limits.check("--steps", steps, 1, Limits.MAX_STEPS);
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        new IntegratedGradients.Options(steps, null, rule, batch);
    }

    @Override
    Outcome compute(Context ctx) {
        IntegratedGradients.Options o = new IntegratedGradients.Options(steps,
                FillOptions.resolve("--baseline", baseline, ctx.graph(), input, ctx.c()), rule, batch);
        IntegratedGradients.Result r;
        try (TerminalProgress bar = new TerminalProgress(true)) {
            r = new IntegratedGradients(ctx.interpreter(), o, bar).run(ctx.inputs(), ctx.target());
        }
        Attributions a = r.attributions();
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        int[] display = Panels.size(ctx.h(), ctx.w());
        int hw = ctx.h() * ctx.w();
        for (int i = 0; i < ctx.n(); i++) {
            float[] e = a.example(i);
            float[] sum = new float[hw];
            float[] pos = new float[hw];
            for (int c = 0; c < ctx.c(); c++) {
                for (int p = 0; p < hw; p++) {
                    sum[p] += e[c * hw + p];
                }
            }
            for (int p = 0; p < hw; p++) {
                pos[p] = Math.max(0, sum[p]);
            }
            ValueRange sym = ValueRange.symmetric(sum);
            if (sym.width() == 0) {
                sym = new ValueRange(-1, 1);
            }
            BufferedImage picture = ctx.picture(i);
            figures.add(Panels.row("Integrated gradients — " + ctx.describe(a.target(), i),
                    List.of(Figure.of(picture), Panels.heat(sum, ctx.h(), ctx.w(), display, sym, Colormap.DIVERGING, ""),
                            Panels.overlay(picture, pos, ctx.h(), ctx.w(), Panels.zeroToMax(pos), Colormap.MAGMA)),
                    List.of("input", "attribution (sum over channels)", "positive part over the input")));
            Map<String, Object> d = detail(ctx, a.target(), i);
            d.put("score", r.score()[i]);
            d.put("baseline_score", r.baselineScore()[i]);
            d.put("sum_of_attributions", a.sum(i));
            d.put("completeness_gap", r.gap(i));
            d.put("relative_gap", r.relativeGap(i));
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }

}
