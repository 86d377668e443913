package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.data.Dataset;
import netviz.figures.FacetsFigure;
import netviz.figures.FigureResult;
import netviz.methods.neurons.MultifacetedVisualization;
import netviz.render.Png;

/**
 * Multifaceted feature visualization of one class ({@link MultifacetedVisualization}, drawn by
 * {@link FacetsFigure} as {@code netviz facets} draws it; Nguyen, Yosinski and Clune 2016): one synthesised image per kind of image
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

    @Override
    public String id() {
        return "facets";
    }

    @Override
    public String title() {
        return "Multifaceted feature visualization";
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
        FacetsFigure.Options o = FacetsFigure.Options.defaults().withTarget(Integer.toString(target))
                .withFacets(plan.facets()).withLimit(limit)
                .withTopShare(plan.topShare() != DEFAULT_TOP_SHARE ? plan.topShare() : null)
                .withTsneIterations(500);
        NetvizCommand c = ctx.withData(ctx.command("facets")).arg(o.arguments().toArray(String[]::new));
        // the command writes facets.png, scatter.png and facet-N.png into its --out folder
        c.arg("--out", "facets");
        // like the command without --data: the training split for the bundled model (the paper clusters training
        // images), not the report's dataset
        Dataset data = FacetsFigure.defaultDataset(ctx.session());
        FigureResult fr;
        try {
            fr = FacetsFigure.make(ctx.session(), data, o, Progress.NONE);
        } catch (MultifacetedVisualization.NotEnoughImagesException few) {
            // the data cannot supply the facets (a short --limit, a rare class): say so, keep the report
            ctx.paragraph("Not drawn: " + few.getMessage() + ". The command was: " + c.display()
                    + "; run the report with a larger --limit.");
            return;
        }
        Png.write(fr.figures().get(0), ctx.file(ReportContext.FIGURES + "/facets.png"));
        Png.write(fr.figures().get(1), ctx.file(ReportContext.FIGURES + "/scatter.png"));
        Map<String, Object> r = fr.summary();
        String unit = r.get("className") != null ? r.get("className") + " (class " + target + ")" : "class " + target;
        String what = String.format(Locale.ROOT, "the top %,d of the first %,d images of %s", (int) r.get("topImages"),
                (int) r.get("scanned"), r.get("dataset"));
        String split = data == ctx.dataset() ? "" : " Unlike the other sections, which use " + ctx.dataset().description()
                + ", the facets come from " + r.get("dataset") + ": like the command without --data, and as in the paper, "
                + "they cluster training images.";
        ctx.figure("facets.png", "The facets of " + unit + " found among " + what + "." + split + " Per row: the synthesised "
                + "image (50 steps of activation maximisation from the mean image; a t-SNE of 500 iterations, half the "
                + "command's default, to keep the report quick), the mean image it started from, and the real images "
                + "closest to the cluster's centre.", c);
        ctx.figure("scatter.png", "The t-SNE map of the same images' features, coloured by facet (k-means, "
                + "k-means++ seeding).", c);
        List<List<String>> rows = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> facets = (List<Map<String, Object>>) r.get("facets");
        for (Map<String, Object> f : facets) {
            rows.add(List.of(f.get("facet").toString(), String.format(Locale.ROOT, "%,d", (int) f.get("size")),
                    String.format(Locale.ROOT, "%.2f", (double) f.get("startActivation")),
                    String.format(Locale.ROOT, "%.2f", (double) f.get("activation")),
                    f.get("probability") != null ? String.format(Locale.ROOT, "%.3f", (double) f.get("probability")) : "–"));
        }
        ctx.table(List.of("facet", "images", "logit of the mean image", "logit synthesised", "probability"), rows,
                "Each facet's cluster size and the class logit before and after activation maximisation.", c);
    }
}
