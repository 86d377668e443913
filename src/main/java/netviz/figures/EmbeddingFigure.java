package netviz.figures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.UnknownNameException;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.GridAssignment;
import netviz.methods.features.NearestNeighbors;
import netviz.methods.features.Pca;
import netviz.methods.features.Trustworthiness;
import netviz.methods.features.Tsne;
import netviz.render.Figure;
import netviz.render.ImageMap;
import netviz.render.ScatterPlot;
import netviz.session.Session;

/**
 * A map of a layer's feature space (or of the raw pixels) in two or three dimensions: PCA, the
 * linear projection onto the directions of largest variance ({@link Pca}), or t-SNE, which places
 * points so that each keeps its nearest neighbours (van der Maaten &amp; Hinton 2008, {@link Tsne}).
 * Drawn twice: as an image map (each image's thumbnail in its own cell of a grid, placed by an optimal
 * assignment of images to cells so that every image is drawn once, up to {@value #MAX_ASSIGNED} images;
 * {@link ImageMap}, {@link GridAssignment}) and
 * as a scatter plot coloured by class ({@link ScatterPlot}); a 3-D map is drawn by its 2-D PCA
 * projection. The map is scored by its trustworthiness T(k = {@value #TRUST_K}) (Venna &amp; Kaski
 * 2001, {@link Trustworthiness}) and, when labelled, by the share of each point's {@value #TRUST_K}
 * nearest neighbours in the map that share its class; optionally the other method is run on the
 * same features and scored alike, for comparison.
 */
public final class EmbeddingFigure {
    /** The neighbourhood size of the scores. */
    public static final int TRUST_K = 10;
    /**
     * Most images the image map places by an optimal assignment ({@link GridAssignment}, time
     * O(N²·cells): about a second for 1,000); beyond, each cell shows the image nearest its centre and
     * the map says how many were drawn.
     */
    public static final int MAX_ASSIGNED = 2_000;
    /** Most t-SNE iterations. */
    static final int MAX_ITERATIONS = 100_000;

    /** The map's method. */
    public enum Method {
        PCA("PCA"), TSNE("t-SNE");

        private final String title;

        Method(String title) {
            this.title = title;
        }

        /** "PCA" or "t-SNE". */
        public String title() {
            return title;
        }

        /** "pca", "tsne" or "t-sne" (any case). */
        public static Method parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "pca" -> PCA;
                case "tsne", "t-sne" -> TSNE;
                default -> throw new UnknownNameException("method", s, List.of("pca", "tsne"));
            };
        }
    }

    /**
     * @param layer      layer whose activations are mapped (null: the input of the last fully connected layer)
     * @param limit      map only the first {@code limit} dataset images (0: all)
     * @param batchSize  images per forward pass
     * @param method     PCA or t-SNE
     * @param dim        2 or 3
     * @param perplexity t-SNE's perplexity
     * @param iterations t-SNE's iterations
     * @param theta      Barnes-Hut accuracy (0: exact)
     * @param seed       seed of t-SNE's random initialisation
     * @param init       t-SNE's initial layout
     * @param pixels     map the preprocessed pixels instead of a layer's features
     * @param compare    also run the other method and score it
     * @param grid       image map cells per side (raised to ⌈√n⌉ when the n images are assigned to cells)
     */
    public record Options(String layer, int limit, int batchSize, Method method, int dim, double perplexity,
                          int iterations, double theta, long seed, Tsne.Init init, boolean pixels, boolean compare,
                          int grid) {
        public Options {
            new FeatureExtractor.Options(batchSize, limit);   // checks --batch-size and --limit
            if (dim != 2 && dim != 3) {
                throw new OutOfRangeException("--dim must be 2 or 3, got " + dim);
            }
            if (grid < 2 || grid > 200) {
                throw new OutOfRangeException("--grid must be between 2 and 200, got " + grid);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new OutOfRangeException("--iterations must be between 1 and " + MAX_ITERATIONS + ", not " + iterations);
            }
        }

        /** The command's defaults: t-SNE (perplexity 30, 1000 iterations, θ 0.5, PCA start) compared with PCA, 40 × 40 cells. */
        public static Options defaults() {
            Tsne.Options t = Tsne.Options.defaults();
            return new Options(null, 0, 100, Method.TSNE, t.dim(), t.perplexity(), t.iterations(), t.theta(), t.seed(),
                    t.init(), false, true, 40);
        }

        public Options withLayer(String l) {
            return new Options(l, limit, batchSize, method, dim, perplexity, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withLimit(int n) {
            return new Options(layer, n, batchSize, method, dim, perplexity, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withBatchSize(int b) {
            return new Options(layer, limit, b, method, dim, perplexity, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withMethod(Method m) {
            return new Options(layer, limit, batchSize, m, dim, perplexity, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withDim(int d) {
            return new Options(layer, limit, batchSize, method, d, perplexity, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withPerplexity(double p) {
            return new Options(layer, limit, batchSize, method, dim, p, iterations, theta, seed, init, pixels, compare, grid);
        }

        public Options withIterations(int n) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, n, theta, seed, init, pixels, compare, grid);
        }

        public Options withTheta(double t) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, t, seed, init, pixels, compare, grid);
        }

        public Options withSeed(long s) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, theta, s, init, pixels, compare, grid);
        }

        public Options withInit(Tsne.Init i) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, theta, seed, i, pixels, compare, grid);
        }

        public Options withPixels(boolean p) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, theta, seed, init, p, compare, grid);
        }

        public Options withCompare(boolean c) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, theta, seed, init, pixels, c, grid);
        }

        public Options withGrid(int g) {
            return new Options(layer, limit, batchSize, method, dim, perplexity, iterations, theta, seed, init, pixels, compare, g);
        }

        /** How the features are read. */
        public FeatureExtractor.Options extraction() {
            return new FeatureExtractor.Options(batchSize, limit);
        }

        /** t-SNE's options. */
        public Tsne.Options tsne() {
            return Tsne.Options.defaults().withDim(dim).withPerplexity(perplexity).withIterations(iterations)
                    .withTheta(theta).withSeed(seed).withInit(init);
        }

        /** The {@code netviz embed} flags: the method, and every other option that differs from the defaults. */
        public List<String> arguments() {
            Options d = defaults();
            List<String> a = new ArrayList<>();
            if (layer != null) {
                a.addAll(List.of("--layer", layer));
            }
            a.addAll(List.of("--method", method == Method.PCA ? "pca" : "tsne"));
            if (limit != d.limit) {
                a.addAll(List.of("--limit", Integer.toString(limit)));
            }
            if (batchSize != d.batchSize) {
                a.addAll(List.of("--batch-size", Integer.toString(batchSize)));
            }
            if (dim != d.dim) {
                a.addAll(List.of("--dim", Integer.toString(dim)));
            }
            if (perplexity != d.perplexity) {
                a.addAll(List.of("--perplexity", number(perplexity)));
            }
            if (iterations != d.iterations) {
                a.addAll(List.of("--iterations", Integer.toString(iterations)));
            }
            if (theta != d.theta) {
                a.addAll(List.of("--theta", number(theta)));
            }
            if (seed != d.seed) {
                a.addAll(List.of("--seed", Long.toString(seed)));
            }
            if (init != d.init) {
                a.addAll(List.of("--init", init.name().toLowerCase(Locale.ROOT)));
            }
            if (pixels) {
                a.add("--pixels");
            }
            if (!compare) {
                a.add("--no-compare");
            }
            if (grid != d.grid) {
                a.addAll(List.of("--grid", Integer.toString(grid)));
            }
            return a;
        }
    }

    private EmbeddingFigure() {
    }

    /**
     * The features the map is made of: the session's cached features of the first
     * {@link Options#limit} dataset images at the layer, or their pixels.
     */
    public static Features features(Session s, Options o, Progress p) {
        return o.pixels() ? s.features().pixels(o.extraction(), p) : s.features().features(o.layer(), o.extraction(), p);
    }

    /** The map of {@link #features}; see {@link #make(Session, Features, Options, Progress)}. */
    public static FigureResult make(Session s, Options o, Progress p) {
        return make(s, features(s, o, p), o, p);
    }

    /**
     * The map of the rows of {@code f} (dataset images, by {@link Features#indices()}): figures the
     * image map and the scatter plot; array {@code coordinates} (count × dim); summary {@code method},
     * {@code layer}, {@code count}, {@code dim}, {@code title}, {@code coordinates} (the same, as
     * doubles), {@code plane} (the 2-D coordinates drawn, count × 2), {@code indices}, {@code labels}, {@code maps} (the map first, then the compared one:
     * {@code name}, {@code trustworthiness}, {@code knnAccuracy} (null without labels), {@code details},
     * and for PCA {@code components} and {@code explainedVariance}), {@code imageMap} ({@code placing}
     * "assignment" or "nearest-in-cell", {@code grid} cells per side — raised to ⌈√count⌉ for an
     * assignment —, {@code drawn} images, {@code count}, {@code seconds} of placing, {@code note} in
     * words) and {@code verdict} (which keeps neighbourhoods better, when both were run).
     */
    public static FigureResult make(Session s, Features f, Options o, Progress p) {
        return make(s, f, o, p, true);
    }

    /**
     * As {@link #make(Session, Features, Options, Progress)}, but without the image map when
     * {@code imageMap} is false (its assignment takes seconds for a thousand images): then the figures
     * are the scatter plot alone and the summary has no {@code imageMap}.
     */
    public static FigureResult make(Session s, Features f, Options o, Progress p, boolean imageMap) {
        boolean tsne = o.method() == Method.TSNE;
        if (tsne || o.compare()) {
            Tsne.validate(o.tsne(), f.count());
        }
        if (f.count() <= 2 * TRUST_K) {
            throw new OutOfRangeException("embed needs more than " + 2 * TRUST_K + " examples to measure trustworthiness (k = "
                    + TRUST_K + "), got " + f.count());
        }
        Map<String, Object> pcaMap = null;
        Map<String, Object> tsneMap = null;
        double[] pcaCoords = null;
        double[] tsneCoords = null;
        int pcaDim = 0;
        if (!tsne || o.compare()) {
            long t0 = System.nanoTime();
            Pca pca = Pca.fit(f.values(), f.dim(), Math.min(o.dim(), f.dim()));
            pcaCoords = pca.transform(f.values());
            pcaDim = pca.count();
            double expl = 0;
            for (double r : pca.explainedVarianceRatio()) {
                expl += r;
            }
            pcaMap = score("PCA", pcaCoords, pcaDim, f, String.format(Locale.ROOT,
                    "%d components explain %.1f%% of the variance, %.1f s", pca.count(), 100 * expl,
                    (System.nanoTime() - t0) / 1e9));
            pcaMap.put("components", pca.count());
            pcaMap.put("explainedVariance", expl);
        }
        if (tsne || o.compare()) {
            Tsne.Result r = Tsne.run(f.values(), f.dim(), o.tsne(), p);
            tsneCoords = r.coordinates();
            tsneMap = score("t-SNE", tsneCoords, o.dim(), f, String.format(Locale.ROOT,
                    "perplexity %s, %s, %d iterations, KL %.3f, %.1f s", number(o.perplexity()), r.method(), r.iterations(),
                    r.klDivergence(), r.seconds()));
        }
        Map<String, Object> main = tsne ? tsneMap : pcaMap;
        Map<String, Object> other = tsne ? pcaMap : tsneMap;
        double[] coords = tsne ? tsneCoords : pcaCoords;
        int dim = tsne ? o.dim() : pcaDim;
        double[] xy = toPlane(coords, dim);
        String projected = dim == 3 ? " (3-D map shown by its 2-D PCA projection)" : "";
        String title = main.get("name") + " of " + (o.pixels() ? "pixels" : f.layer()) + ", "
                + String.format(Locale.ROOT, "%,d", f.count()) + " images, trustworthiness "
                + String.format(Locale.ROOT, "%.3f", (Double) main.get("trustworthiness")) + projected;
        int classes = Math.max(f.classNames().size(), Arrays.stream(f.labels()).max().orElse(0) + 1);
        Figure scatter = ScatterPlot.render(xy, f.labels(), f.classNames(), ScatterPlot.Options.defaults(title));
        List<Map<String, Object>> maps = new ArrayList<>();
        maps.add(main);
        if (other != null) {
            maps.add(other);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", o.method() == Method.PCA ? "pca" : "tsne");
        summary.put("layer", o.pixels() ? FeatureExtractor.PIXELS : f.layer());
        summary.put("count", f.count());
        summary.put("dim", dim);
        summary.put("title", title);
        summary.put("coordinates", coords);
        summary.put("plane", xy);
        summary.put("indices", f.indices());
        summary.put("labels", f.labels());
        summary.put("maps", maps);
        List<Figure> figures = new ArrayList<>();
        if (imageMap) {
            drawImageMap(s, f, o, xy, title, classes, figures, summary);
        }
        figures.add(scatter);
        if (pcaMap != null && tsneMap != null) {
            summary.put("verdict", (Double) tsneMap.get("trustworthiness") > (Double) pcaMap.get("trustworthiness")
                    ? "t-SNE keeps more of each image's neighbourhood than the linear projection (PCA), which is why maps of"
                    + " learned features use it"
                    : "here PCA keeps neighbourhoods as well as t-SNE");
        }
        return new FigureResult(figures,
                Map.of("coordinates", new RawArray(toFloats(coords), new long[] {f.count(), dim})), summary);
    }

    /** The image map of the plane {@code xy} (into {@code figures}) and what it drew (into {@code summary}). */
    private static void drawImageMap(Session s, Features f, Options o, double[] xy, String title, int classes,
                                     List<Figure> figures, Map<String, Object> summary) {
        boolean assign = f.count() <= MAX_ASSIGNED;
        int grid = assign ? Math.max(o.grid(), GridAssignment.side(f.count())) : o.grid();
        long a0 = System.nanoTime();
        ImageMap.Placing placing = assign ? ImageMap.Placing.ASSIGNMENT : ImageMap.Placing.NEAREST_IN_CELL;
        ImageMap.Placement placement = ImageMap.place(xy, grid, placing);
        double placingSeconds = (System.nanoTime() - a0) / 1e9;
        int drawn = placement.shown();
        String mapTitle = title + "\n" + drawnNote(drawn, f.count(), grid);
        Figure map = ImageMap.render(placement, f.labels(), classes,
                i -> s.preprocessing().toImage(NeighborsFigure.images(s, f, i).image(0)),
                new ImageMap.Options(grid, 28, mapTitle, placing));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("placing", assign ? "assignment" : "nearest-in-cell");
        m.put("grid", grid);
        m.put("drawn", drawn);
        m.put("count", f.count());
        m.put("seconds", placingSeconds);
        m.put("note", drawnNote(drawn, f.count(), grid));
        figures.add(map);
        summary.put("imageMap", m);
    }

    /**
     * How many images the image map draws, in words: "all 1,000 images drawn, one per cell of a 40 x 40
     * grid (optimal assignment)" or, beyond {@link #MAX_ASSIGNED} images, "2,310 of 10,000 images
     * drawn (in each cell the one nearest its centre)".
     */
    static String drawnNote(int drawn, int count, int grid) {
        return drawn == count
                ? String.format(Locale.ROOT, "all %,d images drawn, one per cell of a %d x %d grid (optimal assignment)", count, grid, grid)
                : String.format(Locale.ROOT, "%,d of %,d images drawn on a %d x %d grid (in each cell the one nearest its centre;"
                        + " more than %,d images are not assigned)", drawn, count, grid, grid, MAX_ASSIGNED);
    }

    /**
     * Each map's score {@code key} ("trustworthiness" or "knnAccuracy") of a result of {@link #make}:
     * "t-SNE 0.912" and "PCA 0.874" joined by {@code separator}; null when a map has no such score.
     */
    public static String scores(FigureResult r, String key, String separator) {
        StringBuilder b = new StringBuilder();
        for (Object o : (List<?>) r.summary().get("maps")) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (!(m.get(key) instanceof Double v)) {
                return null;
            }
            b.append(b.length() > 0 ? separator : "").append(String.format(Locale.ROOT, "%s %.3f", m.get("name"), v));
        }
        return b.toString();
    }

    private static Map<String, Object> score(String name, double[] coords, int dim, Features f, String details) {
        float[] y = toFloats(coords);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("trustworthiness", Trustworthiness.of(f.values(), f.dim(), y, dim, TRUST_K));
        m.put("knnAccuracy", f.labeled() ? NearestNeighbors.knnAccuracy(y, dim, f.labels(), TRUST_K) : null);
        m.put("details", details);
        return m;
    }

    /** "30" for a whole number, else as Java writes the double. */
    static String number(double v) {
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
