package netviz.cli;

import java.util.List;
import netviz.Progress;
import netviz.figures.AttributionFigure;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.FigureResult;
import netviz.methods.attribution.IntegratedGradients;
import netviz.session.Picture;
import netviz.session.Session;
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
        options();
    }

    /** The recipe's options: steps, baseline, Riemann rule and batch. */
    AttributionFigure.Options options() {
        return AttributionFigure.Options.of(Method.INTEGRATED_GRADIENTS).withTarget(attribution.target)
                .withSteps(steps).withBaseline(baseline).withRiemann(rule).withBatch(batch);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
