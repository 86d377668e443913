package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import netviz.OutOfRangeException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.image.Preprocessing;
import netviz.io.Npy;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.methods.features.Pca;
import netviz.methods.features.Trustworthiness;
import netviz.methods.features.Tsne;
import netviz.render.ImageMap;
import netviz.render.Png;
import netviz.render.ScatterPlot;
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
    static final int TRUST_K = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

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

    @Option(names = "--grid", paramLabel = "G", defaultValue = "40", description = "Image map cells per side (default: ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--raw", paramLabel = "F.npy", description = "Also write the coordinates as .npy (labels and ids beside it).")
    Path raw;

    @Option(names = {"-o", "--out"}, paramLabel = "F.png",
            description = "The image map; the scatter plot goes to F-scatter.png (default: netviz-out/<model>-<method>.png).")
    Path out;

    /** An embedding with its name, trustworthiness and 10-NN class accuracy. */
    record Map(String name, double[] coords, int dim, double trust, double knn, String details) {
    }

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        String m = method.toLowerCase(Locale.ROOT);
        if (!m.equals("pca") && !m.equals("tsne") && !m.equals("t-sne")) {
            throw new netviz.UnknownNameException("method", method, List.of("pca", "tsne"));
        }
        boolean tsne = !m.equals("pca");
        if (dim != 2 && dim != 3) {
            throw new OutOfRangeException("--dim must be 2 or 3, got " + dim);
        }
        if (grid < 2 || grid > 200) {
            throw new OutOfRangeException("--grid must be between 2 and 200, got " + grid);
        }
        Limits.check("--iterations", iterations, 1, Limits.MAX_ITERATIONS);
        Tsne.Init in = switch (init.toLowerCase(Locale.ROOT)) {
            case "pca" -> Tsne.Init.PCA;
            case "random" -> Tsne.Init.RANDOM;
            default -> throw new netviz.UnknownNameException("initialisation", init, List.of("pca", "random"));
        };
        Tsne.Options to = Tsne.Options.defaults().withDim(dim).withPerplexity(perplexity).withIterations(iterations)
                .withTheta(theta).withSeed(seed).withInit(in);
        PrintWriter w = spec.commandLine().getOut();
        Preprocessing pre = preprocessing.resolve(model.graph());
        Dataset dataset = Datasets.open(data, pre);
        FeatureExtractor.Options fo = features.options();
        Features f;
        if (pixels) {
            f = FeatureExtractor.pixels(dataset, fo);
        } else {
            try (Interpreter ip = model.newInterpreter()) {
                f = FeatureExtractor.extract(ip, dataset, features.layer, fo);
            }
        }
        if (tsne || compare) {
            Tsne.validate(to, f.count());
        }
        if (f.count() <= 2 * TRUST_K) {
            throw new OutOfRangeException("embed needs more than " + 2 * TRUST_K + " examples to measure trustworthiness (k = "
                    + TRUST_K + "), got " + f.count());
        }
        w.printf(Locale.ROOT, "features  %s: %,d examples x %,d values%s%n", f.source(), f.count(), f.dim(),
                f.cached() ? " (from the cache)" : "");
        List<Map> maps = new ArrayList<>();
        Map pcaMap = null;
        Map tsneMap = null;
        if (!tsne || compare) {
            long t0 = System.nanoTime();
            Pca pca = Pca.fit(f.values(), f.dim(), Math.min(dim, f.dim()));
            double[] c = pca.transform(f.values());
            double expl = 0;
            for (double r : pca.explainedVarianceRatio()) {
                expl += r;
            }
            pcaMap = score("PCA", c, pca.count(), f, String.format(Locale.ROOT, "%d components explain %.1f%% of the variance, %.1f s",
                    pca.count(), 100 * expl, (System.nanoTime() - t0) / 1e9));
        }
        if (tsne || compare) {
            Tsne.Result r = Tsne.run(f.values(), f.dim(), to, features.progress());
            tsneMap = score("t-SNE", r.coordinates(), dim, f, String.format(Locale.ROOT,
                    "perplexity %s, %s, %d iterations, KL %.3f, %.1f s", fmtNum(perplexity), r.method(), r.iterations(),
                    r.klDivergence(), r.seconds()));
        }
        Map main = tsne ? tsneMap : pcaMap;
        Map other = tsne ? pcaMap : tsneMap;
        maps.add(main);
        if (other != null) {
            maps.add(other);
        }
        for (Map mp : maps) {
            w.printf(Locale.ROOT, "%-6s    %s%n", mp.name(), mp.details());
        }
        w.printf(Locale.ROOT, "trustworthiness (k = %d):  %s%n", TRUST_K, line(maps, true));
        if (f.labeled()) {
            w.printf(Locale.ROOT, "10-NN class accuracy in the map:  %s%n", line(maps, false));
        }
        if (pcaMap != null && tsneMap != null) {
            w.println(tsneMap.trust() > pcaMap.trust()
                    ? "t-SNE keeps more of each image's neighbourhood than the linear projection (PCA), which is why maps of"
                    + " learned features use it"
                    : "here PCA keeps neighbourhoods as well as t-SNE");
        }
        double[] xy = toPlane(main.coords(), main.dim());
        String projected = main.dim() == 3 ? " (3-D map shown by its 2-D PCA projection)" : "";
        String title = main.name() + " of " + (pixels ? "pixels" : f.layer()) + ", " + String.format(Locale.ROOT, "%,d", f.count())
                + " images, trustworthiness " + String.format(Locale.ROOT, "%.3f", main.trust()) + projected;
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-" + (tsne ? "tsne" : "pca") + ".png");
        String name = png.getFileName().toString();
        String stem = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        Path scatterPng = png.resolveSibling(stem + "-scatter.png");
        int classes = Math.max(f.classNames().size(), java.util.Arrays.stream(f.labels()).max().orElse(0) + 1);
        Dataset ds = dataset;
        var map = ImageMap.render(xy, f.labels(), classes, i -> pre.toImage(ds.get(f.indices()[i]).image(0)),
                new ImageMap.Options(grid, 28, title));
        Png.write(map, png);
        var scatter = ScatterPlot.render(xy, f.labels(), f.classNames(), ScatterPlot.Options.defaults(title));
        Png.write(scatter, scatterPng);
        w.println("wrote     " + png);
        w.println("wrote     " + scatterPng);
        if (raw != null) {
            String rn = raw.getFileName().toString();
            String rs = rn.endsWith(".npy") ? rn.substring(0, rn.length() - 4) : rn;
            Path coords = raw.resolveSibling(rs + ".npy");
            Npy.write(coords, Tensor.ofDoubles(new long[] {f.count(), main.dim()}, main.coords()));
            Features asRows = new Features(toFloats(main.coords()), f.count(), main.dim(), f.indices(), f.labels(), f.ids(),
                    f.classNames(), f.layer(), f.source(), false);
            List<Path> files = asRows.writeNpy(raw.resolveSibling(rs + "-rows.npy"));
            w.println("wrote     " + coords + " (float64 coordinates), " + files.get(1) + ", " + files.get(2));
        }
        w.flush();
    }

    private static Map score(String name, double[] coords, int dim, Features f, String details) {
        float[] y = toFloats(coords);
        double trust = Trustworthiness.of(f.values(), f.dim(), y, dim, TRUST_K);
        double knn = f.labeled() ? NearestNeighbors.knnAccuracy(y, dim, f.labels(), TRUST_K) : Double.NaN;
        return new Map(name, coords, dim, trust, knn, details);
    }

    private static String line(List<Map> maps, boolean trust) {
        StringBuilder b = new StringBuilder();
        for (Map m : maps) {
            if (b.length() > 0) {
                b.append("   ");
            }
            b.append(String.format(Locale.ROOT, "%s %.3f", m.name(), trust ? m.trust() : m.knn()));
        }
        return b.toString();
    }

    private static String fmtNum(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** 2-D coordinates for drawing: as they are, or the 2-D PCA projection of a 3-D map. */
    static double[] toPlane(double[] coords, int dim) {
        if (dim == 2) {
            return coords;
        }
        if (dim == 1) {
            double[] xy = new double[coords.length * 2];
            for (int i = 0; i < coords.length; i++) {
                xy[2 * i] = coords[i];
            }
            return xy;
        }
        return Pca.fit(toFloats(coords), dim, 2).transform(toFloats(coords));
    }

}
