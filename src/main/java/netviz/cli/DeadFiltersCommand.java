package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import netviz.NetvizException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.image.Preprocessing;
import netviz.methods.activations.DeadFilters;
import netviz.render.Figure;
import netviz.render.FiringRateFigure;
import netviz.render.Png;
import netviz.render.Ticks;
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
    public void run() {
        Outputs.requirePng(out, "--out");
        if (batchSize < 1) {
            throw new NetvizException("--batch-size must be at least 1, not " + batchSize);
        }
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        if (limit < 0) {
            throw new NetvizException("--limit must be 0 (all) or positive, not " + limit);
        }
        if (!(tolerance >= 0)) {
            throw new NetvizException("--tolerance must be 0 or more, not " + tolerance);
        }
        if (all && !layers.isEmpty()) {
            throw new NetvizException("give either --layer or --all, not both");
        }
        Graph graph = model.graph();
        List<String> scan = !layers.isEmpty() ? layers : all ? everyActivation(graph) : DeadFilters.convActivations(graph);
        Preprocessing pre = preprocessing.resolve(graph);
        Dataset dataset = Datasets.open(data, pre);
        int n = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
        if (n == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images; nothing to scan");
        }
        DeadFilters.Report report;
        try (Interpreter ip = model.newInterpreter(); TerminalProgress bar = new TerminalProgress(progress);
             Batches batches = dataset.batches(batchSize, 0, n).withProgress(bar, "dead-filters")) {
            DeadFilters.Accumulator acc = new DeadFilters.Accumulator(graph, scan, tolerance);
            for (Batch b : batches) {
                acc.add(ip, b.images(), b.shape());
            }
            report = acc.finish();
        }

        List<FiringRateFigure.LayerRates> rates = new ArrayList<>();
        for (DeadFilters.LayerStats s : report.layers()) {
            rates.add(new FiringRateFigure.LayerRates(s.layer(), s.firingRate(), s.deadCount()));
        }
        String title = model.displayName() + ": firing rates over " + String.format(Locale.ROOT, "%,d", report.images())
                + " images" + (tolerance > 0 ? " (fires: activation > " + Ticks.format(tolerance, 3) + ")" : "");
        Figure fig = FiringRateFigure.render(rates, title, 20);
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-dead-filters.png");
        Png.write(fig, png);

        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            List<LayerResult> ls = new ArrayList<>();
            for (DeadFilters.LayerStats s : report.layers()) {
                List<FilterResult> fs = new ArrayList<>();
                for (int c = 0; c < s.channels(); c++) {
                    fs.add(new FilterResult(c, s.mean()[c], s.max()[c], s.firingRate()[c], s.isDead(c)));
                }
                ls.add(new LayerResult(s.layer(), s.tensor(), s.channels(), s.deadCount(), s.dead(), fs));
            }
            OutputOptions.printJson(w, new Result(model.path().toString(), dataset.description(), report.images(),
                    tolerance, png.toString(), ls));
            return;
        }
        w.println(model.displayName() + " on " + dataset.description() + ": " + String.format(Locale.ROOT, "%,d",
                report.images()) + " images, a filter fires when its activation > " + Ticks.format(tolerance, 3));
        w.print(table(report));
        boolean any = false;
        for (DeadFilters.LayerStats s : report.layers()) {
            if (s.deadCount() > 0) {
                if (!any) {
                    w.println("dead filters:");
                    any = true;
                }
                w.println("  " + s.layer() + ": " + list(s.dead()));
            }
        }
        if (!any) {
            w.println("no dead filters");
        }
        w.println("histograms  \u2192  " + png + "   (per-filter statistics: --json)");
        w.flush();
    }

    /** The per-layer table: layer, tensor, filters, dead, dead %, firing rate min / median / max, mean activation. */
    static String table(DeadFilters.Report r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "tensor", "filters", "dead", "dead %", "firing rate min / median / max",
            "mean act."});
        for (DeadFilters.LayerStats s : r.layers()) {
            double[] sorted = s.firingRate().clone();
            Arrays.sort(sorted);
            double meanAct = Arrays.stream(s.mean()).average().orElse(0);
            rows.add(new String[] {s.layer(), s.tensor(), Integer.toString(s.channels()), Integer.toString(s.deadCount()),
                String.format(Locale.ROOT, "%.1f%%", 100.0 * s.deadCount() / s.channels()),
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

    /** Every convolution's activation and every other activation node's output, in graph order. */
    static List<String> everyActivation(Graph graph) {
        Set<String> s = new LinkedHashSet<>(DeadFilters.convActivations(graph));
        for (Node n : graph.nodes()) {
            if (DeadFilters.isActivation(n.opType())) {
                s.add(n.outputs().get(0));
            }
        }
        List<String> ordered = new ArrayList<>();
        for (Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                if (s.contains(o)) {
                    ordered.add(o);
                }
            }
        }
        return ordered;
    }
}
