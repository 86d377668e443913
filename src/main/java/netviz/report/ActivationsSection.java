package netviz.report;

import java.util.ArrayList;
import java.util.List;
import netviz.Progress;
import netviz.figures.ActivationsFigure;
import netviz.methods.activations.ActivationMaps;
import netviz.methods.activations.DeadFilters;
import netviz.render.Png;

/**
 * Activation maps of early and late layers for a few example images ({@link ActivationMaps},
 * drawn by {@link ActivationsFigure}): the classic comparison in which early layers still look
 * like the image and later layers are coarser and more abstract.
 */
final class ActivationsSection implements ReportSection {
    /** Example images shown. */
    static final int IMAGES = 3;
    /** Layers compared (spread from the first convolution to the last). */
    static final int LAYERS = 4;

    @Override
    public String id() {
        return "activations";
    }

    @Override
    public String title() {
        return "Activations: early versus late layers";
    }

    @Override
    public void render(ReportContext ctx) {
        if (netviz.methods.params.Filters.convolutions(ctx.graph()).isEmpty()) {
            ctx.paragraph("The model has no convolution, so there are no feature maps to show.");
            return;
        }
        List<String> all = DeadFilters.convActivations(ctx.graph());
        List<String> layers = new ArrayList<>();
        for (int i : ActivationsFigure.spread(all.size(), LAYERS)) {
            layers.add(all.get(i));
        }
        ctx.paragraph("What each convolution computes for one image: its first 16 feature maps after the "
                + "nonlinearity, one colour scale per layer. Early maps keep the image's layout and respond to "
                + "edges and contrast; later maps are smaller, sparser and respond to parts of the object.");
        List<ReportContext.Example> ex = ctx.examples();
        for (int i = 0; i < Math.min(IMAGES, ex.size()); i++) {
            ReportContext.Example e = ex.get(i);
            String file = "activations-" + Report.slug(e.file().replaceAll("\\.[^.]*$", "")) + ".png";
            String image = ReportContext.EXAMPLES + "/" + e.file();
            ActivationsFigure.Options o = ActivationsFigure.Options.defaults().withLayers(layers);
            Png.write(ActivationsFigure.make(ctx.session(), ctx.session().picture(ctx.file(image)), o, Progress.NONE)
                    .figure(), ctx.file(ReportContext.FIGURES + "/" + file));
            NetvizCommand c = ctx.withReportPath(ctx.command("activations"), "--image", image)
                    .arg(o.arguments().toArray(String[]::new));
            ctx.withOut(c, file, file);
            ctx.figure(file, "Activations of " + String.join(", ", layers) + " for " + e.file()
                    + (e.label() != null ? " (" + e.label() + ")" : "") + ": the input, then the first 16 maps of each "
                    + "layer, labelled with their channel.", c);
        }
    }
}
