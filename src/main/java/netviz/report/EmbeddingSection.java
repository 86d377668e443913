package netviz.report;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netviz.methods.features.Pca;
import netviz.methods.features.Tsne;

/**
 * The feature space of the layer before the classifier mapped to the plane twice, by PCA
 * ({@link Pca}) and by t-SNE ({@link Tsne}, van der Maaten &amp; Hinton 2008), drawn by
 * {@code netviz embed} as class-coloured scatter plots and as an image map.
 */
final class EmbeddingSection implements ReportSection {
    /** Dataset images mapped (the first ones): t-SNE's cost grows with N log N. */
    static final int MAPPED = 1000;

    @Override
    public String id() {
        return "embedding";
    }

    @Override
    public String title() {
        return "Feature space: PCA versus t-SNE";
    }

    @Override
    public boolean available() {
        return Sections.hasCommand("embed");
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Each image becomes a point: its activations in the layer before the classifier, mapped to two "
                + "dimensions. PCA projects linearly onto the two directions of largest variance; t-SNE (van der Maaten "
                + "& Hinton 2008) places points so that each keeps its nearest neighbours, which shows the clusters the "
                + "network forms for the classes. Trustworthiness (Venna & Kaski 2001) measures how well a map keeps "
                + "neighbourhoods (1 is perfect).");
        int n = Math.min(ctx.options().limit() > 0 ? Math.min(MAPPED, ctx.options().limit()) : MAPPED, ctx.dataset().size());
        NetvizCommand pca = ctx.withData(ctx.command("embed")).arg("--method", "pca", "--no-compare", "--limit",
                Integer.toString(n));
        ctx.withOut(pca, "pca.png", "pca.png").hidden("--no-progress", "--no-cache");
        String pcaOut = ctx.run(pca);
        NetvizCommand tsne = ctx.withData(ctx.command("embed")).arg("--method", "tsne", "--limit", Integer.toString(n));
        ctx.withOut(tsne, "tsne.png", "tsne.png").hidden("--no-progress", "--no-cache");
        String tsneOut = ctx.run(tsne);
        String trust = line(tsneOut, "trustworthiness \\(k = 10\\):\\s+(.*)");
        String knn = line(tsneOut, "10-NN class accuracy in the map:\\s+(.*)");
        if (trust != null) {
            ctx.paragraph("Trustworthiness (k = 10): " + trust + "." + (knn != null
                    ? " Share of each point's 10 nearest neighbours in the map that are of its class: " + knn + "." : ""));
        }
        String what = String.format(Locale.ROOT, "the first %,d images of %s", n, ctx.dataset().description());
        String variance = line(pcaOut, "PCA\\s+(2 components explain [0-9.]+% of the variance)");
        ctx.figure("pca-scatter.png", "PCA of the features of " + what + ", one dot per image coloured by its class"
                + (variance != null ? "; " + variance : "") + ".", pca);
        ctx.figure("tsne-scatter.png", "t-SNE (perplexity 30, Barnes-Hut, 1000 iterations, PCA initialisation) of the "
                + "same features, coloured by class.", tsne);
        ctx.figure("tsne.png", "The same t-SNE map drawn with the images themselves, on a 40 x 40 grid (one image per "
                + "cell, no overlaps): similar garments gather.", tsne);
    }

    private static String line(String printed, String regex) {
        Matcher m = Pattern.compile(regex).matcher(printed);
        return m.find() ? m.group(1).strip().replaceAll("\\s{2,}", ", ") : null;
    }
}
