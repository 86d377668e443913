package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.io.Npy;
import netviz.methods.params.Filters;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.FilterFigure;
import netviz.render.Normalization;
import netviz.render.Png;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz filters}: the weights of a convolution as a grid of tiles (colour tiles for
 * three-channel first layers, grayscale or a colour map otherwise, or every input channel of one
 * filter), written as PNG; {@code --raw} writes the weights as .npy.
 */
@Command(name = "filters", mixinStandardHelpOptions = true,
        description = {"Draw the filters (weights) of a convolution as a grid of tiles and write a PNG.",
                "With no --layer, the first convolution. Three-channel filters are drawn in colour (RGB), "
                        + "one-channel filters in gray; for deeper layers give --filter K to see all input channels "
                        + "of filter K, or --channel C to see input channel C of every filter."})
public final class FiltersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    OutputOptions output;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER",
            description = "The convolution: node name, tensor name or node index (see 'netviz info'). "
                    + "Default: the first convolution.")
    String layer;

    @Option(names = {"-k", "--filter"}, paramLabel = "K",
            description = "Draw every input channel of filter K (one tile each).")
    Integer filter;

    @Option(names = {"-c", "--channel"}, paramLabel = "C", defaultValue = "0",
            description = "For layers with more than 4 input channels: the input channel shown of each filter "
                    + "(default: ${DEFAULT-VALUE}).")
    int channel;

    @Option(names = "--scale", paramLabel = "filter|layer", defaultValue = "filter",
            description = "Scale each filter to its own range (filter, default) or all to the layer's range (layer).")
    FilterFigure.Scale scale;

    @Option(names = "--colormap", paramLabel = "NAME",
            description = "gray, viridis, magma or diverging (blue-white-red, zero is white: for signed weights). "
                    + "Default: RGB tiles for 3-channel filters, gray otherwise.")
    String colormap;

    @Option(names = "--normalize", paramLabel = "HOW",
            description = "Value range of a scale: minmax, symmetric, p1-99 (percentile clipping), sp99 or lo,hi. "
                    + "Default: symmetric for the diverging map, minmax otherwise.")
    String normalize;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "48",
            description = "Tiles are enlarged by an integer factor to about PX pixels (default: ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(names = "--raw", paramLabel = "W.npy",
            description = "Also write the weights drawn as a NumPy array (filters, channels, kh, kw), "
                    + "or (channels, kh, kw) with --filter.")
    Path raw;

    /** What was drawn, for --json. */
    public record Result(String layer, String weights, long[] shape, int group, Integer filter, String scale,
                         String png, String raw, List<FilterStats> filters) {
    }

    /** Per-filter statistics of the weights. */
    public record FilterStats(int index, double min, double max, double mean, double l2) {
    }

    @Override
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        if (tileSize < 1 || tileSize > 1024) {
            throw new NetvizException("--tile-size must be between 1 and 1024 pixels, not " + tileSize);
        }
        Graph graph = model.graph();
        Filters.FilterBank bank = Filters.of(graph, layer);
        if (filter != null) {
            bank.checkFilter(filter);
        }
        bank.checkChannel(channel);
        Colormap map = colormap == null ? null : Colormap.byName(colormap);
        Normalization norm = normalize == null ? null : Normalization.parse(normalize);
        String title = model.displayName() + " \u00b7 " + bank.layer() + ": " + bank.filters() + " filters of "
                + bank.channels() + " x " + bank.height() + " x " + bank.width()
                + (bank.group() > 1 ? " (group " + bank.group() + ")" : "");
        FilterFigure.Options o = FilterFigure.Options.defaults().withScale(scale).withColormap(map)
                .withNormalization(norm).withFilter(filter == null ? -1 : filter).withChannel(channel)
                .withTileSize(tileSize).withTitle(title);
        Figure fig = FilterFigure.render(bank.weights(), bank.filters(), bank.channels(), bank.height(), bank.width(), o);
        Path png = output.outOr(Path.of("netviz-out", Outputs.fileSafe(model.displayName() + "-filters-" + bank.layer()) + ".png"));
        Png.write(fig, png);
        if (raw != null) {
            if (filter != null) {
                Npy.write(raw, bank.filter(filter), bank.channels(), bank.height(), bank.width());
            } else {
                Npy.write(raw, bank.weights(), bank.shape());
            }
        }
        List<FilterStats> stats = stats(bank);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, new Result(bank.layer(), bank.weightName(), bank.shape(), bank.group(), filter,
                    scale.name().toLowerCase(java.util.Locale.ROOT), png.toString(), raw == null ? null : raw.toString(),
                    stats));
            return;
        }
        out.println(bank.layer() + ": " + bank.filters() + " filters, weights '" + bank.weightName() + "' "
                + Arrays.toString(bank.shape()) + (filter != null ? ", filter " + filter : "") + "  \u2192  " + png);
        if (raw != null) {
            out.println("weights  \u2192  " + raw);
        }
        List<Integer> blank = nearlyBlank(stats);
        if (!blank.isEmpty()) {
            out.println("nearly blank filters (L2 norm under 1% of the median): " + blank);
        }
        out.flush();
    }

    static List<FilterStats> stats(Filters.FilterBank bank) {
        List<FilterStats> s = new ArrayList<>();
        for (int k = 0; k < bank.filters(); k++) {
            float[] f = bank.filter(k);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            double sq = 0;
            for (float v : f) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sq += (double) v * v;
            }
            s.add(new FilterStats(k, min, max, sum / f.length, Math.sqrt(sq)));
        }
        return s;
    }

    static List<Integer> nearlyBlank(List<FilterStats> stats) {
        double[] norms = stats.stream().mapToDouble(FilterStats::l2).sorted().toArray();
        double median = norms[norms.length / 2];
        List<Integer> out = new ArrayList<>();
        for (FilterStats f : stats) {
            if (f.l2() < 0.01 * median) {
                out.add(f.index());
            }
        }
        return out;
    }
}
