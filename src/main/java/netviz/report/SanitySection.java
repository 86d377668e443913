package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.SanityFigure;
import netviz.methods.params.Filters;
import netviz.render.Png;

/**
 * Sanity checks (Adebayo et al. 2018) and deletion / insertion areas (Petsiuk et al. 2018) of the
 * attribution methods on the first example image, drawn by {@link SanityFigure}: the cascade of
 * maps as the layers are re-initialised from the top, and a table of the rank correlations and
 * areas. The caption's {@code netviz sanity} command writes the same figure.
 */
final class SanitySection implements ReportSection {
    static final String FILE = "sanity.png";

    @Override
    public String id() {
        return "sanity";
    }

    @Override
    public String title() {
        return "Sanity checks of the attributions";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void render(ReportContext ctx) {
        ctx.paragraph("Adebayo et al. (2018): an explanation that explains the model must change when the model "
                + "does. The parameterised layers are re-initialised one more at a time from the top (Gaussian noise "
                + "with each tensor's standard deviation, seeded) and every method's map is recomputed; the Spearman "
                + "rank correlation ρ of the |maps| with the trained model's should fall towards 0. Petsiuk et al. "
                + "(2018): deleting the pixels a faithful map ranks first (5% per step, set to zero) makes p(class) "
                + "fall at once (low deletion AUC); inserting them into a blurred copy makes it rise at once (high "
                + "insertion AUC).");
        if (ctx.examples().isEmpty()) {
            ctx.paragraph("No example images (--examples 0 and no --images), so nothing to check.");
            return;
        }
        SanityFigure.Options o = SanityFigure.Options.defaults();
        if (Filters.convolutions(ctx.graph()).isEmpty()) {
            o = o.withMethods(List.of(SanityFigure.Method.SALIENCY, SanityFigure.Method.GUIDED_BACKPROP,
                    SanityFigure.Method.INTEGRATED_GRADIENTS));
        }
        ReportContext.Example e = ctx.examples().get(0);
        String image = ReportContext.EXAMPLES + "/" + e.file();
        FigureResult r = SanityFigure.make(ctx.session(), ctx.session().picture(ctx.file(image)), o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/" + FILE));
        NetvizCommand c = ctx.withReportPath(ctx.command("sanity"), "--image", image)
                .arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, FILE, FILE);
        Map<String, Object> sum = r.summary();
        List<String> layers = (List<String>) sum.get("layers");
        ctx.figure(FILE, "One row per method on " + e.file() + " (class " + sum.get("className") + "): the trained "
                + "model's map, then the maps after re-initialising the layers from the top down to "
                + String.join(", ", layers.subList(0, 1)) + " … " + layers.get(layers.size() - 1)
                + " (each panel scaled to its own range).", c);
        List<String> header = new ArrayList<>(List.of("method"));
        layers.forEach(l -> header.add("ρ up to " + l));
        header.add("deletion AUC ↓");
        header.add("insertion AUC ↑");
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) sum.get("methods")) {
            List<String> row = new ArrayList<>(List.of((String) m.get("method")));
            for (double rho : (double[]) m.get("spearman")) {
                row.add(f(rho));
            }
            row.add(f((Double) m.get("deletionAuc")));
            row.add(f((Double) m.get("insertionAuc")));
            rows.add(row);
        }
        Map<String, Object> ref = (Map<String, Object>) sum.get("randomOrder");
        List<String> row = new ArrayList<>(List.of("random pixel order"));
        layers.forEach(l -> row.add(""));
        row.add(f((Double) ref.get("deletionAuc")));
        row.add(f((Double) ref.get("insertionAuc")));
        rows.add(row);
        ctx.table(header, rows, "Spearman ρ of |trained| and |randomised| maps after each cumulative re-initialisation, "
                + "and the deletion and insertion areas of the trained maps (a random pixel order is the reference a "
                + "map should beat).", c);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
