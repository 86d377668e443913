package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.io.Npy;
import netviz.methods.activations.ActivationMaps;
import netviz.methods.activations.DeadFilters;
import netviz.render.ActivationFigure;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Normalization;
import netviz.render.Png;
import netviz.render.Ticks;
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
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        if (count < 0) {
            throw new NetvizException("--count must be 0 (all) or more, not " + count);
        }
        Limits.check("--count", count, 0, Limits.MAX_LIST);
        if (tileSize < 1 || tileSize > 1024) {
            throw new NetvizException("--tile-size must be between 1 and 1024 pixels, not " + tileSize);
        }
        if (example < 0) {
            throw new NetvizException("--example must be 0 or more, not " + example);
        }
        String sc = scale.toLowerCase(Locale.ROOT);
        if (!sc.equals("layer") && !sc.equals("map")) {
            throw new NetvizException("unknown --scale '" + scale + "'; use layer or map");
        }
        ActivationMaps.Order order = ActivationMaps.Order.parse(sort);
        Colormap map = Colormap.byName(colormap);
        Normalization norm = normalize == null ? Normalization.defaultFor(map) : Normalization.parse(normalize);
        input.require();
        Graph graph = model.graph();
        List<String> chosen = layers.isEmpty() ? defaultLayers(graph) : layers;
        ActivationMaps.Options o = new ActivationMaps.Options(count, order, example);

        List<ActivationMaps.LayerMaps> result;
        float[] x;
        long[] xShape;
        try (Interpreter ip = model.newInterpreter(); NDManager scope = ip.newScope()) {
            NDArray in = input.array(scope, graph);
            xShape = in.getShape().getShape();
            x = in.toFloatArray();
            result = ActivationMaps.compute(ip, in, chosen, o);
        }

        List<ActivationFigure.LayerMaps> panels = new ArrayList<>();
        for (ActivationMaps.LayerMaps m : result) {
            String[] notes = null;
            if (order != ActivationMaps.Order.INDEX) {
                notes = new String[m.channels().length];
                for (int i = 0; i < notes.length; i++) {
                    int c = m.channels()[i];
                    notes[i] = order == ActivationMaps.Order.MEAN ? "mean " + Ticks.format(m.mean()[c], 3)
                            : "max " + Ticks.format(m.max()[c], 3);
                }
            }
            panels.add(new ActivationFigure.LayerMaps(ActivationMaps.describe(m, order), m.height(), m.width(),
                    m.maps(), m.channels(), notes));
        }
        ActivationFigure.Options fo = ActivationFigure.Options.defaults().withColormap(map).withNormalization(norm)
                .withSharedScale(sc.equals("layer")).withTileSize(tileSize);
        Figure fig = ActivationFigure.render(inputPicture(x, xShape, example), panels, fo);
        Path png = output.outOr(Path.of("netviz-out", Outputs.fileSafe(model.displayName() + "-activations") + ".png"));
        Png.write(fig, png);

        List<LayerResult> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (ActivationMaps.LayerMaps m : result) {
            String file = null;
            if (raw != null) {
                String base = Outputs.fileSafe(m.layer());
                String name = base + ".npy";
                for (int k = 2; !used.add(name.toLowerCase(Locale.ROOT)); k++) {
                    name = base + "_" + k + ".npy";
                }
                Path p = Outputs.createDirectories(raw).resolve(name);
                Npy.write(p, m.all(), m.exampleShape());
                file = p.toString();
            }
            out.add(new LayerResult(m.layer(), m.tensor(), m.shape(), m.channels(), m.mean(), m.max(), file));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(w, new Result(input.path().toString(), example, png.toString(), out));
            return;
        }
        for (int i = 0; i < result.size(); i++) {
            ActivationMaps.LayerMaps m = result.get(i);
            w.println(ActivationMaps.describe(m, order) + " (tensor '" + m.tensor() + "', "
                    + Arrays.toString(m.shape()) + "): channels " + abbreviate(m.channels())
                    + (out.get(i).raw() != null ? "  \u2192  " + out.get(i).raw() : ""));
        }
        w.println("picture  \u2192  " + png);
        w.flush();
    }

    /** The input as the model sees it (after preprocessing), min-max scaled; null if it is not an image. */
    static BufferedImage inputPicture(float[] x, long[] shape, int example) {
        if (shape.length != 4 || (shape[1] != 1 && shape[1] != 3)) {
            return null;
        }
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int per = c * h * w;
        float[] one = Arrays.copyOfRange(x, example * per, (example + 1) * per);
        return Images.fromPlanes(one, c, h, w, null);
    }

    /** Every convolution's activation, or four spread from first to last when there are more. */
    static List<String> defaultLayers(Graph graph) {
        List<String> all = DeadFilters.convActivations(graph);
        List<String> names = new ArrayList<>();
        for (String t : all) {
            Node p = graph.producer(t);
            names.add(p != null && !p.name().isEmpty() && graph.resolveTensor(p.name()).equals(t) ? p.name() : t);
        }
        if (names.size() <= 4) {
            return names;
        }
        List<String> pick = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String n = names.get((int) Math.round(i * (names.size() - 1) / 3.0));
            if (!pick.contains(n)) {
                pick.add(n);
            }
        }
        return pick;
    }

    private static String abbreviate(int[] channels) {
        if (channels.length <= 16) {
            return Arrays.toString(channels);
        }
        return Arrays.toString(Arrays.copyOf(channels, 16)).replace("]", ", \u2026 (" + channels.length + ")]");
    }
}
