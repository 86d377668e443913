package netviz.cli;

import java.util.List;
import netviz.Progress;
import netviz.figures.AttributionFigure;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.FigureResult;
import netviz.session.Picture;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code netviz guided-backprop}: guided backpropagation (Springenberg et al. 2015) or the
 * deconvnet rule (Zeiler and Fergus 2014) for a class score or any neuron. Raw: the (C, H, W)
 * modified gradient ((N, C, H, W) for a batch).
 */
@Command(name = "guided-backprop", mixinStandardHelpOptions = true,
        description = {"Guided backpropagation (Springenberg et al. 2015): the gradient with each ReLU passing it only "
                + "where its input was positive and the incoming gradient is positive; --rule deconvnet passes only "
                + "the positive incoming gradient (Zeiler & Fergus 2014).",
                "Target: a class (--target) or a neuron (--layer L --channel C [--position y,x]; default position: "
                        + "the channel's maximum). For a neuron the figure also shows the image region it sees.",
                "--raw writes the (C,H,W) result ((N,C,H,W) for a batch)."})
public final class GuidedBackpropCommand extends AttributionCommand {
    /** The ReLU backward rule. */
    public enum Rule { guided, deconvnet }

    @Option(names = "--rule", defaultValue = "guided", paramLabel = "RULE",
            description = "guided (default) or deconvnet.")
    Rule rule;

    @Option(names = {"-l", "--layer"}, paramLabel = "L", description = "Explain a neuron of this layer (tensor, node name or index).")
    String layer;

    @Option(names = {"-c", "--channel"}, paramLabel = "C", description = "The neuron's channel (with --layer).")
    Integer channel;

    @Option(names = "--position", paramLabel = "Y,X", split = ",",
            description = "The neuron's position in the layer's map (default: where the channel is largest).")
    int[] position;

    @Mixin
    SmoothGradOptions smooth;

    @Override
    String method() {
        return rule == Rule.deconvnet ? "deconvnet" : "guided backprop";
    }

    @Override
    void check() {
        options();
    }

    @Override
    boolean explainsClass() {
        return layer == null;
    }

    /** The recipe's options: the rule, the class or neuron target, SmoothGrad's noise. */
    AttributionFigure.Options options() {
        return AttributionFigure.Options.of(rule == Rule.deconvnet ? Method.DECONVNET : Method.GUIDED_BACKPROP)
                .withSmooth(smooth.options()).withTarget(attribution.target).withNeuron(layer, channel, position);
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return AttributionFigure.make(s, pictures, options(), progress);
    }
}
