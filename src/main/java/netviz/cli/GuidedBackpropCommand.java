package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.engine.Graph;
import netviz.methods.attribution.Attribution;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Deconvnet;
import netviz.methods.attribution.GradientSupport;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Target;
import netviz.render.Figure;
import netviz.render.Images;
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
        smooth.options();
        if ((layer == null) != (channel == null)) {
            throw new NetvizException("a neuron needs both --layer L and --channel C");
        }
        if (position != null && layer == null) {
            throw new NetvizException("--position needs --layer and --channel");
        }
        if (position != null && position.length != 2) {
            throw new OutOfRangeException("--position takes y,x (two numbers), not " + position.length + " numbers");
        }
        if (layer != null && attribution.target != null) {
            throw new NetvizException("give either --target (a class) or --layer/--channel (a neuron), not both");
        }
    }

    @Override
    Target ownTarget(Graph graph) {
        if (layer == null) {
            return null;
        }
        graph.resolveTensor(layer);
        return position == null ? Target.neuron(layer, channel) : Target.neuron(layer, channel, position[0], position[1]);
    }

    @Override
    Outcome compute(Context ctx) {
        Attribution method;
        if (rule == Rule.deconvnet) {
            method = new Deconvnet(ctx.interpreter());
        } else {
            GuidedBackprop guided = new GuidedBackprop(ctx.interpreter());
            if (!guided.isReluOnly()) {
                spec.commandLine().getErr().println("netviz: " + guided.ruleSummary());
            }
            method = guided;
        }
        NoiseTunnel.Options o = smooth.options();
        if (o != null) {
            method = new NoiseTunnel(ctx.interpreter(), method, o);
        }
        Attributions a = method.attribute(ctx.inputs(), ctx.target());
        int[][] boxes = layer == null ? null : GradientSupport.boxes(ctx.interpreter(), ctx.inputs(), a.target());
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        int[] display = Panels.size(ctx.h(), ctx.w());
        for (int i = 0; i < ctx.n(); i++) {
            BufferedImage picture = ctx.picture(i);
            List<Figure> panels = new ArrayList<>(List.of(Figure.of(picture),
                    Panels.signed(a.example(i), ctx.c(), ctx.h(), ctx.w(), display)));
            List<String> captions = new ArrayList<>(List.of("input", (o != null ? "SmoothGrad " : "") + method()));
            Map<String, Object> d = detail(ctx, a.target(), i);
            if (boxes != null) {
                int[] b = boxes[i];
                BufferedImage full = ctx.picture(i);
                int f = display[0] / ctx.h();
                BufferedImage crop = full.getSubimage(b[1] * f, b[0] * f, (b[3] - b[1] + 1) * f, (b[2] - b[0] + 1) * f);
                int side = Math.max(crop.getWidth(), crop.getHeight());
                int scale = Math.max(1, display[0] / side);
                panels.add(Figure.of(Images.resize(crop, crop.getWidth() * scale, crop.getHeight() * scale, false)));
                captions.add("region it sees: y " + b[0] + "–" + b[2] + ", x " + b[1] + "–" + b[3]);
                d.put("region", b);
            }
            figures.add(Panels.row(method().substring(0, 1).toUpperCase() + method().substring(1) + " — "
                    + ctx.describe(a.target(), i), panels, captions));
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }
}
