package netviz.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.attribution.Target;
import netviz.methods.features.Tsne;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.neurons.CenterBias;
import netviz.methods.neurons.MultifacetedVisualization;
import netviz.methods.neurons.Regularizers;
import netviz.render.FacetSheet;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Png;
import netviz.render.ScatterPlot;
import netviz.render.Ticks;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz facets}: multifaceted feature visualization ({@link MultifacetedVisualization},
 * Nguyen, Yosinski and Clune 2016) — one synthesised image per facet of a unit, beside real images
 * of each facet, and the t-SNE map of the unit's top images coloured by facet.
 */
@Command(name = "facets", mixinStandardHelpOptions = true,
        description = {"Multifaceted feature visualization (Nguyen, Yosinski & Clune 2016): take the images that activate "
                + "a unit most, map their last-hidden-layer features to 2-D with t-SNE, cluster the map with k-means, and "
                + "start activation maximization (with the centre bias) from the mean of the images closest to each "
                + "centroid: one picture per kind of image the unit responds to.",
                "Writes facets.png (one row per facet: synthesised image, mean image, real images), scatter.png (the "
                        + "t-SNE map coloured by facet) and facet-N.png into --out DIR."})
public final class FacetsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DATA", description = "Dataset to search (default: the Fashion-MNIST training "
            + "split in " + "/usr/share/datasets/fashion-mnist for the bundled model when it is installed, as the paper uses "
            + "training images; else the bundled test split).")
    Path data;

    @Option(names = {"-t", "--target"}, paramLabel = "CLASS", description = "Class index or name (its logit is the unit).")
    String target;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "The unit's layer instead of a class.")
    String layer;

    @Option(names = {"-c", "--channel"}, paramLabel = "C", description = "Channel of --layer (its mean over positions).")
    Integer channel;

    @Option(names = "--position", paramLabel = "Y,X", description = "One neuron of the channel instead of its mean.")
    String position;

    @Option(names = {"-k", "--facets"}, paramLabel = "K", defaultValue = "4", description = "Number of facets (default: ${DEFAULT-VALUE}).")
    int facets;

    @Option(names = "--top-share", paramLabel = "S", defaultValue = "0.1",
            description = "Share of the images, by activation, that make up the unit's top images (default: ${DEFAULT-VALUE}).")
    double topShare;

    @Option(names = "--top", paramLabel = "N", defaultValue = "0", description = "Use the top N images instead of a share.")
    int top;

    @Option(names = "--mean-of", paramLabel = "N", defaultValue = "15",
            description = "Images closest to each centroid averaged into the starting image (default: ${DEFAULT-VALUE}, the paper's).")
    int meanOf;

    @Option(names = "--feature-layer", paramLabel = "L",
            description = "Layer whose features are mapped with t-SNE (default: the input of the last fully connected layer).")
    String featureLayer;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Scan only the first N images (default: all).")
    int limit;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "50",
            description = "Activation maximization steps per facet (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--step", paramLabel = "ETA", defaultValue = "0.01", description = "Step size in model-input units (default: ${DEFAULT-VALUE}).")
    double step;

    @Option(names = "--decay", paramLabel = "THETA", description = "L2 decay per step, [0, 1) (default: 0.0001).")
    Double decay;

    @Option(names = "--blur", paramLabel = "SIGMA", description = "Gaussian blur radius in pixels (default: 0, off).")
    Double blur;

    @Option(names = "--blur-every", paramLabel = "N", description = "Blur every N steps (default with --blur: every step).")
    Integer blurEvery;

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift of up to PX pixels before each step (default: 1).")
    Integer jitter;

    @Option(names = "--center-bias", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Centre-biased regularisation: the update window grows from the centre (default: on).")
    boolean centerBias;

    @Option(names = "--tsne-iterations", paramLabel = "N", defaultValue = "1000", description = "t-SNE iterations (default: ${DEFAULT-VALUE}).")
    int tsneIterations;

    @Option(names = "--perplexity", paramLabel = "P", defaultValue = "30",
            description = "t-SNE perplexity, lowered automatically for few images (default: ${DEFAULT-VALUE}).")
    double perplexity;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of t-SNE, k-means and the jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "8", description = "Real images shown per facet, the cluster's closest to its centre (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "112", description = "Size of each synthesised image in the sheet (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: netviz-out/<model>-facets).")
    Path out;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    /** The JSON summary of one facet. */
    record FacetJson(int facet, int size, double activation, Double probability, double startActivation, double[] centroid,
                     int[] closest, int[] examples, String file) {
    }

    /** The JSON summary. */
    record Summary(String model, String dataset, String unit, String className, int scanned, int topImages,
                   double threshold, String featureLayer, double klDivergence, double[] pairwiseDistances,
                   List<FacetJson> facets, Map<String, String> files) {
    }

    @Override
    public void run() {
        if ((target != null) == (layer != null)) {
            throw new NetvizException("give either --target CLASS or --layer L --channel C");
        }
        if (layer != null && channel == null) {
            throw new NetvizException("--layer needs --channel C");
        }
        if (layer == null && (channel != null || position != null)) {
            throw new NetvizException("--channel and --position need --layer");
        }
        if (iterations < 1 || iterations > 100_000) {
            throw new OutOfRangeException("--iterations must be between 1 and 100000, not " + iterations);
        }
        if (tile < 16 || tile > 1024) {
            throw new OutOfRangeException("--tile must be between 16 and 1024 pixels, not " + tile);
        }
        if (examples < 0 || examples > 64) {
            throw new OutOfRangeException("--examples must be between 0 and 64, not " + examples);
        }
        if (!(topShare > 0 && topShare <= 1)) {
            throw new OutOfRangeException("--top-share must be in (0, 1], not " + topShare);
        }
        if (top != 0 && spec.commandLine().getParseResult().hasMatchedOption("--top-share")) {
            throw new NetvizException("--top N and --top-share S both choose the top images; give one of them");
        }
        if (top < 0) {
            throw new OutOfRangeException("--top must be 0 (use --top-share) or positive, not " + top);
        }
        if (tsneIterations < 1) {
            throw new OutOfRangeException("--tsne-iterations must be at least 1, not " + tsneIterations);
        }
        Limits.check("--tsne-iterations", tsneIterations, 1, Limits.MAX_ITERATIONS);
        Limits.check("--top", top, 0, Limits.MAX_LIST * 10L);
        Limits.check("--facets", facets, 1, 64);
        Limits.check("--mean-of", meanOf, 1, Limits.MAX_LIST);
        Graph graph = model.graph();
        ModelConfig config = ModelConfig.of(graph);
        Preprocessing pre = config.resolvePreprocessing(null, graph);
        PrintWriter w = spec.commandLine().getOut();
        Dataset dataset = defaultData(pre);
        if (!json) {
            w.println("data      " + dataset.description() + (data == null ? "  (default"
                    + (dataset.size() > 10_000 ? ": the training split, as in the paper)" : ")") : ""));
            w.flush();
        }
        try (Interpreter ip = model.newInterpreter()) {
            netviz.methods.unit.Unit request;
            String className = null;
            if (target != null) {
                String scores = ScoreTensor.find(graph);
                Labels labels = Labels.forModel(null, config, (int) outputs(ip, scores));
                int k = ((Target.ClassScore) Target.parseClass(target, labels.names())).classes()[0];
                request = netviz.methods.unit.Unit.classScore(k);
                className = labels.name(k);
            } else {
                int[] yx = position == null ? null : ReceptiveFieldCommand.parsePosition(position);
                request = new netviz.methods.unit.Unit(layer, channel, yx);
            }
            Regularizers reg = MultifacetedVisualization.Options.defaultRegularizers();
            if (!centerBias) {
                reg = reg.withCenterBias(CenterBias.NONE);
            }
            if (decay != null) {
                reg = reg.withDecay(decay);
            }
            if (blur != null || blurEvery != null) {
                reg = reg.withBlur(blur != null ? blur : reg.blurSigma(), blurEvery != null ? blurEvery
                        : reg.blurEvery() > 0 ? reg.blurEvery() : 1);
            }
            if (jitter != null) {
                reg = reg.withJitter(jitter);
            }
            MultifacetedVisualization.Options o = MultifacetedVisualization.Options.defaults()
                    .withTopShare(topShare).withTopCount(top).withFacets(facets).withMeanOf(meanOf)
                    .withFeatureLayer(featureLayer).withLimit(limit).withSeed(seed)
                    .withTsne(Tsne.Options.defaults().withIterations(tsneIterations).withPerplexity(perplexity))
                    .withMaximization(ActivationMaximization.Options.defaults().withIterations(iterations).withStep(step)
                            .withRegularizers(reg));
            MultifacetedVisualization mfv = new MultifacetedVisualization(ip, dataset);
            MultifacetedVisualization.Result r;
            try (TerminalProgress bar = new TerminalProgress(progress)) {
                r = mfv.run(request, o, bar);
            }
            write(r, o, dataset, pre, className, w);
            model.printNotes(spec.commandLine().getErr(), request.isClassScore());
        }
    }

    private Dataset defaultData(Preprocessing pre) {
        if (data != null) {
            return Datasets.open(data, pre);
        }
        if (isBundledModel() && Files.isDirectory(Datasets.SYSTEM_FASHION_MNIST)) {
            try {
                return Datasets.fashionMnist(Datasets.SYSTEM_FASHION_MNIST, "train", pre);
            } catch (NetvizException missing) {
                // no training split installed: fall back to the bundled test split
            }
        }
        return Datasets.open(null, pre);
    }

    /** Whether the model is the bundled one (named or not). */
    private boolean isBundledModel() {
        if (!model.isExplicit()) {
            return true;
        }
        Path bundled = ModelOptions.home().resolve(ModelOptions.BUNDLED_MODEL);
        try {
            return Files.isRegularFile(bundled) && Files.isSameFile(bundled, model.path());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void write(MultifacetedVisualization.Result r, MultifacetedVisualization.Options o, Dataset dataset,
                       Preprocessing pre, String className, PrintWriter w) {
        int[] chw = r.imageShape();
        int c = chw[0];
        int h = chw[1];
        int wd = chw[2];
        int per = c * h * wd;
        String unit = className != null ? className + " (class " + r.channel() + ", " + r.tensor() + ")" : r.unit();
        int k = r.facets().size();
        String what = r.classScore() ? "logit " : "value ";
        List<FacetSheet.Row> rows = new ArrayList<>();
        for (MultifacetedVisualization.Facet f : r.facets()) {
            List<BufferedImage> ex = new ArrayList<>();
            // the members closest to the centre: those averaged (--mean-of), then the next ones up to --examples
            int shown = Math.min(examples, f.members().length);
            float[] near = f.closestPixels();
            if (shown > f.closest().length) {
                float[] more = dataset.get(java.util.Arrays.copyOfRange(f.members(), f.closest().length, shown)).images();
                near = java.util.Arrays.copyOf(near, shown * per);
                System.arraycopy(ActivationMaximization.pixels(more, chw, pre.mean(), pre.std()), 0, near,
                        f.closest().length * per, more.length);
            }
            for (int i = 0; i < shown; i++) {
                float[] px = java.util.Arrays.copyOfRange(near, i * per, (i + 1) * per);
                ex.add(Images.fromPlanes(px, c, h, wd, new ValueRange(0, 1)));
            }
            String value = what + Ticks.format(f.activation(), 3)
                    + (Double.isNaN(f.probability()) ? "" : String.format(Locale.ROOT, ", p %.3f", f.probability()));
            rows.add(new FacetSheet.Row(String.format(Locale.ROOT, "facet %d · %,d images · mean of the %d closest: %s %s",
                    f.index() + 1, f.members().length, f.closest().length, what.strip(), Ticks.format(f.startActivation(), 3)),
                    value, Images.fromPlanes(f.pixels(), c, h, wd, new ValueRange(0, 1)),
                    Images.fromPlanes(f.meanPixels(), c, h, wd, new ValueRange(0, 1)), ex));
        }
        String title = String.format(Locale.ROOT, "%s: %d facets of %s, top %,d of %,d images", model.displayName(), k, unit,
                r.indices().length, r.scanned());
        Figure sheet = FacetSheet.render(rows, new FacetSheet.Options(tile, examples, title));
        List<String> names = new ArrayList<>();
        for (MultifacetedVisualization.Facet f : r.facets()) {
            names.add("facet " + (f.index() + 1));
        }
        Figure scatter = ScatterPlot.render(r.embedding(), r.clusters(), names, new ScatterPlot.Options(640, 2.6,
                String.format(Locale.ROOT, "t-SNE of %s features, top %,d images of %s, by facet",
                        r.featureLayer(), r.indices().length, className != null ? className : r.unit())));
        Path dir = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-facets");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("facets", Png.write(sheet, dir.resolve("facets.png")).toString());
        files.put("scatter", Png.write(scatter, dir.resolve("scatter.png")).toString());
        int scale = Math.max(1, Images.factorFor(h, wd, tile));
        List<FacetJson> fj = new ArrayList<>();
        for (MultifacetedVisualization.Facet f : r.facets()) {
            String name = "facet-" + (f.index() + 1) + ".png";
            Path p = Png.write(Images.upscale(Images.fromPlanes(f.pixels(), c, h, wd, new ValueRange(0, 1)), scale),
                    dir.resolve(name));
            files.put("facet-" + (f.index() + 1), p.toString());
            fj.add(new FacetJson(f.index() + 1, f.members().length, f.activation(),
                    Double.isNaN(f.probability()) ? null : f.probability(), f.startActivation(), f.centroid(), f.closest(),
                    java.util.Arrays.copyOf(f.members(), Math.min(examples, f.members().length)), p.toString()));
        }
        double[] dist = pairwiseDistances(r);
        if (json) {
            OutputOptions.printJson(w, new Summary(model.displayName(), r.dataset(), r.unit(), className, r.scanned(),
                    r.indices().length, r.threshold(), r.featureLayer(), r.klDivergence(), dist, fj, files));
            return;
        }
        w.printf(Locale.ROOT, "unit      %s%n", unit);
        w.printf(Locale.ROOT, "top       %,d of %,d images (value >= %s), features %s (%d values), t-SNE KL %.3f%n",
                r.indices().length, r.scanned(), Ticks.format(r.threshold(), 4), r.featureLayer(), r.featureDim(),
                r.klDivergence());
        for (MultifacetedVisualization.Facet f : r.facets()) {
            w.printf(Locale.ROOT, "facet %-3d %,6d images   mean image %s -> %s%s%n", f.index() + 1, f.members().length,
                    Ticks.format(f.startActivation(), 4), Ticks.format(f.activation(), 4),
                    Double.isNaN(f.probability()) ? "" : String.format(Locale.ROOT, "   p = %.4f", f.probability()));
        }
        if (dist.length > 0) {
            double min = Double.POSITIVE_INFINITY;
            for (double d : dist) {
                min = Math.min(min, d);
            }
            w.printf(Locale.ROOT, "smallest distance between two facet images: %.3f (RMS pixel difference, [0,1] pixels)%n", min);
        }
        w.println("wrote     " + files.get("facets"));
        w.println("wrote     " + files.get("scatter"));
        w.println("wrote     " + k + " facet images facet-1.png ... in " + dir);
        w.flush();
    }

    /** The RMS pixel difference of every pair of synthesised facet images (upper triangle, row by row). */
    static double[] pairwiseDistances(MultifacetedVisualization.Result r) {
        int k = r.facets().size();
        double[] d = new double[k * (k - 1) / 2];
        int at = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                d[at++] = rms(r.facets().get(i).pixels(), r.facets().get(j).pixels());
            }
        }
        return d;
    }

    static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return Math.sqrt(s / a.length);
    }

    private static long outputs(Interpreter ip, String tensor) {
        try (NDManager m = ip.newScope()) {
            long[] d = ip.graph().inputs().get(0).dims().clone();
            d[0] = 1;
            for (int i = 1; i < d.length; i++) {
                if (d[i] <= 0) {
                    throw new NetvizException("the model's input has no fixed size; activation maximization needs one");
                }
            }
            return ip.forward(m, Map.of(ip.inputName(), m.zeros(new Shape(d))), List.of(tensor)).get(tensor)
                    .getShape().get(1);
        }
    }
}
