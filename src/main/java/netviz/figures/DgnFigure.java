package netviz.figures;

import netviz.session.Installation;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.Preprocessing;
import netviz.io.InputFiles;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;
import netviz.methods.generative.DeepGeneratorActivationMaximization;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Clamp;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Start;
import netviz.methods.generative.GeneratorModel;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.neurons.Goal;
import netviz.methods.neurons.Regularizers;
import netviz.onnx.OnnxLoader;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.Ticks;
import netviz.render.TileGrid;
import netviz.render.ValueRange;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * The figure of activation maximization through a deep generator network (DGN-AM, Nguyen,
 * Dosovitskiy, Yosinski, Brox and Clune 2016, "Synthesizing the preferred inputs for neurons in
 * neural networks via deep generator networks"; {@link DeepGeneratorActivationMaximization}): the
 * code h of a generator G is optimised so that a unit of classifier(G(h)) is as large as possible,
 * with an L2 penalty on h and h clamped to the range seen on real data. One sheet: a row of G(h*)
 * per unit, and below it pixel-space activation maximization of the same units (Yosinski et al.
 * 2015 regularisers) for comparison.
 *
 * <p>{@link #make} returns the sheet, the raw arrays {@code images} (G(h*) as model inputs,
 * (N, C, H, W)) and {@code codes} (h*, (N, D)), and a summary (see {@link #make}).
 */
public final class DgnFigure {
    /** The generator trained for the bundled classifier, relative to the installation folder. */
    public static final String BUNDLED_GENERATOR = Installation.GENERATOR;
    /** The most units synthesised at a time. */
    static final int MAX_UNITS = 64;

    private DgnFigure() {
    }

    /**
     * The figure's settings, named after the {@code netviz dgn} flags, with its defaults (those of
     * {@link DeepGeneratorActivationMaximization.Options#defaults()}, 200 steps of pixel-space
     * activation maximization beside, 112-pixel tiles). The units are classes ({@code targets}:
     * indices or names, or the single word "all") or {@code channels} of {@code layer}.
     */
    public record Options(List<String> targets, String layer, int[] channels, int iterations, double learningRate,
                          double l2, Start start, double noise, Clamp clamp, int amIterations, long seed, int tile) {
        public Options {
            targets = targets == null ? null : List.copyOf(targets);
            channels = channels == null ? null : channels.clone();
            if (iterations < 1 || iterations > 100_000) {
                throw new OutOfRangeException("--iterations must be between 1 and 100000, not " + iterations);
            }
            if (amIterations < 0 || amIterations > 100_000) {
                throw new OutOfRangeException("--am-iterations must be between 0 and 100000, not " + amIterations);
            }
            if (tile < 8 || tile > 1024) {
                throw new OutOfRangeException("--tile must be between 8 and 1024 pixels, not " + tile);
            }
        }

        /** No units yet (give them with {@link #withTargets} or {@link #withLayer}); every other setting the command's default. */
        public static Options defaults() {
            DeepGeneratorActivationMaximization.Options d = DeepGeneratorActivationMaximization.Options.defaults();
            return new Options(null, null, null, d.iterations(), d.learningRate(), d.l2(), d.start(), d.noise(), d.clamp(),
                    200, d.seed(), 112);
        }

        /** These options, once checked that they name classes, or channels of a layer; else one line naming the flags. */
        public Options checkUnits() {
            if ((targets != null) == (layer != null)) {
                throw new NetvizException("give either --target CLASS[,CLASS...]|all or --layer L --channel C");
            }
            if (layer != null && channels == null) {
                throw new NetvizException("--layer needs --channel C");
            }
            if (layer == null && channels != null) {
                throw new NetvizException("--channel needs --layer");
            }
            return this;
        }

        /** These options, once checked that a start image is given exactly when the code starts from one. */
        public Options checkStart(boolean startImageGiven) {
            if ((start == Start.CODE) != startImageGiven) {
                throw new NetvizException("--start image and --image FILE go together");
            }
            return this;
        }

        /** The {@code --start} word: mean, zeros (or zero) or image. */
        public static Start start(String word) {
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "mean" -> Start.MEAN;
                case "zeros", "zero" -> Start.ZEROS;
                case "image" -> Start.CODE;
                default -> throw new UnknownNameException("start code", word, List.of("mean", "zeros", "image"));
            };
        }

        /** The {@code --clamp} word: range, percentile or none. */
        public static Clamp clamp(String word) {
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "range" -> Clamp.RANGE;
                case "percentile" -> Clamp.PERCENTILE;
                case "none" -> Clamp.NONE;
                default -> throw new UnknownNameException("clamp", word, List.of("range", "percentile", "none"));
            };
        }

        private static String word(Start s) {
            return s == Start.CODE ? "image" : s.name().toLowerCase(Locale.ROOT);
        }

        /**
         * The {@code netviz dgn} flags that make this figure (the units, then each setting that differs
         * from its default), without the model, generator, start image and output paths.
         */
        public List<String> arguments() {
            Options d = defaults();
            List<String> a = new ArrayList<>();
            Flags.add(a, "--target", targets == null ? null : String.join(",", targets), null);
            Flags.add(a, "--layer", layer, null);
            Flags.add(a, "--channel", channels == null ? null
                    : String.join(",", Arrays.stream(channels).mapToObj(Integer::toString).toList()), null);
            Flags.add(a, "--iterations", iterations, d.iterations);
            Flags.add(a, "--lr", learningRate, d.learningRate);
            Flags.add(a, "--l2", l2, d.l2);
            Flags.add(a, "--start", word(start), word(d.start));
            Flags.add(a, "--noise", noise, d.noise);
            Flags.add(a, "--clamp", clamp.name().toLowerCase(Locale.ROOT), d.clamp.name().toLowerCase(Locale.ROOT));
            Flags.add(a, "--am-iterations", amIterations, d.amIterations);
            Flags.add(a, "--seed", seed, d.seed);
            Flags.add(a, "--tile", tile, d.tile);
            return a;
        }

        public Options withTargets(List<String> v) {
            return new Options(v, layer, channels, iterations, learningRate, l2, start, noise, clamp, amIterations, seed,
                    tile);
        }

        public Options withLayer(String v, int[] c) {
            return new Options(targets, v, c, iterations, learningRate, l2, start, noise, clamp, amIterations, seed, tile);
        }

        public Options withIterations(int v) {
            return new Options(targets, layer, channels, v, learningRate, l2, start, noise, clamp, amIterations, seed, tile);
        }

        public Options withLearningRate(double v) {
            return new Options(targets, layer, channels, iterations, v, l2, start, noise, clamp, amIterations, seed, tile);
        }

        public Options withL2(double v) {
            return new Options(targets, layer, channels, iterations, learningRate, v, start, noise, clamp, amIterations,
                    seed, tile);
        }

        public Options withStart(Start v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, v, noise, clamp, amIterations, seed,
                    tile);
        }

        public Options withNoise(double v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, start, v, clamp, amIterations, seed,
                    tile);
        }

        public Options withClamp(Clamp v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, start, noise, v, amIterations, seed,
                    tile);
        }

        public Options withAmIterations(int v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, start, noise, clamp, v, seed, tile);
        }

        public Options withSeed(long v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, start, noise, clamp, amIterations, v,
                    tile);
        }

        public Options withTile(int v) {
            return new Options(targets, layer, channels, iterations, learningRate, l2, start, noise, clamp, amIterations,
                    seed, v);
        }
    }

    /**
     * A generator checked against a session's classifier: its file, its graph, its metadata, and a
     * warning line when it was trained for another classifier file of the same shape (null if not).
     */
    public record Generator(Path file, Graph graph, GeneratorModel model, String warning) {
    }

    /**
     * Whether the session's model is the bundled classifier and the bundled generator is installed,
     * so that {@link #generator} needs no file.
     */
    public static boolean hasBundledGenerator(Session s) {
        return Installation.isModel(s.modelPath()) && Files.isRegularFile(Installation.home().resolve(BUNDLED_GENERATOR));
    }

    /**
     * Opens the generator {@code file} (null: the bundled one, for the bundled model only) and checks
     * that it fits the session's classifier: its code layer is a hidden layer of the classifier with as
     * many values per image as G's code, and G draws images of the classifier's input size. One line
     * naming the file and what to do when it does not.
     */
    public static Generator generator(Session s, Path file) {
        Path path = file != null ? file : bundledGenerator(s);
        if (file != null) {
            if (Files.exists(file)) {
                InputFiles.requireRegular(file, "generator model file", InputFiles.MAX_MODEL_BYTES);
            }
            if (!Files.isRegularFile(file)) {
                throw new NetvizException("generator '" + file + "' does not exist; make one with netviz"
                        + " train-generator --model M --out G.onnx");
            }
        }
        Graph gGraph = OnnxLoader.load(path);
        GeneratorModel gm = GeneratorModel.of(gGraph, path.toString());
        Graph graph = s.graph();
        String modelFile = s.modelPath().getFileName().toString();
        if (!graph.hasTensor(gm.codeLayer()) || graph.inputs().stream().anyMatch(v -> v.name().equals(gm.codeLayer()))) {
            throw new ShapeMismatchException("the generator '" + path.getFileName() + "' inverts layer '"
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
        long[] code = s.shapeOf(gm.codeLayer());
        long codeLength = 1;
        for (int i = 1; i < code.length; i++) {
            codeLength *= code[i];
        }
        return new Generator(path, gGraph, gm, gm.checkFits(modelFile, s.modelHash(), codeLength));
    }

    private static Path bundledGenerator(Session s) {
        if (!Installation.isModel(s.modelPath())) {
            throw new NetvizException("no --generator given and '" + s.modelPath().getFileName() + "' is not the bundled"
                    + " model; make a generator with 'netviz train-generator --model " + s.modelPath()
                    + " --out G.onnx' and pass --generator G.onnx");
        }
        Path p = Installation.home().resolve(BUNDLED_GENERATOR);
        if (!Files.isRegularFile(p)) {
            throw new NetvizException("the bundled generator '" + p + "' is missing; remake it with netviz train-generator");
        }
        return p;
    }

    /**
     * Runs DGN-AM through {@code g} for the units of {@code o}, from {@code startImage}'s code when
     * {@code o.start()} is {@link Start#CODE} (else null), then pixel-space activation maximization of
     * the same units unless {@code o.amIterations()} is 0, and draws the sheet. The summary holds
     * {@code units} (each unit's title), {@code classes} (whether the units are classes),
     * {@code codeLayer}, {@code activation} and {@code probability} (per unit, on G(h*); the
     * probability null for channels), {@code pixelActivation} and {@code pixelProbability} (the
     * same for pixel-space activation maximization; null when skipped or for channels),
     * {@code dgnSeconds} and {@code pixelSeconds} (the time each took), and {@code activationTrace}
     * and {@code probabilityTrace} ([step][unit] from the start, step 0, to the last step).
     */
    public static FigureResult make(Session s, Generator g, Picture startImage, Options o, Progress progress) {
        o.checkUnits().checkStart(startImage != null);
        List<String> titles = new ArrayList<>();
        Goal goal = goal(s, o, titles);
        boolean classes = o.targets() != null;
        int n = goal.size();
        if (n > MAX_UNITS) {
            throw new OutOfRangeException("at most " + MAX_UNITS + " units at a time, not " + n);
        }
        Interpreter ip = s.interpreter();
        Preprocessing pre = s.preprocessing();
        GeneratorModel gm = g.model();
        float[] startCodes = null;
        if (startImage != null) {
            try (NDManager m = ip.newScope()) {
                startCodes = ip.forward(m, Map.of(ip.inputName(), m.create(startImage.input(),
                        new Shape(startImage.shape()))), List.of(gm.codeLayer())).get(gm.codeLayer()).toFloatArray();
            }
        }
        DeepGeneratorActivationMaximization.Result r;
        double dgnSeconds;
        try (Interpreter gp = Interpreter.of(g.graph())) {
            DeepGeneratorActivationMaximization dgn = new DeepGeneratorActivationMaximization(ip, gp, gm, pre.mean(),
                    pre.std());
            long t0 = System.nanoTime();
            r = dgn.run(goal, new DeepGeneratorActivationMaximization.Options(o.iterations(), o.learningRate(), o.l2(),
                    o.start(), startCodes, o.noise(), o.clamp(), o.seed()), progress);
            dgnSeconds = (System.nanoTime() - t0) / 1e9;
        }
        ActivationMaximization.Result am = null;
        double[] amProb = null;
        double amSeconds = 0;
        if (o.amIterations() > 0) {
            ActivationMaximization pixel = new ActivationMaximization(ip, pre.mean(), pre.std());
            long t1 = System.nanoTime();
            am = pixel.run(goal, ActivationMaximization.Options.defaults().withIterations(o.amIterations())
                    .withRegularizers(Regularizers.preset("yosinski")).withSeed(o.seed()), progress);
            amSeconds = (System.nanoTime() - t1) / 1e9;
            amProb = classes ? probabilities(ip, am.input(), am.shape(), goal.tensor(), goal.channels()) : null;
        }
        String top = "DGN-AM: " + o.iterations() + " Adam steps on the generator's " + gm.codeLayer() + " code (clamp "
                + o.clamp().name().toLowerCase(Locale.ROOT) + ", L2 " + o.l2() + ", start " + Options.word(o.start()) + ")";
        String bottom = "pixel-space activation maximization: " + o.amIterations()
                + " steps, Yosinski et al. regularisers";
        Figure sheet = sheet(r, am, amProb, titles, classes, o.tile(), top, bottom);
        String title = s.name() + ": DGN-AM" + (am != null ? " vs pixel-space activation maximization" : "");
        Map<String, RawArray> arrays = new LinkedHashMap<>();
        arrays.put("images", new RawArray(r.input(), r.shape()));
        arrays.put("codes", new RawArray(r.codes(), new long[] {n, gm.codeSize()}));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("units", titles);
        summary.put("classes", classes);
        summary.put("codeLayer", gm.codeLayer());
        summary.put("activation", r.activation());
        summary.put("probability", classes ? r.probability() : null);
        summary.put("pixelActivation", am == null ? null : am.end());
        summary.put("pixelProbability", amProb);
        summary.put("dgnSeconds", dgnSeconds);
        summary.put("pixelSeconds", amSeconds);
        summary.put("activationTrace", r.activationTrace());
        summary.put("probabilityTrace", classes ? r.probabilityTrace() : null);
        return new FigureResult(List.of(Layout.pad(Layout.titled(title, sheet), 8)), arrays, summary);
    }

    /** The goal of {@code o}'s units (classes or channels of a layer), adding each unit's title to {@code titles}. */
    private static Goal goal(Session s, Options o, List<String> titles) {
        if (o.targets() == null) {
            String t = s.graph().resolveTensor(o.layer());
            for (int c : o.channels()) {
                titles.add(t + " : " + c);
            }
            return new Goal(t, o.channels(), null, null);
        }
        Labels labels = s.labels();
        List<Integer> ks = new ArrayList<>();
        if (o.targets().size() == 1 && o.targets().get(0).equalsIgnoreCase("all")) {
            for (int k = 0; k < s.classCount(); k++) {
                ks.add(k);
            }
        } else {
            for (String t : o.targets()) {
                ks.add(((Target.ClassScore) Target.parseClass(t, labels.names())).classes()[0]);
            }
        }
        for (int k : ks) {
            titles.add(labels.name(k) + " (" + k + ")");
        }
        return new Goal(s.scoreTensor(), ks.stream().mapToInt(Integer::intValue).toArray(), null, null);
    }

    private static Figure sheet(DeepGeneratorActivationMaximization.Result r, ActivationMaximization.Result am,
                                double[] amProb, List<String> titles, boolean classes, int tile, String topTitle,
                                String bottomTitle) {
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

    /** The softmax probability of each example's own class ({@code classes[i]}) on the classifier's scores. */
    private static double[] probabilities(Interpreter ip, float[] input, long[] shape, String scores, int[] classes) {
        try (NDManager m = ip.newScope()) {
            float[] logits = ip.forward(m, Map.of(ip.inputName(), m.create(input, new Shape(shape))), List.of(scores))
                    .get(scores).toType(DataType.FLOAT32, false).toFloatArray();
            return Classifier.softmaxAt(logits, classes);
        }
    }
}
