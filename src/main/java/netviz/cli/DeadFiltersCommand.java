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
 * fire (activation at most the tolerance on every image) and per-filter mean, max and firing rate,
 * as a table, as JSON, and as a PNG of firing-rate histograms.
 */
@Command(name = "dead-filters", mixinStandardHelpOptions = true,
        description = {"Run a dataset through the model once and report, per layer, the filters that never fire "
                + "(activation <= tolerance on every image), with each filter's mean, max and firing rate (the "
                + "fraction of images on which it fires); a table, --json, and a PNG of firing-rate histograms.",
                "Default layers: every convolution's activation (after its ReLU). --all adds every other "
                        + "activation (e.g. fully connected ReLUs)."})
public final class DeadFiltersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

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
    public record FilterResult(int index, double mean, double max, double firingRate, boolean dead) {
    }

    /** One layer, for --json. */
    public record LayerResult(String layer, String tensor, int filters, int dead, int[] deadFilters,
                              List<FilterResult> stats) {
    }

    /** The whole report, for --json. */
    public record Result(String model, String data, long images, double tolerance, String png,
                         List<LayerResult> layers) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(out, "--out");
        DeadFiltersFigure.Options o = DeadFiltersFigure.Options.defaults().withBatchSize(batchSize);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        o = o.withLimit(limit).withTolerance(tolerance).withAll(all).withLayers(layers);
        FigureResult r;
        try (Session s = model.session().preprocessing(preprocessing::resolve).data(data).build();
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
                int[] dead = (int[]) l.get("deadFilters");
                List<FilterResult> fs = new ArrayList<>();
                for (int c = 0; c < mean.length; c++) {
                    fs.add(new FilterResult(c, mean[c], max[c], rate[c], Arrays.binarySearch(dead, c) >= 0));
                }
                ls.add(new LayerResult((String) l.get("layer"), (String) l.get("tensor"), (Integer) l.get("filters"),
                        (Integer) l.get("dead"), dead, fs));
            }
            OutputOptions.printJson(w, new Result(model.path().toString(), (String) sum.get("data"), images,
                    tolerance, png.toString(), ls));
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
        w.println("histograms  \u2192  " + png + "   (per-filter statistics: --json)");
        w.flush();
    }

    /** The per-layer table: layer, tensor, filters, dead, dead %, firing rate min / median / max, mean activation. */
    static String table(List<Map<String, Object>> layers) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "tensor", "filters", "dead", "dead %", "firing rate min / median / max",
            "mean act."});
        for (Map<String, Object> l : layers) {
            double[] sorted = ((double[]) l.get("firingRate")).clone();
            Arrays.sort(sorted);
            double meanAct = Arrays.stream((double[]) l.get("mean")).average().orElse(0);
            int filters = (Integer) l.get("filters");
            int dead = (Integer) l.get("dead");
            rows.add(new String[] {(String) l.get("layer"), (String) l.get("tensor"), Integer.toString(filters),
                Integer.toString(dead), String.format(Locale.ROOT, "%.1f%%", 100.0 * dead / filters),
                f(sorted[0]) + " / " + f(sorted[sorted.length / 2]) + " / " + f(sorted[sorted.length - 1]),
                Ticks.format(meanAct, 3)});
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
                boolean right = i >= 2 && i <= 4;
                b.append(right ? InfoCommand.padLeft(row[i], width[i]) : InfoCommand.pad(row[i], width[i]));
                if (i < row.length - 1) {
                    b.append("  ");
                }
            }
            b.append(System.lineSeparator());
        }
        return b.toString().replaceAll(" +" + System.lineSeparator(), System.lineSeparator());
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String list(int[] idx) {
        if (idx.length <= 40) {
            return Arrays.toString(idx).replaceAll("[\\[\\]]", "");
        }
        return Arrays.toString(Arrays.copyOf(idx, 40)).replaceAll("[\\[\\]]", "") + ", \u2026 (" + idx.length + " in all)";
    }
}
