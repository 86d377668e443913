package netviz.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Accuracy and confusion matrix on the dataset ({@code netviz evaluate}, {@link netviz.methods.evaluation.Evaluation}). */
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
    public void render(ReportContext ctx) {
        if (!ctx.dataset().labeled()) {
            ctx.paragraph("The dataset " + ctx.dataset().description() + " has no labels, so the model cannot be "
                    + "scored on it.");
            return;
        }
        int n = ctx.datasetImages();
        NetvizCommand c = ctx.withData(ctx.command("evaluate"));
        if (n < ctx.dataset().size()) {
            c.arg("--limit", Integer.toString(n));
        }
        ctx.withOut(c, "confusion.png", "confusion.png").hidden("--json", "--no-progress");
        JsonNode r = ctx.runJson(c);
        ctx.rawHtml(String.format(Locale.ROOT, "<p class=\"numbers\">Accuracy <b>%.2f%%</b>: %,d of %,d images "
                        + "classified correctly.</p>", 100 * r.path("accuracy").asDouble(), r.path("correct").asLong(),
                r.path("examples").asLong()));
        ctx.figure("confusion.png", String.format(Locale.ROOT, "Confusion matrix on %s%s: row = true class, column = "
                        + "predicted class; the diagonal holds the correct predictions.", ctx.dataset().description(),
                n < ctx.dataset().size() ? String.format(Locale.ROOT, " (the first %,d images)", n) : ""), c);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode k : r.path("perClass")) {
            rows.add(List.of(k.path("name").asText(), pct(k.path("precision")), pct(k.path("recall")),
                    Long.toString(k.path("support").asLong())));
        }
        ctx.table(List.of("class", "precision", "recall", "images"), rows,
                "Per class: precision (of the images predicted as the class, the share that are) and recall (of the "
                        + "images of the class, the share found).", c);
    }

    private static String pct(JsonNode v) {
        return v.isNull() || v.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble());
    }
}
