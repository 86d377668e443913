package netviz.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.Progress;
import netviz.figures.EmbeddingFigure;
import netviz.figures.FigureResult;
import netviz.methods.features.Pca;
import netviz.methods.features.Tsne;
import netviz.render.Png;

/**
 * The feature space of the layer before the classifier mapped to the plane twice, by PCA
 * ({@link Pca}) and by t-SNE ({@link Tsne}, van der Maaten &amp; Hinton 2008), drawn by
 * {@link EmbeddingFigure} (as {@code netviz embed} draws them) as class-coloured scatter plots and as
 * an image map.
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
    public void render(ReportContext ctx) {
        ctx.paragraph("Each image becomes a point: its activations in the layer before the classifier, mapped to two "
                + "dimensions. PCA projects linearly onto the two directions of largest variance; t-SNE (van der Maaten "
                + "& Hinton 2008) places points so that each keeps its nearest neighbours, which shows the clusters the "
                + "network forms for the classes. Trustworthiness (Venna & Kaski 2001) measures how well a map keeps "
                + "neighbourhoods (1 is perfect).");
        int first = Math.min(ctx.options().limit() > 0 ? Math.min(MAPPED, ctx.options().limit()) : MAPPED, ctx.dataset().size());
        int n = Math.min(first, ctx.wholeOrFirst(first));
        EmbeddingFigure.Options pcaOptions = EmbeddingFigure.Options.defaults().withMethod(EmbeddingFigure.Method.PCA)
                .withCompare(false).withLimit(n);
        EmbeddingFigure.Options tsneOptions = EmbeddingFigure.Options.defaults().withLimit(n);
        // the PCA map is shown as a scatter plot only: no image map (its optimal assignment of 1,000
        // images to cells costs as much as the t-SNE map's, for a figure the page does not show)
        FigureResult pca = EmbeddingFigure.make(ctx.session(), EmbeddingFigure.features(ctx.session(), pcaOptions,
                Progress.NONE), pcaOptions, Progress.NONE, false);
        FigureResult tsne = EmbeddingFigure.make(ctx.session(), tsneOptions, Progress.NONE);
        NetvizCommand pcaCommand = command(ctx, pcaOptions, "pca.png");
        NetvizCommand tsneCommand = command(ctx, tsneOptions, "tsne.png");
        Png.write(pca.figures().get(0), ctx.file(ReportContext.FIGURES + "/pca-scatter.png"));
        Png.write(tsne.figures().get(1), ctx.file(ReportContext.FIGURES + "/tsne-scatter.png"));
        Png.write(tsne.figures().get(0), ctx.file(ReportContext.FIGURES + "/tsne.png"));
        String trust = EmbeddingFigure.scores(tsne, "trustworthiness", ", ");
        String knn = EmbeddingFigure.scores(tsne, "knnAccuracy", ", ");
        ctx.paragraph("Trustworthiness (k = " + EmbeddingFigure.TRUST_K + "): " + trust + "." + (knn != null
                ? " Share of each point's 10 nearest neighbours in the map that are of its class: " + knn + "." : ""));
        String what = String.format(Locale.ROOT, "the first %,d images of %s", n, ctx.dataDescription());
        Map<?, ?> pcaMap = (Map<?, ?>) ((List<?>) pca.summary().get("maps")).get(0);
        String variance = String.format(Locale.ROOT, "%d components explain %.1f%% of the variance", pcaMap.get("components"),
                100 * (Double) pcaMap.get("explainedVariance"));
        ctx.figure("pca-scatter.png", "PCA of the features of " + what + ", one dot per image coloured by its class; "
                + variance + ".", pcaCommand);
        ctx.figure("tsne-scatter.png", "t-SNE (perplexity 30, Barnes-Hut, 1000 iterations, PCA initialisation) of the "
                + "same features, coloured by class.", tsneCommand);
        Map<?, ?> placed = (Map<?, ?>) tsne.summary().get("imageMap");
        ctx.figure("tsne.png", String.format(Locale.ROOT, "The same t-SNE map drawn with the images themselves: %s, "
                + "placed in %.1f s; similar garments gather.", placed.get("note"), (Double) placed.get("seconds")), tsneCommand);
    }

    /** The command that draws the figures of {@code o}, writing {@code out} (its scatter plot beside it). */
    private static NetvizCommand command(ReportContext ctx, EmbeddingFigure.Options o, String out) {
        NetvizCommand c = ctx.withDataOrScan(ctx.command("embed")).arg(o.arguments().toArray(String[]::new));
        return ctx.withOut(c, out, out);
    }
}
