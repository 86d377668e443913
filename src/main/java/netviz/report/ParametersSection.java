package netviz.report;

import java.util.List;
import netviz.Progress;
import netviz.engine.Node;
import netviz.figures.ActivationsFigure;
import netviz.figures.FiltersFigure;
import netviz.methods.params.Filters;
import netviz.render.Png;

/**
 * The learned filters of the convolutions ({@link Filters}, drawn by {@link FiltersFigure}): the
 * first layer's filters act on pixels and can be read directly; deeper filters act on feature
 * maps, so one input channel of each is shown. Drawn by {@link FiltersFigure}.
 */
final class ParametersSection implements ReportSection {
    /** At most this many convolutions are drawn (spread from first to last). */
    static final int MAX_LAYERS = 4;

    @Override
    public String id() {
        return "parameters";
    }

    @Override
    public String title() {
        return "Parameters: the learned filters";
    }

    @Override
    public void render(ReportContext ctx) {
        List<Node> convs = Filters.convolutions(ctx.graph());
        if (convs.isEmpty()) {
            ctx.paragraph("The model has no convolution, so there are no filters to draw.");
            return;
        }
        ctx.paragraph("A convolution's weights are small images: each filter is slid over its input and responds "
                + "where the input looks like it. First-layer filters see pixels and usually become edge, colour and "
                + "blob detectors; deeper filters combine feature maps and are harder to read (Zeiler & Fergus 2014).");
        for (int i : ActivationsFigure.spread(convs.size(), MAX_LAYERS)) {
            Node conv = convs.get(i);
            Filters.FilterBank bank = Filters.of(ctx.graph(), conv.name().isEmpty() ? Integer.toString(
                    ctx.graph().nodes().indexOf(conv)) : conv.name());
            String layer = bank.layer();
            String file = "filters-" + Report.slug(layer) + ".png";
            FiltersFigure.Options o = FiltersFigure.Options.defaults().withLayer(layer);
            Png.write(FiltersFigure.make(ctx.session(), o, Progress.NONE).figure(),
                    ctx.file(ReportContext.FIGURES + "/" + file));
            NetvizCommand c = ctx.withOut(ctx.command("filters").arg(o.arguments().toArray(String[]::new)), file, file);
            String what = bank.channels() <= 4
                    ? "each tile is one filter" + (bank.channels() == 3 ? " in colour (its RGB weights)" : "")
                    : "each tile is input channel 0 of one filter (" + bank.channels() + " input channels each; "
                    + "--channel C shows another, --filter K all channels of filter K)";
            ctx.figure(file, "The " + bank.filters() + " filters of " + layer + " (" + bank.channels() + " x "
                    + bank.height() + " x " + bank.width() + " weights each): " + what
                    + ", each scaled to its own range.", c);
        }
    }
}
