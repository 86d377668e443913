package netviz.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.methods.activations.DeadFilters;

/**
 * Filters that never fire over the dataset ({@link DeadFilters}, {@code netviz dead-filters}):
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
    public void render(ReportContext ctx) {
        if (netviz.methods.params.Filters.convolutions(ctx.graph()).isEmpty()) {
            ctx.paragraph("The model has no convolution, so there are no filters to scan.");
            return;
        }
        int size = ctx.dataset().size();
        int n = ctx.options().limit() > 0 ? ctx.datasetImages() : Math.min(size, Report.DEFAULT_SCAN);
        NetvizCommand c = ctx.withData(ctx.command("dead-filters"));
        if (n < size) {
            c.arg("--limit", Integer.toString(n));
        }
        ctx.withOut(c, "dead-filters.png", "dead-filters.png").hidden("--json", "--no-progress");
        JsonNode r = ctx.runJson(c);
        ctx.paragraph("A filter is dead when its activation (after the ReLU) is zero on every image: it no longer "
                + "contributes anything, and its weights are wasted. The firing rate of a filter is the share of "
                + "images on which its largest activation is above zero.");
        String scanned = n < size ? String.format(Locale.ROOT, "the first %,d of the %,d images of %s (a subsample, "
                + "to keep the report quick)", n, size, ctx.dataset().description())
                : String.format(Locale.ROOT, "all %,d images of %s", n, ctx.dataset().description());
        ctx.figure("dead-filters.png", "Histograms of the filters' firing rates per convolution over " + scanned
                + "; dead filters sit at 0.", c);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode l : r.path("layers")) {
            List<String> dead = new ArrayList<>();
            l.path("deadFilters").forEach(d -> dead.add(d.asText()));
            rows.add(List.of(l.path("layer").asText(), Integer.toString(l.path("filters").asInt()),
                    Integer.toString(l.path("dead").asInt()), dead.isEmpty() ? "none" : String.join(", ", dead)));
        }
        ctx.table(List.of("layer", "filters", "dead", "dead filters"), rows,
                "Dead filters per convolution over " + scanned + ".", c);
    }
}
