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
import netviz.render.Ticks;

/**
 * Filters that never fire over the dataset ({@link DeadFilters}, drawn by {@link DeadFiltersFigure}):
 * per convolution, a histogram of every filter's positional firing rate, and the filters with zero
 * activation everywhere on every image scanned (dead) or above zero on fewer than 1 % of the
 * positions (nearly dead).
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
        int size = ctx.wholeOrFirst(ctx.dataset().size());
        int n = ctx.wholeOrFirst(ctx.options().limit() > 0 ? ctx.datasetImages() : Math.min(size, Report.DEFAULT_SCAN));
        DeadFiltersFigure.Options o = DeadFiltersFigure.Options.defaults().withLimit(n < size ? n : 0);
        FigureResult r = DeadFiltersFigure.make(ctx.session(), o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/dead-filters.png"));
        NetvizCommand c = ctx.withDataOrScan(ctx.command("dead-filters")).arg(o.arguments().toArray(String[]::new));
        ctx.withOut(c, "dead-filters.png", "dead-filters.png");
        String below = Ticks.format(100 * o.nearlyDead(), 3) + "%";
        ctx.paragraph("A filter is dead when its activation (after the ReLU) is zero at every position of every "
                + "image: it no longer contributes anything, and its weights are wasted. It is nearly dead when it "
                + "is above zero somewhere, but on fewer than " + below + " of all positions of all images. A "
                + "filter's positional firing rate is the share of all positions of all images where its activation "
                + "is above zero; its image rate, the share of images on which it is above zero somewhere, is close "
                + "to 1 for nearly every filter of a trained network (one of the many positions of an image almost "
                + "always fires), so the histograms count the positional rate.");
        String scanned = n < size ? String.format(Locale.ROOT, "the first %,d of the %,d images of %s (a subsample, "
                + "to keep the report quick)", n, size, ctx.dataDescription())
                : String.format(Locale.ROOT, "all %,d images of %s", n, ctx.dataDescription());
        ctx.figure("dead-filters.png", "Histograms of the filters' positional firing rates (the share of all "
                + "positions where a filter is above zero) per convolution over " + scanned
                + "; dead filters sit at 0, in red.", c);
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> l : (List<Map<String, Object>>) r.summary().get("layers")) {
            rows.add(List.of((String) l.get("layer"), Integer.toString((Integer) l.get("filters")),
                    Integer.toString((Integer) l.get("dead")), names((int[]) l.get("deadFilters")),
                    Integer.toString((Integer) l.get("nearlyDead")), names((int[]) l.get("nearlyDeadFilters"))));
        }
        ctx.table(List.of("layer", "filters", "dead", "dead filters", "nearly dead", "nearly dead filters (< " + below
                + " of positions)"), rows, "Dead and nearly dead filters per convolution over " + scanned + ".", c);
    }

    private static String names(int[] filters) {
        List<String> out = new ArrayList<>();
        for (int d : filters) {
            out.add(Integer.toString(d));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
