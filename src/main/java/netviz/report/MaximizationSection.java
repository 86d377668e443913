package netviz.report;

import java.util.Locale;
import netviz.methods.neurons.ActivationMaximization;

/**
 * Class images synthesised by activation maximisation ({@link ActivationMaximization}, drawn by
 * {@code netviz maximize}; Simonyan et al. 2014, with the regularisers of Yosinski et al. 2015).
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
    public boolean available() {
        return Sections.hasCommand("maximize");
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Instead of searching the dataset, synthesise the input that makes a class score as large as "
                + "possible: start from the mean image and follow the gradient of the class logit with respect to the "
                + "pixels (Simonyan et al. 2014), with L2 decay, blur and small-value clipping to keep the image "
                + "natural (Yosinski et al. 2015).");
        int classes = ctx.labels() != null ? Math.min(CLASSES, ctx.labels().size()) : CLASSES;
        StringBuilder t = new StringBuilder();
        for (int k = 0; k < classes; k++) {
            t.append(k == 0 ? "" : ",").append(k);
        }
        NetvizCommand c = ctx.command("maximize").arg("--target", t.toString(), "--iterations", "100");
        ctx.withOut(c, "maximize.png", "maximize.png").hidden("--no-progress");
        ctx.run(c);
        ctx.figure("maximize.png", String.format(Locale.ROOT, "One synthesised image per class 0 to %d: 100 steps of "
                + "gradient ascent on the class logit (half the command's default, to keep the report quick) with "
                + "the Yosinski et al. regularisers.",
                classes - 1), c);
    }
}
