package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import netviz.NetvizException;
import netviz.figures.FigureResult;
import netviz.figures.NeighborsFigure;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.render.Png;
import netviz.session.Picture;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netviz neighbors}: the images nearest to a query in a layer's feature space (Krizhevsky et al. 2012, fig. 4). */
@Command(name = "neighbors", mixinStandardHelpOptions = true,
        description = {"Show the k nearest neighbours of query images in a layer's feature space, one row per query "
                + "(the figure of Krizhevsky et al. 2012); --pixel-space adds the neighbours by raw pixels beside them.",
                "Queries are dataset examples (--index) or image files (--image). Features are cached on disk."})
public final class NeighborsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ScanOptions scan;

    @Option(names = "--data", paramLabel = "DATA", description = "Dataset to search (default: the bundled Fashion-MNIST test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    FeatureOptions features;

    @Option(names = "--image", paramLabel = "FILE", arity = "1..*", description = "Query image file(s).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--index", paramLabel = "N", arity = "1..*", description = "Query dataset example(s) by index.")
    List<Integer> indices = new ArrayList<>();

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "8", description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", paramLabel = "M", defaultValue = "euclidean",
            description = "euclidean or cosine (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--pixel-space", description = "Also show the nearest neighbours by raw (preprocessed) pixels.")
    boolean pixelSpace;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "64", description = "Thumbnail size in pixels (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--raw", paramLabel = "F.npy", description = "Also write the dataset's features as .npy (labels and ids beside it).")
    Path raw;

    @Option(names = {"-o", "--out"}, paramLabel = "F.png", description = "Where to write the figure (default: netviz-out/<model>-neighbors.png).")
    Path out;

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        if (images.isEmpty() && indices.isEmpty()) {
            throw new NetvizException("give the queries: --index N (dataset examples) or --image FILE");
        }
        NeighborsFigure.Options o = NeighborsFigure.Options.defaults().withTile(tile).withK(k)
                .withMetric(NearestNeighbors.Metric.parse(metric)).withPixelSpace(pixelSpace)
                .withLayer(features.layer).withLimit(features.limit()).withBatchSize(features.batchSize());
        PrintWriter w = spec.commandLine().getOut();
        try (Session s = features.session(model, scan, preprocessing, data); TerminalProgress bars = features.progress()) {
            List<Picture> queries = new ArrayList<>();
            for (Path p : images) {
                queries.add(s.picture(p));
            }
            FigureResult r = NeighborsFigure.make(s, indices, queries, o, bars);
            Features f = s.features().features(o.layer(), o.extraction(), bars);
            w.printf(Locale.ROOT, "features  %s: %,d examples x %,d values%s%n", f.source(), f.count(), f.dim(),
                    f.cached() ? " (from the cache)" : "");
            if (raw != null) {
                w.println("wrote     " + f.writeNpy(raw));
            }
            for (Object space : (List<?>) r.summary().get("spaces")) {
                print(w, (Map<?, ?>) space);
            }
            Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-neighbors.png");
            Png.write(r.figure(), png);
            w.println("wrote     " + png);
            w.flush();
        }
    }

    /** The neighbours of each query in one space, one line per query, and the share of the query's class. */
    private static void print(PrintWriter w, Map<?, ?> space) {
        w.println();
        w.println("nearest neighbours in " + space.get("space") + " (" + space.get("metric") + " distance)");
        for (Object q : (List<?>) space.get("queries")) {
            Map<?, ?> query = (Map<?, ?>) q;
            StringBuilder line = new StringBuilder("  " + query.get("query") + ":");
            for (Object n : (List<?>) query.get("neighbors")) {
                Map<?, ?> nb = (Map<?, ?>) n;
                line.append(String.format(Locale.ROOT, "  #%d %s (%.3g)", nb.get("index"), nb.get("className"), nb.get("distance")));
            }
            w.println(line);
        }
        int same = (Integer) space.get("same");
        int judged = (Integer) space.get("judged");
        if (judged > 0) {
            w.println("  neighbours of the query's class: " + NeighborsFigure.share(same, judged) + " (" + same + " of "
                    + judged + ")");
        }
    }
}
