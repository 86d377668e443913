package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.Progress;
import netviz.figures.DgnFigure;
import netviz.figures.FigureResult;
import netviz.methods.generative.DeepGeneratorActivationMaximization;
import netviz.render.Png;

/**
 * Class images synthesised through a deep generator network ({@link DeepGeneratorActivationMaximization},
 * drawn by {@link DgnFigure} as {@code netviz dgn} draws it; Nguyen et al. 2016) beside pixel-space
 * activation maximization of the same classes.
 */
final class DgnSection implements ReportSection {
    /** At most this many classes are synthesised. */
    static final int CLASSES = 10;
    static final int ITERATIONS = 100;

    @Override
    public String id() {
        return "dgn";
    }

    @Override
    public String title() {
        return "Activation maximisation through a generator (DGN-AM)";
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Pixel-space activation maximisation tends to produce patterns that excite the network but look like"
                + " nothing. DGN-AM (Nguyen et al. 2016) searches instead over the code h of a generator network G trained"
                + " to turn the classifier's own hidden features back into images, maximising the class score of G(h) with"
                + " an L2 penalty on h and h clamped to the range seen on real images, so the result is something G can"
                + " draw: an image in the style of the training data.");
        if (!DgnFigure.hasBundledGenerator(ctx.session())) {
            ctx.paragraph("This model has no bundled generator; train one with 'netviz train-generator --model M --out"
                    + " G.onnx' and run 'netviz dgn --model M --generator G.onnx --target all'.");
            return;
        }
        int classes = ctx.labels() != null ? Math.min(CLASSES, ctx.labels().size()) : CLASSES;
        List<String> targets = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            targets.add(Integer.toString(k));
        }
        DgnFigure.Options o = DgnFigure.Options.defaults().withTargets(targets).withIterations(ITERATIONS)
                .withAmIterations(ITERATIONS);
        // the command writes a folder (sheet, npy, trace); the report keeps the sheet only
        NetvizCommand c = ctx.command("dgn").arg(o.arguments().toArray(String[]::new)).arg("--out", "netviz-out/dgn");
        FigureResult r = DgnFigure.make(ctx.session(), DgnFigure.generator(ctx.session(), null), null, o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/dgn.png"));
        ctx.figure("dgn.png", String.format(Locale.ROOT, "Top row: one DGN-AM image per class 0 to %d (%d Adam"
                + " steps on the generator's relu3 code from the mean code; each tile gives the class probability and"
                + " logit). Bottom row: pixel-space activation maximisation of the same classes (%d steps, Yosinski et al."
                + " regularisers). Both are classified as their class; only the top row looks like garments.",
                classes - 1, ITERATIONS, ITERATIONS), c);
    }
}
