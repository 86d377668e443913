package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.NDManager;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Interpreter;
import netviz.image.ImageInput;
import netviz.image.Preprocessing;
import netviz.io.FloatArray;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.render.Figure;
import netviz.render.Layout;
import netviz.render.NeighborSheet;
import netviz.render.Png;
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
        if (tile < 8) {
            throw new OutOfRangeException("--tile must be at least 8 pixels, got " + tile);
        }
        Limits.check("--tile", tile, 8, Limits.MAX_TILE);
        Limits.check("--k", k, 1, Limits.MAX_LIST);
        NearestNeighbors.Metric m = NearestNeighbors.Metric.parse(metric);
        PrintWriter w = spec.commandLine().getOut();
        Preprocessing pre = preprocessing.resolve(model.graph());
        Dataset dataset = Datasets.open(data, pre);
        FeatureExtractor.Options fo = features.options();
        try (Interpreter ip = model.newInterpreter()) {
            Features f = FeatureExtractor.extract(ip, dataset, features.layer, fo);
            for (int i : indices) {
                if (i < 0 || i >= f.count()) {
                    throw new OutOfRangeException("--index " + i + " is outside the dataset's " + f.count() + " examples (0.."
                            + (f.count() - 1) + ")");
                }
            }
            int available = images.isEmpty() ? f.count() - 1 : indices.isEmpty() ? f.count() : f.count() - 1;
            if (k < 1 || k > available) {
                throw new OutOfRangeException("--k " + k + " is larger than the dataset allows: " + f.dataSize(available));
            }
            List<ImageInput> loaded = new ArrayList<>();
            for (Path p : images) {
                loaded.add(ImageInput.load(p, pre));
            }
            w.printf(Locale.ROOT, "features  %s: %,d examples x %,d values%s%n", f.source(), f.count(), f.dim(),
                    f.cached() ? " (from the cache)" : "");
            if (raw != null) {
                w.println("wrote     " + f.writeNpy(raw));
            }
            Figure sheet = sheet(f, dataset, pre, m, queryFeatures(ip, f.layer(), loaded), loaded, "feature space (" + f.layer() + ")", w);
            if (pixelSpace) {
                Features px = FeatureExtractor.pixels(dataset, fo.withCacheDir(null));
                float[] q = new float[loaded.size() * px.dim()];
                for (int i = 0; i < loaded.size(); i++) {
                    float[] d = loaded.get(i).image().data();
                    if (d.length != px.dim()) {
                        throw new netviz.ShapeMismatchException("image '" + loaded.get(i).id() + "' has " + d.length
                                + " pixels after preprocessing, the dataset's images " + px.dim());
                    }
                    System.arraycopy(d, 0, q, i * px.dim(), d.length);
                }
                Figure pix = sheet(px, dataset, pre, m, q, loaded, "pixel space", w);
                sheet = Layout.row(List.of(sheet, pix), 40, Layout.Align.START);
            }
            Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-neighbors.png");
            Png.write(Layout.pad(sheet, 12), png);
            w.println("wrote     " + png);
            w.flush();
        }
    }

    /** Features of the query image files at the layer. */
    private static float[] queryFeatures(Interpreter ip, String layer, List<ImageInput> loaded) {
        if (loaded.isEmpty()) {
            return new float[0];
        }
        try (NDManager scope = ip.newScope()) {
            var x = ImageInput.stack(loaded).toNDArray(scope);
            return FloatArray.of(ip.forward(scope, x, layer).get(layer)).data();
        }
    }

    private Figure sheet(Features f, Dataset dataset, Preprocessing pre, NearestNeighbors.Metric m, float[] imageQueries,
                         List<ImageInput> loaded, String space, PrintWriter w) {
        NearestNeighbors nn = new NearestNeighbors(f.values(), f.dim(), m);
        if (imageQueries.length != loaded.size() * f.dim()) {
            throw new netviz.ShapeMismatchException("the query images give " + imageQueries.length / Math.max(1, loaded.size())
                    + " features each, the dataset's examples " + f.dim());
        }
        NearestNeighbors.Result byIndex = indices.isEmpty() ? null : nn.neighborsOf(indices.stream().mapToInt(Integer::intValue).toArray(), k);
        NearestNeighbors.Result byImage = loaded.isEmpty() ? null : nn.search(imageQueries, k);
        List<NeighborSheet.Row> rows = new ArrayList<>();
        int same = 0;
        int judged = 0;
        w.println();
        w.println("nearest neighbours in " + space + " (" + m.name().toLowerCase(Locale.ROOT) + " distance)");
        for (int q = 0; q < indices.size() + loaded.size(); q++) {
            boolean isIndex = q < indices.size();
            NearestNeighbors.Result r = isIndex ? byIndex : byImage;
            int row = isIndex ? q : q - indices.size();
            int[] nb = new int[k];
            for (int t = 0; t < k; t++) {
                nb[t] = r.index(row, t);
            }
            Batch b = dataset.get(nb);
            int queryLabel;
            NeighborSheet.Cell queryCell;
            String queryName;
            if (isIndex) {
                int qi = indices.get(q);
                Batch qb = dataset.get(qi);
                queryLabel = f.labels()[qi];
                queryName = "#" + qi + (f.labeled() ? " " + f.className(qi) : "");
                queryCell = new NeighborSheet.Cell(pre.toImage(qb.image(0)), List.of("query #" + qi, f.className(qi)), null);
            } else {
                ImageInput in = loaded.get(row);
                queryLabel = -1;
                queryName = in.id();
                queryCell = new NeighborSheet.Cell(pre.toImage(in.image()), List.of("query", Path.of(in.id()).getFileName().toString()), null);
            }
            List<NeighborSheet.Cell> cells = new ArrayList<>();
            StringBuilder line = new StringBuilder("  " + queryName + ":");
            for (int t = 0; t < k; t++) {
                int j = nb[t];
                Boolean match = queryLabel >= 0 && f.labels()[j] >= 0 ? f.labels()[j] == queryLabel : null;
                if (match != null) {
                    judged++;
                    same += match ? 1 : 0;
                }
                String dist = String.format(Locale.ROOT, "d=%.3g", r.distance(row, t));
                List<String> caption = f.labeled() ? List.of(f.className(j), "#" + j, dist) : List.of("#" + j, dist);
                cells.add(new NeighborSheet.Cell(pre.toImage(b.image(t)), caption, match));
                line.append(String.format(Locale.ROOT, "  #%d %s (%.3g)", j, f.className(j), r.distance(row, t)));
            }
            w.println(line);
            rows.add(new NeighborSheet.Row(queryCell, cells));
        }
        String title = space;
        if (judged > 0) {
            String share = String.format(Locale.ROOT, "%.0f%%", 100.0 * same / judged);
            w.println("  neighbours of the query's class: " + share + " (" + same + " of " + judged + ")");
            title += ": " + share + " of neighbours share the query's class";
        }
        return NeighborSheet.render(rows, tile, title);
    }
}
