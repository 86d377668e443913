package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.data.Dataset;
import netviz.figures.FacetsFigure;
import netviz.figures.FigureResult;
import netviz.methods.neurons.MultifacetedVisualization;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.session.Session;
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

    @Mixin
    ScanOptions scan;

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

    @Override
    public void run() {
        // the unit first, then the other flags in the order the command has always checked them
        FacetsFigure.Options o = FacetsFigure.Options.defaults().withTarget(target).withLayer(layer).withChannel(channel)
                .withPosition(position == null ? null : ReceptiveFieldCommand.parsePosition(position)).checkUnit()
                .withIterations(iterations).withTile(tile).withExamples(examples)
                .withTopShare(spec.commandLine().getParseResult().hasMatchedOption("--top-share") ? topShare : null)
                .withTop(top).withTsneIterations(tsneIterations).withPerplexity(perplexity).withFacets(facets)
                .withMeanOf(meanOf).withFeatureLayer(featureLayer).withLimit(limit).withStep(step).withDecay(decay)
                .withBlur(blur, blurEvery).withJitter(jitter).withCenterBias(centerBias).withSeed(seed);
        PrintWriter w = spec.commandLine().getOut();
        try (Session s = scan.apply(model.session()).data(data).build()) {
            Dataset dataset = FacetsFigure.defaultDataset(s);
            if (!json) {
                w.println("data      " + dataset.description() + (data == null ? "  (default"
                        + (dataset.size() > 10_000 ? ": the training split, as in the paper)" : ")") : ""));
                w.flush();
            }
            FigureResult r;
            try (TerminalProgress bar = new TerminalProgress(progress)) {
                r = FacetsFigure.make(s, dataset, o, bar);
            }
            write(r, s.name(), w);
            ModelOptions.printNotes(spec.commandLine().getErr(), s, target != null);
        }
    }

    @SuppressWarnings("unchecked")
    private void write(FigureResult r, String name, PrintWriter w) {
        Map<String, Object> sum = r.summary();
        List<Map<String, Object>> facetList = (List<Map<String, Object>>) sum.get("facets");
        int k = facetList.size();
        Path dir = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(name) + "-facets");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("facets", Png.write(r.figures().get(0), dir.resolve("facets.png")).toString());
        files.put("scatter", Png.write(r.figures().get(1), dir.resolve("scatter.png")).toString());
        List<Map<String, Object>> facetJson = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Path p = Png.write(r.figures().get(2 + i), dir.resolve("facet-" + (i + 1) + ".png"));
            files.put("facet-" + (i + 1), p.toString());
            Map<String, Object> f = new LinkedHashMap<>(facetList.get(i));
            f.put("file", p.toString());
            facetJson.add(f);
        }
        double[] dist = (double[]) sum.get("pairwiseDistances");
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            for (String key : List.of("model", "dataset", "unit", "className", "scanned", "topImages", "threshold",
                    "featureLayer", "klDivergence", "pairwiseDistances")) {
                j.put(key, sum.get(key));
            }
            j.put("facets", facetJson);
            j.put("files", files);
            OutputOptions.printJson(w, j);
            return;
        }
        w.printf(Locale.ROOT, "unit      %s%n", sum.get("unitTitle"));
        w.printf(Locale.ROOT, "top       %,d of %,d images (value >= %s), features %s (%d values), t-SNE KL %.3f%n",
                sum.get("topImages"), sum.get("scanned"), Ticks.format((double) sum.get("threshold"), 4),
                sum.get("featureLayer"), sum.get("featureDim"), sum.get("klDivergence"));
        for (Map<String, Object> f : facetList) {
            Object p = f.get("probability");
            w.printf(Locale.ROOT, "facet %-3d %,6d images   mean image %s -> %s%s%n", f.get("facet"), f.get("size"),
                    Ticks.format((double) f.get("startActivation"), 4), Ticks.format((double) f.get("activation"), 4),
                    p == null ? "" : String.format(Locale.ROOT, "   p = %.4f", p));
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
}
