package netviz.report;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netviz.methods.features.NearestNeighbors;

/**
 * Nearest neighbours of the example images in the feature space of the layer before the
 * classifier, beside their neighbours by raw pixels ({@link NearestNeighbors}, drawn by
 * {@code netviz neighbors}; Krizhevsky et al. 2012, figure 4).
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
    public boolean available() {
        return Sections.hasCommand("neighbors");
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Krizhevsky, Sutskever & Hinton (2012): images whose activations in a late layer are close are "
                + "images the network considers alike. If the network has learned the classes, an image's neighbours "
                + "in feature space share its class even where their pixels differ (pose, pattern, brightness), "
                + "while neighbours by raw pixels just look alike.");
        int n = Math.min(ctx.options().limit() > 0 ? Math.min(SEARCHED, ctx.options().limit()) : SEARCHED, ctx.dataset().size());
        NetvizCommand c = ctx.withData(ctx.command("neighbors"));
        c.arg("--limit", Integer.toString(n));
        StringBuilder queries = new StringBuilder();
        boolean anyIndex = false;
        for (ReportContext.Example e : ctx.examples()) {
            if (e.index() >= 0 && e.index() < n) {
                if (!anyIndex) {
                    c.arg("--index");
                    anyIndex = true;
                }
                c.arg(Integer.toString(e.index()));
            }
        }
        boolean anyImage = false;
        for (ReportContext.Example e : ctx.examples()) {
            if (e.index() < 0 || e.index() >= n) {
                if (!anyImage) {
                    c.arg("--image");
                    anyImage = true;
                }
                queries.append(e.file()).append(' ');
                ctx.withReportPath(c, null, ReportContext.EXAMPLES + "/" + e.file());
            }
        }
        if (!anyIndex && !anyImage) {
            ctx.paragraph("No example images, so no queries.");
            return;
        }
        c.arg("--pixel-space");
        ctx.withOut(c, "neighbors.png", "neighbors.png").hidden("--no-progress", "--no-cache");
        String printed = ctx.run(c);
        Matcher layer = Pattern.compile("features\\s+layer (\\S+)").matcher(printed);
        String where = layer.find() ? "layer " + layer.group(1) : "the layer before the classifier";
        StringBuilder share = new StringBuilder();
        Matcher m = Pattern.compile("neighbours of the query's class: ([0-9.]+%)").matcher(printed);
        if (m.find()) {
            share.append(" In feature space ").append(m.group(1)).append(" of the neighbours share the query's class");
            if (m.find()) {
                share.append(", by raw pixels ").append(m.group(1));
            }
            share.append('.');
        }
        ctx.figure("neighbors.png", String.format(Locale.ROOT, "Each row: an example image (the query, left) and its "
                + "8 nearest neighbours (Euclidean distance) among the first %,d images of %s, in the feature space of "
                + "%s (left block) and by raw pixels (right block); a green frame marks a neighbour of the query's "
                + "class, a red one another class.%s", n, ctx.dataset().description(), where, share), c);
    }
}
