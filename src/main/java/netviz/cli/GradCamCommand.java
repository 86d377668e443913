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
    void check() {
        options();
    }

    /** The recipe's options: the layer and whether guided Grad-CAM is drawn too. */
    AttributionFigure.Options options() {
        return AttributionFigure.Options.of(Method.GRAD_CAM).withTarget(attribution.target).withLayer(layer)
                .withGuided(guided);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
