package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import netviz.Progress;
import netviz.figures.ActivationsFigure;
import netviz.figures.FigureResult;
import netviz.methods.activations.ActivationMaps;
import netviz.render.Png;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz activations}: the input and the first (or strongest) activation maps of chosen
 * layers, side by side, as one PNG; {@code --raw DIR} writes each layer's whole activation as .npy.
 */
@Command(name = "activations", mixinStandardHelpOptions = true,
        description = {"Show what layers compute for one input: the input and the first (or strongest) N "
                + "activation maps of each layer, side by side, labelled with their channel; written as PNG.",
                "Layers by node name, tensor name or node index (see 'netviz info'). Without --layer: every "
                        + "convolution's activation (after its ReLU), or four of them spread over the network "
                        + "when it has more."})
public final class ActivationsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Mixin
    OutputOptions output;

    @Option(names = {"-l", "--layer"}, split = ",", paramLabel = "LAYER",
            description = "A layer to show (repeatable, or comma-separated).")
    List<String> layers = new ArrayList<>();

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "16",
            description = "Maps per layer; 0 for all (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--sort", paramLabel = "index|mean|max", defaultValue = "index",
            description = "Which maps: the first by channel index, or the strongest by mean or max activation "
                    + "(default: ${DEFAULT-VALUE}).")
    String sort;

    @Option(names = "--scale", paramLabel = "layer|map", defaultValue = "layer",
            description = "One colour scale per layer with a colour bar (layer), or each map scaled to its own "
                    + "range, printed under it (map). Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--colormap", paramLabel = "NAME", defaultValue = "viridis",
            description = "viridis, magma, gray or diverging (default: ${DEFAULT-VALUE}).")
    String colormap;

    @Option(names = "--normalize", paramLabel = "HOW",
            description = "Range of a scale: minmax, symmetric, p1-99, sp99 or lo,hi. Default: symmetric for the "
                    + "diverging map, minmax otherwise.")
    String normalize;

    @Option(names = "--example", paramLabel = "I", defaultValue = "0",
            description = "With a batch in --input: which example to show (default: ${DEFAULT-VALUE}).")
    int example;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "64",
            description = "Maps are enlarged by an integer factor to about PX pixels (default: ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(names = "--raw", paramLabel = "DIR",
            description = "Also write each layer's activation for the example, shape (C, H, W), as DIR/<layer>.npy.")
    Path raw;

    /** One layer, for --json. */
    public record LayerResult(String layer, String tensor, long[] shape, int[] channels, float[] mean, float[] max,
                              String raw) {
    }

    /** What was drawn, for --json. */
    public record Result(String input, int example, String png, List<LayerResult> layers) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        ActivationsFigure.Options o = ActivationsFigure.Options.defaults().withCount(count);
        Limits.check("--count", count, 0, Limits.MAX_LIST);
        o = o.withTileSize(tileSize).withExample(example).withScale(scale).withSort(ActivationMaps.Order.parse(sort))
                .withColormap(colormap).withNormalize(normalize).withLayers(layers);
        input.require();
        FigureResult r;
        try (Session s = model.session().build()) {
            float[] x;
            long[] xShape;
            try (NDManager scope = s.interpreter().newScope()) {
                NDArray in = input.array(scope, s.graph());
                xShape = in.getShape().getShape();
                x = in.toFloatArray();
            }
            r = ActivationsFigure.make(s, x, xShape, o, Progress.NONE);
        }
        Path png = output.outOr(Path.of("netviz-out", Outputs.fileSafe(model.displayName() + "-activations") + ".png"));
        Png.write(r.figure(), png);

        List<Map<String, Object>> layerMaps = (List<Map<String, Object>>) r.summary().get("layers");
        List<LayerResult> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map<String, Object> m : layerMaps) {
            String layer = (String) m.get("layer");
            String file = null;
            if (raw != null) {
                String base = Outputs.fileSafe(layer);
                String name = base + ".npy";
                for (int k = 2; !used.add(name.toLowerCase(Locale.ROOT)); k++) {
                    name = base + "_" + k + ".npy";
                }
                Path p = Outputs.createDirectories(raw).resolve(name);
                r.arrays().get(layer).writeNpy(p);
                file = p.toString();
            }
            out.add(new LayerResult(layer, (String) m.get("tensor"), (long[]) m.get("shape"), (int[]) m.get("channels"),
                    (float[]) m.get("mean"), (float[]) m.get("max"), file));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(w, new Result(input.path().toString(), example, png.toString(), out));
            return;
        }
        for (int i = 0; i < out.size(); i++) {
            LayerResult m = out.get(i);
            w.println(layerMaps.get(i).get("title") + " (tensor '" + m.tensor() + "', "
                    + Arrays.toString(m.shape()) + "): channels " + abbreviate(m.channels())
                    + (m.raw() != null ? "  \u2192  " + m.raw() : ""));
        }
        w.println("picture  \u2192  " + png);
        w.flush();
    }

    private static String abbreviate(int[] channels) {
        if (channels.length <= 16) {
            return Arrays.toString(channels);
        }
        return Arrays.toString(Arrays.copyOf(channels, 16)).replace("]", ", \u2026 (" + channels.length + ")]");
    }
}
