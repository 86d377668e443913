package netviz.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.methods.neurons.MultifacetedVisualization;

/**
 * Multifaceted feature visualization of one class ({@link MultifacetedVisualization}, drawn by
 * {@code netviz facets}; Nguyen, Yosinski and Clune 2016): one synthesised image per kind of image
 * the class responds to, beside real images of each kind, and the t-SNE map they come from.
 */
final class FacetsSection implements ReportSection {
    /** The class shown. */
    static final int TARGET = 8;
    /** Images scanned (the first ones), to keep the report quick. */
    static final int SCANNED = 5_000;

    @Override
    public String id() {
        return "facets";
    }

    @Override
    public String title() {
        return "Multifaceted feature visualization";
    }

    @Override
    public boolean available() {
        return Sections.hasCommand("facets");
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("A class responds to several kinds of image, and plain activation maximisation blends them into one "
                + "picture. Multifaceted feature visualization (Nguyen, Yosinski & Clune 2016) separates them: take the "
                + "images that score highest for the class, map their features in the layer before the classifier to 2-D "
                + "with t-SNE, cluster the map with k-means, and start activation maximisation from the mean of the images "
                + "closest to each cluster centre, with a centre-biased update window. Each synthesised image shows one "
                + "facet of the class.");
        int classes = ctx.labels() != null ? ctx.labels().size() : 0;
        int target = classes > TARGET || classes == 0 ? TARGET : 0;
        int limit = ctx.options().limit() > 0 ? Math.min(SCANNED, ctx.options().limit()) : SCANNED;
        // a short --limit leaves few images of the class: ask for fewer facets then
        int facets = limit >= 2000 ? 4 : 2;
        NetvizCommand c = ctx.withData(ctx.command("facets")).arg("--target", Integer.toString(target),
                "--facets", Integer.toString(facets), "--limit", Integer.toString(limit), "--tsne-iterations", "500");
        // the command writes facets.png, scatter.png and facet-N.png into its --out folder: here the
        // report's figures folder itself (the report keeps only files, and drops the unreferenced ones)
        ctx.withOut(c, "", "facets").hidden("--no-progress", "--json");
        JsonNode r = ctx.runJson(c);
        String unit = r.path("className").isTextual() ? r.path("className").asText() + " (class " + target + ")"
                : "class " + target;
        String what = String.format(Locale.ROOT, "the top %,d of the first %,d images of %s", r.path("topImages").asInt(),
                r.path("scanned").asInt(), r.path("dataset").asText());
        ctx.figure("facets.png", "The facets of " + unit + " found among " + what + ": per row, the synthesised "
                + "image (50 steps of activation maximisation from the mean image; a t-SNE of 500 iterations, half the "
                + "command's default, to keep the report quick), the mean image it started from, and the real images "
                + "closest to the cluster's centre.", c);
        ctx.figure("scatter.png", "The t-SNE map of the same images' features, coloured by facet (k-means, "
                + "k-means++ seeding).", c);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode f : r.path("facets")) {
            rows.add(List.of(f.path("facet").asText(), String.format(Locale.ROOT, "%,d", f.path("size").asInt()),
                    String.format(Locale.ROOT, "%.2f", f.path("startActivation").asDouble()),
                    String.format(Locale.ROOT, "%.2f", f.path("activation").asDouble()),
                    f.path("probability").isNumber() ? String.format(Locale.ROOT, "%.3f", f.path("probability").asDouble()) : "–"));
        }
        ctx.table(List.of("facet", "images", "logit of the mean image", "logit synthesised", "probability"), rows,
                "Each facet's cluster size and the class logit before and after activation maximisation.", c);
    }
}
