package netviz.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.NetvizException;
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

    /** The facet count and top share the facets command gets. */
    record Plan(int facets, double topShare) {
    }

    /** The facets command's default top share. */
    static final double DEFAULT_TOP_SHARE = 0.1;
    /** The shortest --limit the section tries: two facets of five images of one class in ten. */
    static final int MIN_LIMIT = 100;

    /**
     * Facets and top share that the first {@code limit} images can supply, counting on about
     * {@code limit / classes} images that activate the class: four facets of the top 10% from 2,000
     * images on; below that as many facets (2 to 4) as half of {@code limit / classes} images fill
     * with {@value MultifacetedVisualization#MIN_IMAGES_PER_FACET} each, and a top share that keeps
     * twice what they need; null when {@code limit / classes} is less than two facets' worth (below
     * {@value #MIN_LIMIT} images for ten classes).
     */
    static Plan plan(int limit, int classes) {
        if (limit >= 2000) {
            return new Plan(4, DEFAULT_TOP_SHARE);
        }
        int ofClass = limit / Math.max(1, classes);
        int min = MultifacetedVisualization.MIN_IMAGES_PER_FACET;
        if (ofClass < 2 * min) {
            return null;
        }
        // half of what the class's share would fill, since not every image of it need activate it
        int facets = Math.min(4, Math.max(2, ofClass / (2 * min)));
        // keep twice what the facets need (the positives cap it anyway), rounded up to 0.01
        double share = Math.min(1.0, Math.max(DEFAULT_TOP_SHARE,
                Math.ceil(100.0 * 2 * facets * min / limit) / 100));
        return new Plan(facets, share);
    }

    private static MultifacetedVisualization.NotEnoughImagesException tooFew(Throwable t) {
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (t instanceof MultifacetedVisualization.NotEnoughImagesException e) {
                return e;
            }
        }
        return null;
    }

    private static String fmt(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

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
        Plan plan = plan(limit, classes == 0 ? 10 : classes);
        if (plan == null) {
            ctx.paragraph(String.format(Locale.ROOT, "Not drawn: the report scans only the first %,d images (--limit), "
                    + "too few to hold the %d images of one class that two facets need (%d each); run the report with "
                    + "--limit %d or more.", limit, 2 * MultifacetedVisualization.MIN_IMAGES_PER_FACET,
                    MultifacetedVisualization.MIN_IMAGES_PER_FACET, MIN_LIMIT));
            return;
        }
        NetvizCommand c = ctx.withData(ctx.command("facets")).arg("--target", Integer.toString(target),
                "--facets", Integer.toString(plan.facets()), "--limit", Integer.toString(limit));
        if (plan.topShare() != DEFAULT_TOP_SHARE) {
            c.arg("--top-share", fmt(plan.topShare()));
        }
        c.arg("--tsne-iterations", "500");
        // the command writes facets.png, scatter.png and facet-N.png into its --out folder: here the
        // report's figures folder itself (the report keeps only files, and drops the unreferenced ones)
        ctx.withOut(c, "", "facets").hidden("--no-progress", "--json");
        JsonNode r;
        try {
            r = ctx.runJson(c);
        } catch (NetvizException e) {
            MultifacetedVisualization.NotEnoughImagesException few = tooFew(e);
            if (few == null) {
                throw e;
            }
            // the data cannot supply the facets (a short --limit, a rare class): say so, keep the report
            ctx.paragraph("Not drawn: " + few.getMessage() + ". The command was: " + c.display()
                    + "; run the report with a larger --limit.");
            return;
        }
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
