package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.figures.DeadFiltersFigure;
import netviz.figures.FigureResult;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz dead-filters}: one batched pass over a dataset; per layer, the filters that never
 * fire (activation at most the tolerance on every image), the nearly dead ones (firing on fewer than
 * {@code --nearly-dead} of the positions), and per-filter mean, max, image firing rate and positional
 * firing rate, as a table, as JSON, and as a PNG of positional firing-rate histograms (drawn by
 * {@link DeadFiltersFigure}).
 */
@Command(name = "dead-filters", mixinStandardHelpOptions = true,
        description = {"Run a dataset through the model once and report, per layer, the filters that never fire "
                + "(activation <= tolerance at every position of every image) and the nearly dead ones, with each "
                + "filter's mean, max and two firing rates: by images (the fraction of images on which it fires "
                + "somewhere) and by positions (the fraction of all positions of all images where it fires); a "
                + "table, --json, and a PNG of histograms of the positional rates.",
                "Default layers: every convolution's activation (after its ReLU). --all adds every other "
                        + "activation (e.g. fully connected ReLUs)."})
public final class DeadFiltersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ScanOptions scan;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Dataset: IDX file or folder, image folder, or .npy batch (default: the bundled "
                    + "Fashion-MNIST test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Option(names = {"-l", "--layer"}, split = ",", paramLabel = "LAYER",
            description = "A layer to scan (repeatable, or comma-separated): node name, tensor name or index.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--all", description = "Scan every convolution and every activation node of the model.")
    boolean all;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0",
            description = "A filter fires on an image when its largest activation exceeds T (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--nearly-dead", paramLabel = "R", defaultValue = "0.01",
            description = "A filter that fires somewhere but on fewer than this share of all positions is nearly "
                    + "dead (default: ${DEFAULT-VALUE}, i.e. 1 %%).")
    double nearlyDead;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Scan only the first N images (default: all).")
    int limit;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png",
            description = "Where to write the histograms (default: netviz-out/<model>-dead-filters.png).")
    Path out;

    @Option(names = "--json", description = "Print per-layer and per-filter statistics as JSON (for scripts).")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    /** One filter's statistics, for --json. */
    public record FilterResult(int index, double mean, double max, double firingRate, double positionalRate,
                               boolean dead, boolean nearlyDead) {
    }

    /** One layer, for --json. */
    public record LayerResult(String layer, String tensor, int filters, long positions, int dead, int[] deadFilters,
                              int nearlyDead, int[] nearlyDeadFilters, List<FilterResult> stats) {
    }

    /** The whole report, for --json; {@code histogram}: the rate the PNG counts. */
    public record Result(String model, String data, long images, double tolerance, double nearlyDeadBelow,
                         String histogram, String png, List<LayerResult> layers) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(out, "--out");
        DeadFiltersFigure.Options o = DeadFiltersFigure.Options.defaults().withBatchSize(batchSize);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        o = o.withLimit(limit).withTolerance(tolerance).withNearlyDead(nearlyDead).withAll(all).withLayers(layers);
        FigureResult r;
        try (Session s = scan.apply(model.session()).preprocessing(preprocessing::resolve).data(data).build();
             TerminalProgress bar = new TerminalProgress(progress)) {
            r = DeadFiltersFigure.make(s, o, bar);
        }
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-dead-filters.png");
        Png.write(r.figure(), png);

        Map<String, Object> sum = r.summary();
        List<Map<String, Object>> layerStats = (List<Map<String, Object>>) sum.get("layers");
        long images = (Long) sum.get("images");
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            List<LayerResult> ls = new ArrayList<>();
            for (Map<String, Object> l : layerStats) {
                double[] mean = (double[]) l.get("mean");
                double[] max = (double[]) l.get("max");
                double[] rate = (double[]) l.get("firingRate");
                double[] positional = (double[]) l.get("positionalRate");
                int[] dead = (int[]) l.get("deadFilters");
                int[] nearly = (int[]) l.get("nearlyDeadFilters");
                List<FilterResult> fs = new ArrayList<>();
                for (int c = 0; c < mean.length; c++) {
                    fs.add(new FilterResult(c, mean[c], max[c], rate[c], positional[c], Arrays.binarySearch(dead, c) >= 0,
                            Arrays.binarySearch(nearly, c) >= 0));
                }
                ls.add(new LayerResult((String) l.get("layer"), (String) l.get("tensor"), (Integer) l.get("filters"),
                        (Long) l.get("positions"), (Integer) l.get("dead"), dead, nearly.length, nearly, fs));
            }
            OutputOptions.printJson(w, new Result(model.path().toString(), (String) sum.get("data"), images,
                    tolerance, nearlyDead, (String) sum.get("measure"), png.toString(), ls));
            return;
        }
        w.println(model.displayName() + " on " + sum.get("data") + ": " + String.format(Locale.ROOT, "%,d",
                images) + " images, a filter fires when its activation > " + Ticks.format(tolerance, 3));
        w.print(table(layerStats));
        boolean any = false;
        for (Map<String, Object> l : layerStats) {
            if ((Integer) l.get("dead") > 0) {
                if (!any) {
                    w.println("dead filters:");
                    any = true;
                }
                w.println("  " + l.get("layer") + ": " + list((int[]) l.get("deadFilters")));
            }
        }
        if (!any) {
            w.println("no dead filters");
        }
        String below = Ticks.format(100 * nearlyDead, 3) + "%";
        boolean anyNearly = false;
        for (Map<String, Object> l : layerStats) {
            if ((Integer) l.get("nearlyDead") > 0) {
                if (!anyNearly) {
                    w.println("nearly dead filters (fire on fewer than " + below + " of the positions):");
                    anyNearly = true;
                }
                w.println("  " + l.get("layer") + ": " + list((int[]) l.get("nearlyDeadFilters")));
            }
        }
        if (!anyNearly) {
            w.println("no nearly dead filters (each fires on at least " + below + " of the positions)");
        }
        w.println("histograms of the positional firing rates  \u2192  " + png + "   (per-filter statistics: --json)");
        w.flush();
    }

    /**
     * The per-layer table: layer, tensor, filters, dead, dead %, nearly dead, the image and the
     * positional firing rates (min / median / max), mean activation.
     */
    static String table(List<Map<String, Object>> layers) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "tensor", "filters", "dead", "dead %", "nearly dead",
            "images firing min / median / max", "positions firing min / median / max", "mean act."});
        for (Map<String, Object> l : layers) {
            double meanAct = Arrays.stream((double[]) l.get("mean")).average().orElse(0);
            int filters = (Integer) l.get("filters");
            int dead = (Integer) l.get("dead");
            rows.add(new String[] {(String) l.get("layer"), (String) l.get("tensor"), Integer.toString(filters),
                Integer.toString(dead), String.format(Locale.ROOT, "%.1f%%", 100.0 * dead / filters),
                Integer.toString((Integer) l.get("nearlyDead")), spread((double[]) l.get("firingRate")),
                spread((double[]) l.get("positionalRate")), Ticks.format(meanAct, 3)});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                boolean right = i >= 2 && i <= 5;
                b.append(right ? InfoCommand.padLeft(row[i], width[i]) : InfoCommand.pad(row[i], width[i]));
                if (i < row.length - 1) {
                    b.append("  ");
                }
            }
            b.append(System.lineSeparator());
        }
        return b.toString().replaceAll(" +" + System.lineSeparator(), System.lineSeparator());
    }

    /** min / median / max of {@code rates}. */
    private static String spread(double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return f(sorted[0]) + " / " + f(sorted[sorted.length / 2]) + " / " + f(sorted[sorted.length - 1]);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String list(int[] idx) {
        if (idx.length <= 40) {
            return Arrays.toString(idx).replaceAll("[\\[\\]]", "");
        }
        return Arrays.toString(Arrays.copyOf(idx, 40)).replaceAll("[\\[\\]]", "") + ", \u2026 (" + idx.length + " in all)";
    }
}
