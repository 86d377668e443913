package netviz.cli;

import java.util.List;
import netviz.Progress;
import netviz.figures.AttributionFigure;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.FigureResult;
import netviz.methods.attribution.NoiseTunnel;
import netviz.session.Picture;
import netviz.session.Session;
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
        options();
    }

    /** The recipe's options: SMOOTHGRAD with --smooth, else SALIENCY. */
    AttributionFigure.Options options() {
        NoiseTunnel.Options o = smooth.options();
        return AttributionFigure.Options.of(o != null ? Method.SMOOTHGRAD : Method.SALIENCY).withSmooth(o)
                .withTarget(attribution.target);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
