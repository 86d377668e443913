package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.NeighborsFigure;
import netviz.methods.features.NearestNeighbors;
import netviz.render.Png;
import netviz.session.Picture;

/**
 * Nearest neighbours of the example images in the feature space of the layer before the
 * classifier, beside their neighbours by raw pixels ({@link NearestNeighbors}, drawn by
 * {@link NeighborsFigure} as {@code netviz neighbors} draws it; Krizhevsky et al. 2012, figure 4).
 */
final class NeighborsSection implements ReportSection {
    /** Dataset images searched (the first ones): a subsample that keeps the report quick. */
    static final int SEARCHED = 1000;

    @Override
    public String id() {
        return "neighbors";
    }

    @Override
    public String title() {
        return "Nearest neighbours in feature space";
    }


    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Krizhevsky, Sutskever & Hinton (2012): images whose activations in a late layer are close are "
                + "images the network considers alike. If the network has learned the classes, an image's neighbours "
                + "in feature space share its class even where their pixels differ (pose, pattern, brightness), "
                + "while neighbours by raw pixels just look alike.");
        int first = Math.min(ctx.options().limit() > 0 ? Math.min(SEARCHED, ctx.options().limit()) : SEARCHED, ctx.dataset().size());
        int n = Math.min(first, ctx.wholeOrFirst(first));
        NeighborsFigure.Options o = NeighborsFigure.Options.defaults().withLimit(n).withPixelSpace(true);
        NetvizCommand c = ctx.withDataOrScan(ctx.command("neighbors")).arg(o.arguments().toArray(String[]::new));
        List<Integer> indices = new ArrayList<>();
        for (ReportContext.Example e : ctx.examples()) {
            if (e.index() >= 0 && e.index() < n) {
                if (indices.isEmpty()) {
                    c.arg("--index");
                }
                indices.add(e.index());
                c.arg(Integer.toString(e.index()));
            }
        }
        List<Picture> images = new ArrayList<>();
        for (ReportContext.Example e : ctx.examples()) {
            if (e.index() < 0 || e.index() >= n) {
                if (images.isEmpty()) {
                    c.arg("--image");
                }
                String rel = ReportContext.EXAMPLES + "/" + e.file();
                images.add(ctx.session().picture(ctx.file(rel)));
                ctx.withReportPath(c, null, rel);
            }
        }
        if (indices.isEmpty() && images.isEmpty()) {
            ctx.paragraph("No example images, so no queries.");
            return;
        }
        FigureResult r = NeighborsFigure.make(ctx.session(), indices, images, o, Progress.NONE);
        Png.write(r.figure(), ctx.file(ReportContext.FIGURES + "/neighbors.png"));
        ctx.withOut(c, "neighbors.png", "neighbors.png");
        StringBuilder share = new StringBuilder();
        List<?> spaces = (List<?>) r.summary().get("spaces");
        for (int i = 0; i < spaces.size(); i++) {
            Map<?, ?> sp = (Map<?, ?>) spaces.get(i);
            int judged = (Integer) sp.get("judged");
            if (judged > 0) {
                String pct = NeighborsFigure.share((Integer) sp.get("same"), judged);
                share.append(i == 0 ? " In feature space " + pct + " of the neighbours share the query's class"
                        : ", by raw pixels " + pct);
            }
        }
        if (share.length() > 0) {
            share.append('.');
        }
        String where = "layer " + r.summary().get("layer");
        ctx.figure("neighbors.png", String.format(Locale.ROOT, "Each row: an example image (the query, left) and its "
                + "8 nearest neighbours (Euclidean distance) among the first %,d images of %s, in the feature space of "
                + "%s (left block) and by raw pixels (right block); a green frame marks a neighbour of the query's "
                + "class, a red one another class.%s", n, ctx.dataDescription(), where, share), c);
    }
}
