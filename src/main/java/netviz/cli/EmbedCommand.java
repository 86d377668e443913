package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import netviz.UnknownNameException;
import netviz.engine.Tensor;
import netviz.figures.EmbeddingFigure;
import netviz.figures.FigureResult;
import netviz.io.Npy;
import netviz.methods.features.Features;
import netviz.methods.features.Tsne;
import netviz.render.Png;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netviz embed}: a PCA or t-SNE map of a layer's feature space, as thumbnails and as a class scatter. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Map a layer's feature space to 2-D (or 3-D) with PCA or t-SNE and draw it twice: as an image map "
                + "(thumbnails on a grid, no overlaps) and as a scatter plot coloured by class.",
                "Prints the trustworthiness (k = 10) of the map and compares PCA's and t-SNE's on the same features."})
public final class EmbedCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ScanOptions scan;

    @Option(names = "--data", paramLabel = "DATA", description = "Dataset to map (default: the bundled Fashion-MNIST test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    FeatureOptions features;

    @Option(names = "--method", paramLabel = "M", defaultValue = "tsne", description = "pca or tsne (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "2", description = "2 or 3 (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--perplexity", paramLabel = "P", defaultValue = "30", description = "t-SNE perplexity (default: ${DEFAULT-VALUE}).")
    double perplexity;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000", description = "t-SNE iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--theta", paramLabel = "T", defaultValue = "0.5", description = "Barnes-Hut accuracy, 0 = exact (default: ${DEFAULT-VALUE}).")
    double theta;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (t-SNE with --init random) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--init", paramLabel = "I", defaultValue = "pca", description = "t-SNE initial layout: pca or random (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--pixels", description = "Map the raw (preprocessed) pixels instead of a layer's features.")
    boolean pixels;

    @Option(names = "--compare", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also compute the other method and compare trustworthiness (default: on).")
    boolean compare;

    @Option(names = "--grid", paramLabel = "G", defaultValue = "40", description = "Image map cells per side (default: ${DEFAULT-VALUE}); raised to the square root of the image count "
            + "so that every image gets its own cell (up to 2,000 images; beyond, the map says how many it drew).")
    int grid;

    @Option(names = "--raw", paramLabel = "F.npy", description = "Also write the coordinates as .npy (labels and ids beside it).")
    Path raw;

    @Option(names = {"-o", "--out"}, paramLabel = "F.png",
            description = "The image map; the scatter plot goes to F-scatter.png (default: netviz-out/<model>-<method>.png).")
    Path out;

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        EmbeddingFigure.Method m = EmbeddingFigure.Method.parse(method);
        EmbeddingFigure.Options o = EmbeddingFigure.Options.defaults().withMethod(m).withDim(dim).withGrid(grid)
                .withIterations(Limits.check("--iterations", iterations, 1, Limits.MAX_ITERATIONS));
        Tsne.Init in = switch (init.toLowerCase(Locale.ROOT)) {
            case "pca" -> Tsne.Init.PCA;
            case "random" -> Tsne.Init.RANDOM;
            default -> throw new UnknownNameException("initialisation", init, List.of("pca", "random"));
        };
        o = o.withPerplexity(perplexity).withTheta(theta).withSeed(seed).withInit(in).withPixels(pixels).withCompare(compare)
                .withLayer(features.layer).withLimit(features.limit()).withBatchSize(features.batchSize());
        PrintWriter w = spec.commandLine().getOut();
        try (Session s = features.session(model, scan, preprocessing, data); TerminalProgress bars = features.progress()) {
            FigureResult r = EmbeddingFigure.make(s, o, bars);
            Features f = EmbeddingFigure.features(s, o, bars);
            w.printf(Locale.ROOT, "features  %s: %,d examples x %,d values%s%n", f.source(), f.count(), f.dim(),
                    f.cached() ? " (from the cache)" : "");
            for (Object mp : (List<?>) r.summary().get("maps")) {
                w.printf(Locale.ROOT, "%-6s    %s%n", ((Map<?, ?>) mp).get("name"), ((Map<?, ?>) mp).get("details"));
            }
            w.printf(Locale.ROOT, "trustworthiness (k = %d):  %s%n", EmbeddingFigure.TRUST_K,
                    EmbeddingFigure.scores(r, "trustworthiness", "   "));
            if (f.labeled()) {
                w.printf(Locale.ROOT, "10-NN class accuracy in the map:  %s%n", EmbeddingFigure.scores(r, "knnAccuracy", "   "));
            }
            if (r.summary().containsKey("verdict")) {
                w.println(r.summary().get("verdict"));
            }
            Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-"
                    + (m == EmbeddingFigure.Method.TSNE ? "tsne" : "pca") + ".png");
            String name = png.getFileName().toString();
            String stem = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            Path scatterPng = png.resolveSibling(stem + "-scatter.png");
            Png.write(r.figures().get(0), png);
            Png.write(r.figures().get(1), scatterPng);
            w.println("wrote     " + png);
            w.println("wrote     " + scatterPng);
            if (raw != null) {
                String rn = raw.getFileName().toString();
                String rs = rn.endsWith(".npy") ? rn.substring(0, rn.length() - 4) : rn;
                Path coords = raw.resolveSibling(rs + ".npy");
                int d = (Integer) r.summary().get("dim");
                double[] c = (double[]) r.summary().get("coordinates");
                Npy.write(coords, Tensor.ofDoubles(new long[] {f.count(), d}, c));
                Features asRows = new Features(r.arrays().get("coordinates").values(), f.count(), d, f.indices(), f.labels(),
                        f.ids(), f.classNames(), f.layer(), f.source(), false);
                List<Path> files = asRows.writeNpy(raw.resolveSibling(rs + "-rows.npy"));
                w.println("wrote     " + coords + " (float64 coordinates), " + files.get(1) + ", " + files.get(2));
            }
            w.flush();
        }
    }
}
