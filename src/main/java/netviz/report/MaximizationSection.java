package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.MaximizeFigure;
import netviz.methods.neurons.ActivationMaximization;
import netviz.render.Png;

/**
 * Class images synthesised by activation maximisation ({@link ActivationMaximization}, drawn by
 * {@link MaximizeFigure}; Simonyan et al. 2014, with the regularisers of Yosinski et al. 2015).
 */
final class MaximizationSection implements ReportSection {
    /** At most this many classes are synthesised. */
    static final int CLASSES = 10;

    @Override
    public String id() {
        return "maximize";
    }

    @Override
    public String title() {
        return "Activation maximisation";
    }


    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Instead of searching the dataset, synthesise the input that makes a class score as large as "
                + "possible: start from the mean image and follow the gradient of the class logit with respect to the "
                + "pixels (Simonyan et al. 2014), with L2 decay, blur and small-value clipping to keep the image "
                + "natural (Yosinski et al. 2015).");
        int classes = ctx.labels() != null ? Math.min(CLASSES, ctx.labels().size()) : CLASSES;
        List<String> targets = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            targets.add(Integer.toString(k));
        }
        MaximizeFigure.Options o = MaximizeFigure.Options.ofClasses(targets).withIterations(100);
        FigureResult r = MaximizeFigure.make(ctx.session(), o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/maximize.png"));
        NetvizCommand c = ctx.command("maximize").arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, "maximize.png", "maximize.png");
        ctx.figure("maximize.png", String.format(Locale.ROOT, "One synthesised image per class 0 to %d: 100 steps of "
                + "gradient ascent on the class logit (half the command's default, to keep the report quick) with "
                + "the Yosinski et al. regularisers.",
                classes - 1), c);
    }
}
