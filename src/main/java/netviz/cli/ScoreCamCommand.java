package netviz.cli;

import java.util.List;
import netviz.Progress;
import netviz.figures.AttributionFigure;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.FigureResult;
import netviz.session.Picture;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz score-cam}: Score-CAM (Wang et al. 2020), a class activation map weighted by forward
 * passes instead of gradients; drawn like Grad-CAM.
 */
@Command(name = "score-cam", mixinStandardHelpOptions = true,
        description = {"Score-CAM (Wang et al. 2020): each feature map A_k of a convolutional layer, upsampled and "
                + "scaled to [0,1], masks the image; its weight is how much the masked image raises the class's "
                + "softmax probability over the baseline's. The maps are weighted, summed and rectified. Forward "
                + "passes only (one per channel), so the map does not vanish where the gradient does.",
                "Default layer: the last convolutional feature map, as for grad-cam.",
                "--raw writes the map at the layer's resolution after the ReLU, before upsampling: (h,w) "
                        + "((N,h,w) for a batch)."})
public final class ScoreCamCommand extends AttributionCommand {
    @Option(names = {"-l", "--layer"}, paramLabel = "L",
            description = "Convolutional layer (tensor, node name or index; default: the last feature map).")
    String layer;

    @Option(names = "--baseline", paramLabel = "B", defaultValue = "zero",
            description = "What a zero mask leaves: zero (the paper's masking, image times mask), blur (Gaussian blur "
                    + "of the image), blur:SIGMA (sigma in pixels), mean (the dataset's mean pixel) or R,G,B "
                    + "(default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "" + AttributionFigure.SCORE_CAM_BATCH,
            description = "Masked images per forward pass (default: ${DEFAULT-VALUE}; the map does not depend on it).")
    int batch;

    @Override
    String method() {
        return Method.SCORE_CAM.title();
    }

    @Override
    void check() {
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        options();
    }

    /** The recipe's options: the class, the layer, the baseline and the batch. */
    AttributionFigure.Options options() {
        return AttributionFigure.Options.of(Method.SCORE_CAM).withTarget(attribution.target).withLayer(layer)
                .withBaseline(baseline).withBatch(batch);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
