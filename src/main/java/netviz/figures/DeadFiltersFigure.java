package netviz.figures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import netviz.NetvizException;
import netviz.Progress;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.methods.activations.DeadFilters;
import netviz.render.Figure;
import netviz.render.FiringRateFigure;
import netviz.render.Ticks;
import netviz.session.DatasetScan;
import netviz.session.Session;

/**
 * Filters that never fire over a dataset ({@link DeadFilters}): one batched pass; per layer, each
 * filter's mean and largest activation and two firing rates: the image rate, the share of images on
 * which its largest activation exceeds the tolerance, and the positional rate, the share of all
 * positions of all images (n · H · W) where it exceeds it. A filter that fires nowhere is dead (Lu et
 * al. 2019, "Dying ReLU and Initialization"); one that fires somewhere but on fewer than
 * {@link Options#nearlyDead()} of the positions (default 1 %) is nearly dead and listed apart.
 *
 * <p>Drawn as one histogram per layer of the positional rates: the image rate of a trained ReLU
 * network is close to 1 for nearly every filter (a filter fires on at least one of the H · W
 * positions of almost every image), so its histogram is a single bar at 1 and cannot tell a busy
 * filter from one that fires on a few pixels; the positional rate spreads out and shows how sparse
 * each filter is. Both rates are in the summary.
 */
public final class DeadFiltersFigure {
    /** Bins of each firing-rate histogram. */
    static final int BINS = 20;

    /** The default nearly-dead threshold on the positional rate: 1 % of the positions. */
    public static final double NEARLY_DEAD = 0.01;

    private DeadFiltersFigure() {
    }

    /**
     * The layers scanned (empty: every convolution's activation; {@code all}: also every other
     * activation node), the tolerance, images per forward pass, how many images (0: all), and the
     * positional rate under which a filter that fires somewhere is nearly dead (default 0.01); the
     * defaults are {@code netviz dead-filters}'.
     */
    public record Options(List<String> layers, boolean all, double tolerance, int batchSize, int limit,
                          double nearlyDead) {
        public Options {
            layers = List.copyOf(layers);
            if (batchSize < 1) {
                throw new NetvizException("--batch-size must be at least 1, not " + batchSize);
            }
            if (limit < 0) {
                throw new NetvizException("--limit must be 0 (all) or positive, not " + limit);
            }
            if (!(tolerance >= 0)) {
                throw new NetvizException("--tolerance must be 0 or more, not " + tolerance);
            }
            if (!(nearlyDead >= 0 && nearlyDead < 1)) {
                throw new NetvizException("--nearly-dead must be a share of the positions in [0, 1), not " + nearlyDead);
            }
            if (all && !layers.isEmpty()) {
                throw new NetvizException("give either --layer or --all, not both");
            }
        }

        public static Options defaults() {
            return new Options(List.of(), false, 0, 64, 0, NEARLY_DEAD);
        }

        public Options withLayers(List<String> l) {
            return new Options(l, all, tolerance, batchSize, limit, nearlyDead);
        }

        public Options withAll(boolean a) {
            return new Options(layers, a, tolerance, batchSize, limit, nearlyDead);
        }

        public Options withTolerance(double t) {
            return new Options(layers, all, t, batchSize, limit, nearlyDead);
        }

        public Options withBatchSize(int b) {
            return new Options(layers, all, tolerance, b, limit, nearlyDead);
        }

        public Options withLimit(int n) {
            return new Options(layers, all, tolerance, batchSize, n, nearlyDead);
        }

        public Options withNearlyDead(double r) {
            return new Options(layers, all, tolerance, batchSize, limit, r);
        }

        /**
         * The {@code netviz dead-filters} flags that draw this figure (those that differ from the
         * defaults; the batch size, which changes no number, is left out).
         */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (!layers.isEmpty()) {
                a.addAll(List.of("--layer", String.join(",", layers)));
            }
            if (all) {
                a.add("--all");
            }
            if (tolerance != 0) {
                a.addAll(List.of("--tolerance", Double.toString(tolerance)));
            }
            if (limit != 0) {
                a.addAll(List.of("--limit", Integer.toString(limit)));
            }
            if (nearlyDead != NEARLY_DEAD) {
                a.addAll(List.of("--nearly-dead", Double.toString(nearlyDead)));
            }
            return a;
        }
    }

    /**
     * Scans the session's dataset, or reads the firing statistics of the session's
     * {@link Session#scan() scan} (which must hold the layers and have counted firing above the same
     * tolerance). The summary: {@code data} (the dataset's or the scan's description),
     * {@code images}, {@code tolerance}, {@code nearlyDeadBelow} (the threshold), {@code measure}
     * (the rate the histograms count: {@code "positions"}) and {@code layers}, per layer its
     * {@code layer}, {@code tensor} (the tensor read), {@code filters}, {@code positions} (per image),
     * {@code dead} (how many), {@code deadFilters}, {@code nearlyDead}, {@code nearlyDeadFilters}
     * (fire somewhere, on fewer than the threshold of the positions), and per filter {@code mean},
     * {@code max}, {@code firingRate} (by images) and {@code positionalRate}.
     */
    public static FigureResult make(Session s, Options o, Progress p) {
        DatasetScan sc = s.scan().orElse(null);
        Graph graph = s.graph();
        List<String> scan = !o.layers().isEmpty() ? o.layers()
                : o.all() ? everyActivation(graph) : DeadFilters.convActivations(graph);
        String data = sc != null ? sc.description() : s.dataset().description();
        DeadFilters.Report report = sc != null ? fromScan(sc, graph, scan, o) : scanDataset(s, scan, o, p);

        List<FiringRateFigure.LayerRates> rates = new ArrayList<>();
        List<Map<String, Object>> layers = new ArrayList<>();
        for (DeadFilters.LayerStats st : report.layers()) {
            int[] nearly = nearlyDead(st.positionalRate(), o.nearlyDead());
            rates.add(new FiringRateFigure.LayerRates(st.layer(), st.firingRate(), st.deadCount(), st.positionalRate())
                    .withNearlyDead(nearly.length, o.nearlyDead()));
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("layer", st.layer());
            l.put("tensor", st.tensor());
            l.put("filters", st.channels());
            l.put("positions", st.positions());
            l.put("dead", st.deadCount());
            l.put("deadFilters", st.dead());
            l.put("nearlyDead", nearly.length);
            l.put("nearlyDeadFilters", nearly);
            l.put("mean", st.mean());
            l.put("max", st.max());
            l.put("firingRate", st.firingRate());
            l.put("positionalRate", st.positionalRate());
            layers.add(l);
        }
        String title = s.name() + ": share of positions where each filter is > " + Ticks.format(o.tolerance(), 3)
                + ", over " + String.format(Locale.ROOT, "%,d", report.images()) + " images";
        Figure fig = FiringRateFigure.render(rates, title, BINS, FiringRateFigure.Measure.POSITIONS);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("data", data);
        summary.put("images", report.images());
        summary.put("tolerance", o.tolerance());
        summary.put("nearlyDeadBelow", o.nearlyDead());
        summary.put("measure", "positions");
        summary.put("layers", layers);
        return new FigureResult(List.of(fig), Map.of(), summary);
    }

    /** One batched pass over the first {@code o.limit()} images of the session's dataset. */
    private static DeadFilters.Report scanDataset(Session s, List<String> layers, Options o, Progress p) {
        Dataset dataset = s.dataset();
        int n = o.limit() > 0 ? Math.min(o.limit(), dataset.size()) : dataset.size();
        if (n == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images; nothing to scan");
        }
        try (Batches batches = dataset.batches(o.batchSize(), 0, n).withProgress(p, "dead-filters")) {
            DeadFilters.Accumulator acc = new DeadFilters.Accumulator(s.graph(), layers, o.tolerance());
            for (Batch b : batches) {
                acc.add(s.forward(), b.images(), b.shape());
            }
            return acc.finish();
        }
    }

    /**
     * The statistics of {@code layers} that a finished scan recorded, each named as asked; the scan
     * must hold every layer and have counted firing above the same tolerance.
     */
    private static DeadFilters.Report fromScan(DatasetScan sc, Graph graph, List<String> layers, Options o) {
        sc.requireAll(o.limit());
        double counted = sc.manifest().tolerance();
        if (counted != o.tolerance()) {
            throw new NetvizException("the scan '" + sc.dir() + "' counted firing above tolerance " + counted + ", not "
                    + o.tolerance() + "; ask for --tolerance " + counted + ", or run without --scan");
        }
        DeadFilters.Report all = sc.reader().deadFilters(graph);
        List<DeadFilters.LayerStats> chosen = new ArrayList<>();
        for (String l : layers) {
            String tensor = sc.tensor(l);
            DeadFilters.LayerStats st = all.layer(tensor);
            // named as a pass names it: a layer asked for by its tensor is named by the node that makes it
            String name = l.equals(tensor) ? st.layer() : l;
            chosen.add(new DeadFilters.LayerStats(name, tensor, st.channels(), st.images(), st.mean(), st.max(),
                    st.firingRate(), st.positionalRate(), st.positions()));
        }
        return new DeadFilters.Report(all.images(), all.tolerance(), chosen);
    }

    /** The filters that fire somewhere ({@code rate > 0}) but on fewer than {@code below} of the positions. */
    public static int[] nearlyDead(double[] positionalRate, double below) {
        return IntStream.range(0, positionalRate.length)
                .filter(c -> positionalRate[c] > 0 && positionalRate[c] < below).toArray();
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
            for (String out : n.outputs()) {
                if (s.contains(out)) {
                    ordered.add(out);
                }
            }
        }
        return ordered;
    }
}
