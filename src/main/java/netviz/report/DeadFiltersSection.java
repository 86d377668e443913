package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.figures.DeadFiltersFigure;
import netviz.figures.FigureResult;
import netviz.methods.activations.DeadFilters;
import netviz.render.Png;

/**
 * Filters that never fire over the dataset ({@link DeadFilters}, drawn by {@link DeadFiltersFigure}):
 * per convolution, the firing rate of every filter and the filters with zero activation on every
 * image scanned.
 */
final class DeadFiltersSection implements ReportSection {
    @Override
    public String id() {
        return "dead-filters";
    }

    @Override
    public String title() {
        return "Dead filters";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void render(ReportContext ctx) {
        if (netviz.methods.params.Filters.convolutions(ctx.graph()).isEmpty()) {
            ctx.paragraph("The model has no convolution, so there are no filters to scan.");
            return;
        }
        int size = ctx.dataset().size();
        int n = ctx.options().limit() > 0 ? ctx.datasetImages() : Math.min(size, Report.DEFAULT_SCAN);
        DeadFiltersFigure.Options o = DeadFiltersFigure.Options.defaults().withLimit(n < size ? n : 0);
        FigureResult r = DeadFiltersFigure.make(ctx.session(), o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/dead-filters.png"));
        NetvizCommand c = ctx.withData(ctx.command("dead-filters")).arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, "dead-filters.png", "dead-filters.png");
        ctx.paragraph("A filter is dead when its activation (after the ReLU) is zero on every image: it no longer "
                + "contributes anything, and its weights are wasted. The firing rate of a filter is the share of "
                + "images on which its largest activation is above zero.");
        String scanned = n < size ? String.format(Locale.ROOT, "the first %,d of the %,d images of %s (a subsample, "
                + "to keep the report quick)", n, size, ctx.dataset().description())
                : String.format(Locale.ROOT, "all %,d images of %s", n, ctx.dataset().description());
        ctx.figure("dead-filters.png", "Histograms of the filters' firing rates per convolution over " + scanned
                + "; dead filters sit at 0.", c);
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> l : (List<Map<String, Object>>) r.summary().get("layers")) {
            List<String> dead = new ArrayList<>();
            for (int d : (int[]) l.get("deadFilters")) {
                dead.add(Integer.toString(d));
            }
            rows.add(List.of((String) l.get("layer"), Integer.toString((Integer) l.get("filters")),
                    Integer.toString((Integer) l.get("dead")), dead.isEmpty() ? "none" : String.join(", ", dead)));
        }
        ctx.table(List.of("layer", "filters", "dead", "dead filters"), rows,
                "Dead filters per convolution over " + scanned + ".", c);
    }
}
