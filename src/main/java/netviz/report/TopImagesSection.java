package netviz.report;

import java.util.List;
import java.util.Locale;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.TopImagesFigure;
import netviz.methods.activations.DeadFilters;
import netviz.methods.neurons.TopImages;
import netviz.render.Png;

/**
 * The dataset images that excite a few channels of the last convolution most, with the
 * receptive field of the peak ({@link TopImages}, drawn by {@link TopImagesFigure}; Girshick
 * et al. 2014, Zeiler &amp; Fergus 2014).
 */
final class TopImagesSection implements ReportSection {
    /** Dataset images scanned (the first ones), a subsample that keeps the report quick. */
    static final int SCANNED = 2000;
    /** Channels shown. */
    static final int CHANNELS = 3;

    @Override
    public String id() {
        return "top-images";
    }

    @Override
    public String title() {
        return "Top images and receptive fields";
    }


    @Override
    public void render(ReportContext ctx) {
        if (netviz.methods.params.Filters.convolutions(ctx.graph()).isEmpty()) {
            ctx.paragraph("The model has no convolution, so there are no channels with receptive fields to show.");
            return;
        }
        List<String> convs = DeadFilters.convActivations(ctx.graph());
        String layer = convs.get(convs.size() - 1);
        ctx.paragraph("What does one channel of the last convolution respond to? Scan the dataset, keep the images on "
                + "which the channel's activation peaks highest, and show where: the box is the receptive field of the "
                + "peak position, the part of the image that unit can see (Girshick et al. 2014).");
        int n = ctx.wholeOrFirst(Math.min(ctx.options().limit() > 0 ? Math.min(SCANNED, ctx.options().limit()) : SCANNED,
                ctx.dataset().size()));
        int[] channels = new int[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            channels[c] = c;
        }
        TopImagesFigure.Options o = TopImagesFigure.Options.of(layer).withChannels(channels)
                .withLimit(ctx.scan().isPresent() ? 0 : n);
        FigureResult r = TopImagesFigure.make(ctx.session(), o, Progress.NONE);
        for (int k = 0; k < CHANNELS; k++) {
            Png.write(r.figures().get(k), ctx.file(ReportContext.FIGURES + "/top-c" + k + ".png"));
        }
        NetvizCommand c = ctx.withDataOrScan(ctx.command("top-images")).arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, "top.png", "top.png");
        for (int k = 0; k < CHANNELS; k++) {
            ctx.figure("top-c" + k + ".png", String.format(Locale.ROOT, "Channel %d of %s: the 9 images among the first "
                    + "%,d of %s on which it fires most (ranked by the channel's largest value over positions), each "
                    + "with the receptive-field box of its peak, and the crops enlarged. The command writes one file "
                    + "per channel: this one is top-c%d.png.", k, layer, n, ctx.dataDescription(), k), c);
        }
    }
}
