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
 * {@code netviz grad-cam-plus-plus}: Grad-CAM++ (Chattopadhay et al. 2018), the feature maps A_k
 * weighted by Σ_ij α_ij ReLU(∂S/∂A_k,ij) with α = g² / (2g² + Σ A·g³); drawn like Grad-CAM.
 */
@Command(name = "grad-cam-plus-plus", mixinStandardHelpOptions = true,
        description = {"Grad-CAM++ (Chattopadhay et al. 2018): like Grad-CAM, the feature maps A_k of a convolutional "
                + "layer weighted, summed and rectified, but each position's positive gradient g gets its own weight "
                + "alpha = g^2 / (2 g^2 + sum(A) g^3), so that several instances of the class all count.",
                "Default layer: the last convolutional feature map, as for grad-cam.",
                "--raw writes the map at the layer's resolution after the ReLU, before upsampling: (h,w) "
                        + "((N,h,w) for a batch)."})
public final class GradCamPlusPlusCommand extends AttributionCommand {
    @Option(names = {"-l", "--layer"}, paramLabel = "L",
            description = "Convolutional layer (tensor, node name or index; default: the last feature map).")
    String layer;

    @Override
    String method() {
        return Method.GRAD_CAM_PLUS_PLUS.title();
    }

    @Override
    void check() {
        options();
    }

    /** The recipe's options: the class and the layer. */
    AttributionFigure.Options options() {
        return AttributionFigure.Options.of(Method.GRAD_CAM_PLUS_PLUS).withTarget(attribution.target).withLayer(layer);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
