package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.FiltersFigure;
import netviz.render.FilterFigure;
import netviz.render.Png;
import netviz.session.Session;
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

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        FiltersFigure.Options o = FiltersFigure.Options.defaults().withLayer(layer)
                .withFilter(filter).withChannel(channel).withScale(scale)
                .withColormap(colormap).withNormalize(normalize).withTileSize(tileSize);
        FigureResult r;
        try (Session s = model.session().build()) {
            r = FiltersFigure.make(s, o, Progress.NONE);
        }
        Map<String, Object> sum = r.summary();
        String name = (String) sum.get("layer");
        Path png = output.outOr(Path.of("netviz-out", Outputs.fileSafe(model.displayName() + "-filters-" + name) + ".png"));
        Png.write(r.figure(), png);
        if (raw != null) {
            r.arrays().get("weights").writeNpy(raw);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            for (String k : List.of("layer", "weights", "shape", "group", "filter", "scale")) {
                doc.put(k, sum.get(k));
            }
            doc.put("png", png.toString());
            doc.put("raw", raw == null ? null : raw.toString());
            doc.put("filters", sum.get("filters"));
            OutputOptions.printJson(out, doc);
            return;
        }
        out.println(name + ": " + ((List<?>) sum.get("filters")).size() + " filters, weights '" + sum.get("weights")
                + "' " + Arrays.toString((long[]) sum.get("shape")) + (filter != null ? ", filter " + filter : "")
                + "  \u2192  " + png);
        if (raw != null) {
            out.println("weights  \u2192  " + raw);
        }
        List<Integer> blank = (List<Integer>) sum.get("nearlyBlank");
        if (!blank.isEmpty()) {
            out.println("nearly blank filters (L2 norm under 1% of the median): " + blank);
        }
        out.flush();
    }
}
