package netviz.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ImageInput;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.io.Npy;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.attribution.Target;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.unit.Units;
import netviz.methods.neurons.Regularizers;
import netviz.methods.neurons.Transform;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.render.TileGrid;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz maximize}: activation maximization (Simonyan et al. 2014; Yosinski et al. 2015;
 * Olah et al. 2017) of class scores or of a channel/neuron, one image per target in a grid.
 */
@Command(name = "maximize", mixinStandardHelpOptions = true,
        description = {"Synthesise the image a unit responds to most by gradient ascent on the image: "
                + "I* = argmax f(I) - lambda/2 |I|^2, kept in the valid pixel range of the preprocessing.",
                "Targets: class scores (--target 0,1,2 or class names; the logit, not the probability) or "
                        + "--layer L --channel C [--position y,x]. Regularisers of Yosinski et al. 2015 via --preset "
                        + "simonyan|yosinski|yosinski1..4|none and the individual flags; --param fft uses Lucid's "
                        + "decorrelated Fourier parameterisation with jitter/scale/rotate robustness; --diversity N "
                        + "makes N different images of one unit."})
public final class MaximizeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-t", "--target"}, split = ",", paramLabel = "CLASS",
            description = "Class index or name (several: a grid, one image each).")
    List<String> targets;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "Maximise a unit of this layer instead.")
    String layer;

    @Option(names = {"-c", "--channel"}, split = ",", paramLabel = "C", description = "Channel(s) of --layer.")
    int[] channels;

    @Option(names = "--position", paramLabel = "Y,X", description = "One neuron of the channel (default: the channel's mean).")
    String position;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200", description = "Gradient steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--step", paramLabel = "ETA", description = "Step size: model-input units per step for pixels "
            + "(default 0.05), Adam's learning rate for fft (default 0.05).")
    Double step;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "yosinski",
            description = "Regulariser preset: none, simonyan (L2 only), yosinski (= yosinski3), yosinski1..4 "
                    + "(the rows of Yosinski et al. 2015, Table 1); default ${DEFAULT-VALUE}; none with --param fft.")
    String preset;

    @Option(names = "--decay", paramLabel = "THETA", description = "L2 decay per step, [0, 1).")
    Double decay;

    @Option(names = "--blur", paramLabel = "SIGMA", description = "Gaussian blur radius in pixels (0: off).")
    Double blur;

    @Option(names = "--blur-every", paramLabel = "N", description = "Blur every N steps (0: never).")
    Integer blurEvery;

    @Option(names = "--norm-percentile", paramLabel = "P", description = "Zero pixels whose norm is below this percentile, [0, 100).")
    Double normPercentile;

    @Option(names = "--contribution-percentile", paramLabel = "P",
            description = "Zero pixels whose contribution is below this percentile, [0, 100).")
    Double contributionPercentile;

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift of up to PX pixels before each step.")
    Integer jitter;

    @Option(names = "--param", paramLabel = "KIND", defaultValue = "pixel", description = "pixel or fft (default: ${DEFAULT-VALUE}).")
    String param;

    @Option(names = "--scale", split = ",", paramLabel = "F", description = "Random scale factors applied before each step (e.g. 0.95,1,1.05).")
    double[] scales;

    @Option(names = "--rotate", split = ",", paramLabel = "DEG", description = "Random rotations in degrees applied before each step (e.g. -5,0,5).")
    double[] rotations;

    @Option(names = "--init", paramLabel = "KIND", defaultValue = "zeros", description = "zeros (the mean image), noise, or image (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--image", paramLabel = "FILE", description = "The starting image for --init image.")
    Path image;

    @Option(names = "--diversity", paramLabel = "N", defaultValue = "0", description = "N different images of one unit (Lucid's diversity term).")
    int diversity;

    @Option(names = "--diversity-weight", paramLabel = "W", defaultValue = "10", description = "Weight of the diversity term (default: ${DEFAULT-VALUE}).")
    double diversityWeight;

    @Option(names = "--diversity-layer", paramLabel = "LAYER", description = "Layer whose Gram matrices are compared (default: --layer, or the last 4-D layer).")
    String diversityLayer;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean of the preprocessing (default: the model's).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviation (default: the model's).")
    float[] std;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png", description = "The image grid (default: netviz-out/<model>-maximize.png).")
    Path out;

    @Option(names = "--raw", paramLabel = "FILE.npy", description = "Also write the optimised model inputs (N, C, H, W) as .npy.")
    Path raw;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "128", description = "Size of each image in the grid (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar with the objective on stderr when it is a terminal (default: on).")
    boolean progress;

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        if (iterations < 1 || iterations > 100_000) {
            throw new OutOfRangeException("--iterations must be between 1 and 100000, not " + iterations);
        }
        if (diversity < 0 || diversity == 1 || diversity > 64) {
            throw new OutOfRangeException("--diversity must be 0 (off) or between 2 and 64 images, not " + diversity);
        }
        if (tile < 8 || tile > 1024) {
            throw new OutOfRangeException("--tile must be between 8 and 1024 pixels, not " + tile);
        }
        if ((targets != null) == (layer != null)) {
            throw new NetvizException("give either --target CLASS[,CLASS...] or --layer L --channel C");
        }
        if (layer != null && channels == null) {
            throw new NetvizException("--layer needs --channel C");
        }
        if (layer == null && (channels != null || position != null)) {
            throw new NetvizException("--channel and --position need --layer");
        }
        ActivationMaximization.Param kind = switch (param.toLowerCase(Locale.ROOT)) {
            case "pixel", "pixels" -> ActivationMaximization.Param.PIXEL;
            case "fft", "fourier" -> ActivationMaximization.Param.FOURIER;
            default -> throw new netviz.UnknownNameException("parameterisation", param, List.of("pixel", "fft"));
        };
        ActivationMaximization.Init start = switch (init.toLowerCase(Locale.ROOT)) {
            case "zeros", "zero" -> ActivationMaximization.Init.ZEROS;
            case "noise" -> ActivationMaximization.Init.NOISE;
            case "image" -> ActivationMaximization.Init.IMAGE;
            default -> throw new netviz.UnknownNameException("initialisation", init, List.of("zeros", "noise", "image"));
        };
        if ((start == ActivationMaximization.Init.IMAGE) != (image != null)) {
            throw new NetvizException("--init image and --image FILE go together");
        }
        Regularizers reg = Regularizers.preset(kind == ActivationMaximization.Param.FOURIER && preset.equals("yosinski")
                && !spec.commandLine().getParseResult().hasMatchedOption("--preset") ? "none" : preset);
        if (decay != null) {
            reg = reg.withDecay(decay);
        }
        if (blur != null || blurEvery != null) {
            reg = reg.withBlur(blur != null ? blur : reg.blurSigma(), blurEvery != null ? blurEvery
                    : reg.blurEvery() > 0 ? reg.blurEvery() : 1);
        }
        if (normPercentile != null) {
            reg = reg.withNormPercentile(normPercentile);
        }
        if (contributionPercentile != null) {
            reg = reg.withContributionPercentile(contributionPercentile);
        }
        if (jitter != null) {
            reg = reg.withJitter(jitter);
        }

        Graph graph = model.graph();
        ModelConfig config = ModelConfig.of(graph);
        Preprocessing pre = config.resolvePreprocessing(null, graph);
        if (mean != null) {
            pre = pre.withMean(mean);
        }
        if (std != null) {
            pre = pre.withStd(std);
        }
        List<Transform> transforms = new ArrayList<>();
        if (scales != null) {
            for (double s : scales) {
                if (!(s >= 0.25 && s <= 4)) {
                    throw new OutOfRangeException("--scale factors must be between 0.25 and 4, not " + s);
                }
            }
            transforms.add(Transform.scale(scales));
        }
        if (rotations != null) {
            transforms.add(Transform.rotate(rotations));
        }

        String scoreTensor = ScoreTensor.find(graph);
        PrintWriter w = spec.commandLine().getOut();
        try (Interpreter ip = model.newInterpreter()) {
            Labels labels = null;
            Units goal;
            List<String> titles = new ArrayList<>();
            int copies = Math.max(1, diversity);
            if (targets != null) {
                long classes = outputs(ip, scoreTensor);
                labels = Labels.forModel(null, config, (int) classes);
                List<Integer> ks = new ArrayList<>();
                for (String t : targets) {
                    int k = ((Target.ClassScore) Target.parseClass(t, labels.names())).classes()[0];
                    for (int i = 0; i < copies; i++) {
                        ks.add(k);
                        titles.add(labels.name(k) + " (" + k + ")");
                    }
                }
                goal = new Units(scoreTensor, ks.stream().mapToInt(Integer::intValue).toArray(), null, null);
            } else {
                String t = graph.resolveTensor(layer);
                int[] yx = position == null ? null : ReceptiveFieldCommand.parsePosition(position);
                List<Integer> cs = new ArrayList<>();
                for (int c : channels) {
                    for (int i = 0; i < copies; i++) {
                        cs.add(c);
                        titles.add(t + " : " + c + (yx == null ? "" : " @" + yx[0] + "," + yx[1]));
                    }
                }
                int[] c = cs.stream().mapToInt(Integer::intValue).toArray();
                int[] ys = null;
                int[] xs = null;
                if (yx != null) {
                    ys = new int[c.length];
                    xs = new int[c.length];
                    Arrays.fill(ys, yx[0]);
                    Arrays.fill(xs, yx[1]);
                }
                goal = new Units(t, c, ys, xs);
            }
            String divLayer = null;
            if (diversity > 1) {
                divLayer = diversityLayer != null ? diversityLayer : layer != null && rank(ip, graph.resolveTensor(layer)) == 4
                        ? layer : lastSpatial(ip, graph);
            }
            ActivationMaximization am = new ActivationMaximization(ip, pre.mean(), pre.std());
            float[] initImage = null;
            if (start == ActivationMaximization.Init.IMAGE) {
                initImage = ImageInput.stack(List.of(ImageInput.load(image, pre))).data();
            }
            double eta = step != null ? step : 0.05;
            ActivationMaximization.Options o = new ActivationMaximization.Options(iterations, eta, reg, kind, transforms,
                    start, initImage, 0.1, diversity > 1 ? diversityWeight : 0, divLayer, seed);
            ActivationMaximization.Result r;
            try (TerminalProgress bar = new TerminalProgress(progress)) {
                r = am.run(goal, o, bar);
            }
            double[] prob = targets != null ? probabilities(ip, r, goal) : null;
            int n = goal.size();
            long[] s = r.shape();
            int per = (int) (s[1] * s[2] * s[3]);
            List<TileGrid.Tile> tiles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] px = Arrays.copyOfRange(r.pixels(), i * per, (i + 1) * per);
                String value = (targets != null ? "logit " : "value ") + Ticks.format(r.end()[i], 3)
                        + (prob != null ? ", p " + String.format(Locale.ROOT, "%.3f", prob[i]) : "");
                tiles.add(TileGrid.Tile.of(Images.fromPlanes(px, (int) s[1], (int) s[2], (int) s[3], new ValueRange(0, 1)),
                        i, titles.get(i), value));
            }
            Figure grid = TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(tile)
                    .withColumns(Math.min(n, diversity > 1 ? diversity : 8)));
            String title = model.displayName() + ": activation maximization, " + iterations + " steps, "
                    + (kind == ActivationMaximization.Param.FOURIER ? "Fourier parameterisation" : "pixels")
                    + ", " + reg.describe() + (transforms.isEmpty() ? "" : ", " + Transform.compose(transforms).describe())
                    + (diversity > 1 ? ", diversity " + diversity : "");
            Figure fig = Layout.pad(Layout.titled(title, grid), 8);
            Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-maximize.png");
            Png.write(fig, png);
            if (raw != null) {
                Npy.write(raw, r.input(), r.shape());
            }
            for (int i = 0; i < n; i++) {
                w.println(String.format(Locale.ROOT, "%-28s %s -> %s%s", titles.get(i), Ticks.format(r.start()[i], 4),
                        Ticks.format(r.end()[i], 4), prob != null ? String.format(Locale.ROOT, "   p = %.4f", prob[i]) : ""));
            }
            w.println("image grid  \u2192  " + png + (raw != null ? "   model inputs  \u2192  " + raw : ""));
            w.flush();
        }
        model.printNotes(spec.commandLine().getErr(), targets != null);
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
            return ip.forward(m, java.util.Map.of(ip.inputName(), m.zeros(new Shape(d))), List.of(tensor)).get(tensor)
                    .getShape().get(1);
        }
    }

    private static int rank(Interpreter ip, String tensor) {
        try (NDManager m = ip.newScope()) {
            long[] d = ip.graph().inputs().get(0).dims().clone();
            d[0] = 1;
            return ip.forward(m, java.util.Map.of(ip.inputName(), m.zeros(new Shape(d))), List.of(tensor)).get(tensor)
                    .getShape().dimension();
        }
    }

    private static String lastSpatial(Interpreter ip, Graph graph) {
        String last = null;
        for (netviz.methods.neurons.ReceptiveField.Field f : netviz.methods.neurons.ReceptiveField.analyze(ip).fields()) {
            if (f.spatial() && !f.tensor().equals(ip.inputName())) {
                last = f.tensor();
            }
        }
        if (last == null) {
            throw new NetvizException("the model has no (N, C, H, W) layer for the diversity term; give --diversity-layer");
        }
        return last;
    }

    private static double[] probabilities(Interpreter ip, ActivationMaximization.Result r, Units goal) {
        // the model's own class probabilities (whichever score was optimised: logits or, with
        // --score probability, the softmax output)
        try (NDManager m = ip.newScope()) {
            double[][] p = new netviz.methods.evaluation.Classifier(ip).predict(m, m.create(r.input(), new Shape(r.shape())))
                    .probabilities();
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i][goal.channels()[i]];
            }
            return out;
        }
    }
}
