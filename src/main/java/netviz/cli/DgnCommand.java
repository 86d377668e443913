package netviz.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
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
import netviz.methods.generative.DeepGeneratorActivationMaximization;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Clamp;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Start;
import netviz.methods.generative.GeneratorModel;
import netviz.methods.unit.Units;
import netviz.methods.neurons.Regularizers;
import netviz.onnx.OnnxLoader;
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
 * {@code netviz dgn}: activation maximization through a deep generator network (DGN-AM, Nguyen et
 * al. 2016) beside pixel-space activation maximization for the same units, in one sheet.
 */
@Command(name = "dgn", mixinStandardHelpOptions = true,
        description = {"Synthesise the preferred input of a unit through a deep generator network (DGN-AM, Nguyen et al."
                + " 2016): optimise the code h of a generator G (made by 'netviz train-generator') so that the unit of"
                + " classifier(G(h)) is as large as possible, with an L2 penalty on h and h clamped to the range seen on"
                + " real data. Draws the DGN images beside pixel-space activation maximization (netviz maximize, Yosinski"
                + " et al. regularisers) of the same units in one sheet.",
                "Targets: --target K[,K...] (class indices or names) or --target all, or --layer L --channel C[,C...]."
                        + " Writes DIR/dgn.png (the sheet), DIR/dgn-images.npy (G(h*), model inputs), DIR/dgn-codes.npy,"
                        + " DIR/dgn-trace.csv (activation and probability at the start, step 0, and after every step)."})
public final class DgnCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-g", "--generator"}, paramLabel = "G.onnx",
            description = "The generator (default: " + TrainGeneratorCommand.BUNDLED_GENERATOR + " for the bundled model).")
    Path generator;

    @Option(names = {"-t", "--target"}, split = ",", paramLabel = "CLASS",
            description = "Class index or name, several, or 'all'.")
    List<String> targets;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "Maximise a channel of this layer instead.")
    String layer;

    @Option(names = {"-c", "--channel"}, split = ",", paramLabel = "C", description = "Channel(s) of --layer.")
    int[] channels;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200",
            description = "Adam steps on the code (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "Adam's step size on the code (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0.001", description = "Weight of the L2 penalty on the code (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--start", paramLabel = "KIND", defaultValue = "mean",
            description = "Start code: mean (of the training codes), zeros, or image (the code of --image) (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--image", paramLabel = "FILE", description = "The real image whose code starts the search (--start image).")
    Path image;

    @Option(names = "--noise", paramLabel = "S", defaultValue = "0",
            description = "Seeded Gaussian noise added to the start code, in units of each dimension's std on real data (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--clamp", paramLabel = "KIND", defaultValue = "range",
            description = "Keep h within: range (per-dimension min..max on the training images), percentile (1st..99th), none (default: ${DEFAULT-VALUE}).")
    String clamp;

    @Option(names = "--am-iterations", paramLabel = "N", defaultValue = "200",
            description = "Steps of the pixel-space activation maximization drawn beside (0: skip it; default: ${DEFAULT-VALUE}).")
    int amIterations;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: netviz-out/<model>-dgn).")
    Path out;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "112", description = "Size of each image in the sheet (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    @Override
    public void run() {
        if (iterations < 1 || iterations > 100_000) {
            throw new OutOfRangeException("--iterations must be between 1 and 100000, not " + iterations);
        }
        if (amIterations < 0 || amIterations > 100_000) {
            throw new OutOfRangeException("--am-iterations must be between 0 and 100000, not " + amIterations);
        }
        if (tile < 8 || tile > 1024) {
            throw new OutOfRangeException("--tile must be between 8 and 1024 pixels, not " + tile);
        }
        if ((targets != null) == (layer != null)) {
            throw new NetvizException("give either --target CLASS[,CLASS...]|all or --layer L --channel C");
        }
        if (layer != null && channels == null) {
            throw new NetvizException("--layer needs --channel C");
        }
        if (layer == null && channels != null) {
            throw new NetvizException("--channel needs --layer");
        }
        Start startKind = switch (start.toLowerCase(Locale.ROOT)) {
            case "mean" -> Start.MEAN;
            case "zeros", "zero" -> Start.ZEROS;
            case "image" -> Start.CODE;
            default -> throw new UnknownNameException("start code", start, List.of("mean", "zeros", "image"));
        };
        if ((startKind == Start.CODE) != (image != null)) {
            throw new NetvizException("--start image and --image FILE go together");
        }
        Clamp clampKind = switch (clamp.toLowerCase(Locale.ROOT)) {
            case "range" -> Clamp.RANGE;
            case "percentile" -> Clamp.PERCENTILE;
            case "none" -> Clamp.NONE;
            default -> throw new UnknownNameException("clamp", clamp, List.of("range", "percentile", "none"));
        };
        Graph graph = model.graph();
        Path modelPath = model.path();
        Path genPath = generatorPath();
        Graph gGraph = OnnxLoader.load(genPath);
        GeneratorModel gm = GeneratorModel.of(gGraph, genPath.toString());
        ModelConfig config = ModelConfig.of(graph);
        Preprocessing pre = config.resolvePreprocessing(null, graph);
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String modelFile = modelPath.getFileName().toString();
        try (Interpreter ip = model.newInterpreter(); Interpreter gp = Interpreter.of(gGraph)) {
            if (!graph.hasTensor(gm.codeLayer()) || graph.inputs().stream().anyMatch(v -> v.name().equals(gm.codeLayer()))) {
                throw new ShapeMismatchException("the generator '" + genPath.getFileName() + "' inverts layer '"
                        + gm.codeLayer() + "', which classifier '" + modelFile + "' has not as a hidden layer; use a"
                        + " generator trained for this classifier (netviz train-generator)");
            }
            long[] inDims = graph.inputs().get(0).dims();
            long[] gOut = gGraph.outputs().get(0).dims();
            if (inDims.length != 4 || gOut.length != 4 || inDims[1] != gOut[1] || inDims[2] != gOut[2]
                    || inDims[3] != gOut[3]) {
                throw new ShapeMismatchException("the generator draws " + gGraph.outputs().get(0).shapeString()
                        + " images but classifier '" + modelFile + "' takes " + graph.inputs().get(0).shapeString());
            }
            long codeLength = codeLength(ip, gm.codeLayer(), inDims);
            String warning = gm.checkFits(modelFile, GeneratorModel.sha256(modelPath), codeLength);
            if (warning != null) {
                err.println("netviz: " + warning);
                err.flush();
            }
            String scoreTensor = ScoreTensor.find(graph);
            Units goal;
            List<String> titles = new ArrayList<>();
            if (targets != null) {
                long classes = outputs(ip, scoreTensor, inDims);
                Labels labels = Labels.forModel(null, config, (int) classes);
                List<Integer> ks = new ArrayList<>();
                if (targets.size() == 1 && targets.get(0).equalsIgnoreCase("all")) {
                    for (int k = 0; k < classes; k++) {
                        ks.add(k);
                    }
                } else {
                    for (String t : targets) {
                        ks.add(((Target.ClassScore) Target.parseClass(t, labels.names())).classes()[0]);
                    }
                }
                for (int k : ks) {
                    titles.add(labels.name(k) + " (" + k + ")");
                }
                goal = new Units(scoreTensor, ks.stream().mapToInt(Integer::intValue).toArray(), null, null);
            } else {
                String t = graph.resolveTensor(layer);
                for (int c : channels) {
                    titles.add(t + " : " + c);
                }
                goal = new Units(t, channels, null, null);
            }
            int n = goal.size();
            if (n > 64) {
                throw new OutOfRangeException("at most 64 units at a time, not " + n);
            }
            float[] startCodes = null;
            if (startKind == Start.CODE) {
                float[] x = ImageInput.stack(List.of(ImageInput.load(image, pre))).data();
                try (NDManager m = ip.newScope()) {
                    startCodes = ip.forward(m, Map.of(ip.inputName(), m.create(x, new Shape(1, inDims[1], inDims[2],
                            inDims[3]))), List.of(gm.codeLayer())).get(gm.codeLayer()).toFloatArray();
                }
            }
            DeepGeneratorActivationMaximization dgn = new DeepGeneratorActivationMaximization(ip, gp, gm, pre.mean(),
                    pre.std());
            DeepGeneratorActivationMaximization.Options o = new DeepGeneratorActivationMaximization.Options(iterations,
                    learningRate, l2, startKind, startCodes, noise, clampKind, seed);
                        long t0 = System.nanoTime();
            DeepGeneratorActivationMaximization.Result r;
            try (TerminalProgress bar = new TerminalProgress(progress)) {
                r = dgn.run(goal, o, bar);
            }
            double dgnSeconds = (System.nanoTime() - t0) / 1e9;
            ActivationMaximization.Result am = null;
            double[] amProb = null;
            double amSeconds = 0;
            if (amIterations > 0) {
                ActivationMaximization pixel = new ActivationMaximization(ip, pre.mean(), pre.std());
                ActivationMaximization.Options ao = ActivationMaximization.Options.defaults().withIterations(amIterations)
                        .withRegularizers(Regularizers.preset("yosinski")).withSeed(seed);
                long t1 = System.nanoTime();
                try (TerminalProgress bar = new TerminalProgress(progress)) {
                    am = pixel.run(goal, ao, bar);
                }
                amSeconds = (System.nanoTime() - t1) / 1e9;
                amProb = targets != null ? probabilities(ip, am.input(), am.shape(), goal) : null;
            }
            Path dir = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-dgn");
            Outputs.createDirectories(dir);
            String top = "DGN-AM: " + iterations + " Adam steps on the generator's " + gm.codeLayer() + " code (clamp "
                    + clampKind.name().toLowerCase(Locale.ROOT) + ", L2 " + l2 + ", start " + start + ")";
            String bottom = "pixel-space activation maximization: " + amIterations + " steps, Yosinski et al. regularisers";
            Figure sheet = sheet(r, am, amProb, titles, targets != null, tile, top, bottom);
            String title = model.displayName() + ": DGN-AM" + (am != null ? " vs pixel-space activation maximization" : "");
            Path png = Png.write(Layout.pad(Layout.titled(title, sheet), 8), dir.resolve("dgn.png"));
            long[] s = r.shape();
            Npy.write(dir.resolve("dgn-images.npy"), r.input(), s);
            Npy.write(dir.resolve("dgn-codes.npy"), r.codes(), n, gm.codeSize());
            StringBuilder csv = new StringBuilder("step,unit,activation,probability\n");
            for (int t = 0; t < r.activationTrace().length; t++) {
                for (int i = 0; i < n; i++) {
                    csv.append(t).append(',').append(i).append(',').append(r.activationTrace()[t][i]).append(',')
                            .append(Double.isNaN(r.probabilityTrace()[t][i]) ? "" : Double.toString(r.probabilityTrace()[t][i]))
                            .append('\n');
                }
            }
            Outputs.writeString(dir.resolve("dgn-trace.csv"), csv.toString());
            for (int i = 0; i < n; i++) {
                w.println(String.format(Locale.ROOT, "%-24s DGN %s %s%s%s", titles.get(i),
                        targets != null ? "logit" : "value", Ticks.format(r.activation()[i], 4),
                        targets != null ? String.format(Locale.ROOT, " p %.4f", r.probability()[i]) : "",
                        am == null ? "" : String.format(Locale.ROOT, "   | pixel AM %s%s", Ticks.format(am.end()[i], 4),
                                amProb != null ? String.format(Locale.ROOT, " p %.4f", amProb[i]) : "")));
            }
            w.println(String.format(Locale.ROOT, "time per image: DGN-AM %.0f ms (%d steps)%s", dgnSeconds * 1000 / n,
                    iterations, am == null ? "" : String.format(Locale.ROOT, ", pixel AM %.0f ms (%d steps)",
                            amSeconds * 1000 / n, amIterations)));
            w.println("sheet  \u2192  " + png + "   images, codes, trace  \u2192  " + dir);
            w.flush();
        }
        model.printNotes(spec.commandLine().getErr(), targets != null);
    }

    private Path generatorPath() {
        if (generator != null) {
            if (Files.exists(generator)) {
                netviz.io.InputFiles.requireRegular(generator, "generator model file",
                        netviz.io.InputFiles.MAX_MODEL_BYTES);
            }
            if (!Files.isRegularFile(generator)) {
                throw new NetvizException("generator '" + generator + "' does not exist; make one with netviz"
                        + " train-generator --model M --out G.onnx");
            }
            return generator;
        }
        Path bundledModel = ModelOptions.home().resolve(ModelOptions.BUNDLED_MODEL).toAbsolutePath().normalize();
        if (!model.path().toAbsolutePath().normalize().equals(bundledModel)) {
            throw new NetvizException("no --generator given and '" + model.path().getFileName() + "' is not the bundled"
                    + " model; make a generator with 'netviz train-generator --model " + model.path()
                    + " --out G.onnx' and pass --generator G.onnx");
        }
        Path p = ModelOptions.home().resolve(TrainGeneratorCommand.BUNDLED_GENERATOR);
        if (!Files.isRegularFile(p)) {
            throw new NetvizException("the bundled generator '" + p + "' is missing; remake it with netviz train-generator");
        }
        return p;
    }

    static Figure sheet(DeepGeneratorActivationMaximization.Result r, ActivationMaximization.Result am, double[] amProb,
                        List<String> titles, boolean classes, int tile,
                        String topTitle, String bottomTitle) {
        long[] s = r.shape();
        int n = (int) s[0];
        int per = (int) (s[1] * s[2] * s[3]);
        List<TileGrid.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = Arrays.copyOfRange(r.pixels(), i * per, (i + 1) * per);
            String value = (classes ? "p " + String.format(Locale.ROOT, "%.3f", r.probability()[i]) + ", logit "
                    : "value ") + Ticks.format(r.activation()[i], 3);
            tiles.add(TileGrid.Tile.of(Images.fromPlanes(px, (int) s[1], (int) s[2], (int) s[3], new ValueRange(0, 1)), i,
                    titles.get(i), value));
        }
        TileGrid.Options grid = TileGrid.Options.defaults().withTileSize(tile).withColumns(Math.min(n, 10));
        Figure top = TileGrid.render(tiles, grid);
        if (am == null) {
            return top;
        }
        long[] a = am.shape();
        List<TileGrid.Tile> amTiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = Arrays.copyOfRange(am.pixels(), i * per, (i + 1) * per);
            String value = (amProb != null ? "p " + String.format(Locale.ROOT, "%.3f", amProb[i]) + ", logit "
                    : "value ") + Ticks.format(am.end()[i], 3);
            amTiles.add(TileGrid.Tile.of(Images.fromPlanes(px, (int) a[1], (int) a[2], (int) a[3], new ValueRange(0, 1)),
                    i, titles.get(i), value));
        }
        return Layout.column(List.of(Layout.titled(topTitle, top, Layout.CAPTION_SIZE),
                Layout.titled(bottomTitle, TileGrid.render(amTiles, grid), Layout.CAPTION_SIZE)), Layout.GAP,
                Layout.Align.START);
    }

    private static long codeLength(Interpreter ip, String layer, long[] inDims) {
        try (NDManager m = ip.newScope()) {
            long[] d = inDims.clone();
            d[0] = 1;
            return ip.forward(m, Map.of(ip.inputName(), m.zeros(new Shape(d))), List.of(layer)).get(layer).size();
        }
    }

    private static long outputs(Interpreter ip, String tensor, long[] inDims) {
        try (NDManager m = ip.newScope()) {
            long[] d = inDims.clone();
            d[0] = 1;
            return ip.forward(m, Map.of(ip.inputName(), m.zeros(new Shape(d))), List.of(tensor)).get(tensor).getShape()
                    .get(1);
        }
    }

    static double[] probabilities(Interpreter ip, float[] input, long[] shape, Units goal) {
        try (NDManager m = ip.newScope()) {
            float[] logits = ip.forward(m, Map.of(ip.inputName(), m.create(input, new Shape(shape))),
                    List.of(goal.tensor())).get(goal.tensor()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray();
            return netviz.methods.evaluation.Classifier.softmaxAt(logits, goal.channels());
        }
    }
}
