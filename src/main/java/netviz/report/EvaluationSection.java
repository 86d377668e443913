package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.figures.EvaluationFigure;
import netviz.figures.FigureResult;
import netviz.render.Png;

/** Accuracy and confusion matrix on the dataset ({@link netviz.methods.evaluation.Evaluation}, drawn by {@link EvaluationFigure}). */
final class EvaluationSection implements ReportSection {
    @Override
    public String id() {
        return "evaluation";
    }

    @Override
    public String title() {
        return "Accuracy and confusion matrix";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void render(ReportContext ctx) {
        boolean labeled = ctx.scan().map(s -> s.manifest().labeled()).orElse(ctx.dataset().labeled());
        if (!labeled) {
            ctx.paragraph("The dataset " + ctx.dataDescription() + " has no labels, so the model cannot be "
                    + "scored on it.");
            return;
        }
        int size = ctx.wholeOrFirst(ctx.dataset().size());
        int n = ctx.wholeOrFirst(ctx.datasetImages());
        EvaluationFigure.Options o = EvaluationFigure.Options.defaults().withLimit(n < size ? n : 0);
        FigureResult result = EvaluationFigure.make(ctx.session(), o, Progress.NONE);
        Png.write(result.figure(), ctx.file(ReportContext.FIGURES + "/confusion.png"));
        NetvizCommand c = ctx.withDataOrScan(ctx.command("evaluate")).arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, "confusion.png", "confusion.png");
        Map<String, Object> r = result.summary();
        Double accuracy = (Double) r.get("accuracy");
        ctx.rawHtml(String.format(Locale.ROOT, "<p class=\"numbers\">Accuracy <b>%.2f%%</b>: %,d of %,d images "
                        + "classified correctly.</p>", 100 * (accuracy == null ? 0 : accuracy), (Long) r.get("correct"),
                (Long) r.get("examples")));
        ctx.figure("confusion.png", String.format(Locale.ROOT, "Confusion matrix on %s%s: row = true class, column = "
                        + "predicted class; the diagonal holds the correct predictions.", ctx.dataDescription(),
                n < size ? String.format(Locale.ROOT, " (the first %,d images)", n) : ""), c);
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> k : (List<Map<String, Object>>) r.get("perClass")) {
            rows.add(List.of((String) k.get("name"), pct((Double) k.get("precision")), pct((Double) k.get("recall")),
                    Long.toString((Long) k.get("support"))));
        }
        ctx.table(List.of("class", "precision", "recall", "images"), rows,
                "Per class: precision (of the images predicted as the class, the share that are) and recall (of the "
                        + "images of the class, the share found).", c);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
