package netviz.figures;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import netviz.UnknownNameException;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.image.ImageInput;
import netviz.image.Preprocessing;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.neurons.ReceptiveField;
import netviz.methods.neurons.Regularizers;
import netviz.methods.neurons.Transform;
import netviz.methods.unit.Unit;
import netviz.methods.unit.Units;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.Ticks;
import netviz.render.TileGrid;
import netviz.render.ValueRange;
import netviz.session.Session;

/**
 * Activation maximization ({@link ActivationMaximization}; Erhan et al. 2009; Simonyan et al.
 * 2014; Yosinski et al. 2015; Olah et al. 2017): the image a unit responds to most, found by
 * gradient ascent on the image, I* = argmax f(I) − λ/2 ‖I‖², one image per class score or channel
 * (or N different images of one unit with the diversity term) in a titled grid.
 */
public final class MaximizeFigure {
    private MaximizeFigure() {
    }

    /**
     * The settings of {@code netviz maximize}, as its flags give them (a null object: the flag was
     * not given, the method's default applies).
     *
     * @param targets  class indices or names (a grid, one image each), or null with {@code layer}
     * @param layer    the layer of the channels, or null with {@code targets}
     * @param channels channels of {@code layer}
     * @param position one neuron (y, x) of each channel, or null for the channel's mean
     * @param preset   regulariser preset (null: yosinski for pixels, none for fft)
     * @param param    the parameterisation (pixels, default, or Lucid's Fourier basis)
     * @param init     the start (zeros = the mean image, default)
     * @param image    the starting image for {@code init} IMAGE
     * @param diversity N different images of one unit (0: off)
     * @param tile     pixels of each image in the grid (128)
     * @param preRelu  for a unit of a ReLU layer, optimise the ReLU's input (the same maximiser, but a
     *                 unit that is off on the start image still moves; Olah et al. 2017) and report the
     *                 unit itself
     */
    public record Options(List<String> targets, String layer, int[] channels, int[] position, int iterations,
                          Double step, String preset, Double decay, Double blur, Integer blurEvery,
                          Double normPercentile, Double contributionPercentile, Integer jitter,
                          ActivationMaximization.Param param, double[] scales, double[] rotations,
                          ActivationMaximization.Init init, Path image, int diversity, double diversityWeight,
                          String diversityLayer, long seed, float[] mean, float[] std, int tile, boolean preRelu) {
        public Options {
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
            if ((init == ActivationMaximization.Init.IMAGE) != (image != null)) {
                throw new NetvizException("--init image and --image FILE go together");
            }
            if (preset != null) {
                Regularizers.preset(preset);
            }
            if (scales != null) {
                for (double s : scales) {
                    if (!(s >= 0.25 && s <= 4)) {
                        throw new OutOfRangeException("--scale factors must be between 0.25 and 4, not " + s);
                    }
                }
            }
            targets = targets == null ? null : List.copyOf(targets);
            channels = channels == null ? null : channels.clone();
            position = position == null ? null : position.clone();
            scales = scales == null ? null : scales.clone();
            rotations = rotations == null ? null : rotations.clone();
            mean = mean == null ? null : mean.clone();
            std = std == null ? null : std.clone();
        }

        /** Class scores {@code targets} (indices or names) with the command's defaults. */
        public static Options ofClasses(List<String> targets) {
            return new Options(targets, null, null, null, 200, null, null, null, null, null, null, null, null,
                    ActivationMaximization.Param.PIXEL, null, null, ActivationMaximization.Init.ZEROS, null, 0, 10, null,
                    0, null, null, 128, false);
        }

        /** The unit {@code u} (a class score, or a channel or neuron of a layer) with the command's defaults. */
        public static Options of(Unit u) {
            Options o = ofClasses(List.of(Integer.toString(u.channel())));
            return u.isClassScore() ? o : new Options(null, u.layer(), new int[] {u.channel()}, u.position(),
                    o.iterations, o.step, o.preset, o.decay, o.blur, o.blurEvery, o.normPercentile,
                    o.contributionPercentile, o.jitter, o.param, o.scales, o.rotations, o.init, o.image, o.diversity,
                    o.diversityWeight, o.diversityLayer, o.seed, o.mean, o.std, o.tile, o.preRelu);
        }

        public Options withIterations(int n) {
            return new Options(targets, layer, channels, position, n, step, preset, decay, blur, blurEvery,
                    normPercentile, contributionPercentile, jitter, param, scales, rotations, init, image, diversity,
                    diversityWeight, diversityLayer, seed, mean, std, tile, preRelu);
        }

        public Options withPreset(String p) {
            return new Options(targets, layer, channels, position, iterations, step, p, decay, blur, blurEvery,
                    normPercentile, contributionPercentile, jitter, param, scales, rotations, init, image, diversity,
                    diversityWeight, diversityLayer, seed, mean, std, tile, preRelu);
        }

        public Options withTile(int px) {
            return new Options(targets, layer, channels, position, iterations, step, preset, decay, blur, blurEvery,
                    normPercentile, contributionPercentile, jitter, param, scales, rotations, init, image, diversity,
                    diversityWeight, diversityLayer, seed, mean, std, px, preRelu);
        }

        public Options withPreRelu(boolean on) {
            return new Options(targets, layer, channels, position, iterations, step, preset, decay, blur, blurEvery,
                    normPercentile, contributionPercentile, jitter, param, scales, rotations, init, image, diversity,
                    diversityWeight, diversityLayer, seed, mean, std, tile, on);
        }

        public Options withSeed(long s) {
            return new Options(targets, layer, channels, position, iterations, step, preset, decay, blur, blurEvery,
                    normPercentile, contributionPercentile, jitter, param, scales, rotations, init, image, diversity,
                    diversityWeight, diversityLayer, s, mean, std, tile, preRelu);
        }

        /** The regularisers: the preset (its default depends on the parameterisation) and the flags that override it. */
        public Regularizers regularizers() {
            Regularizers reg = Regularizers.preset(preset != null ? preset
                    : param == ActivationMaximization.Param.FOURIER ? "none" : "yosinski");
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
            return reg;
        }

        /** The random transforms applied before each step (after the jitter). */
        public List<Transform> transforms() {
            List<Transform> t = new ArrayList<>();
            if (scales != null) {
                t.add(Transform.scale(scales));
            }
            if (rotations != null) {
                t.add(Transform.rotate(rotations));
            }
            return t;
        }

        /** The {@code netviz maximize} flags that draw this figure (those that differ from the defaults). */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (targets != null) {
                a.addAll(List.of("--target", String.join(",", targets)));
            } else {
                a.addAll(List.of("--layer", layer, "--channel", join(channels)));
                if (position != null) {
                    a.addAll(List.of("--position", position[0] + "," + position[1]));
                }
            }
            if (iterations != 200) {
                a.addAll(List.of("--iterations", Integer.toString(iterations)));
            }
            flag(a, "--step", step);
            flag(a, "--preset", preset);
            flag(a, "--decay", decay);
            flag(a, "--blur", blur);
            flag(a, "--blur-every", blurEvery);
            flag(a, "--norm-percentile", normPercentile);
            flag(a, "--contribution-percentile", contributionPercentile);
            flag(a, "--jitter", jitter);
            if (param != ActivationMaximization.Param.PIXEL) {
                a.addAll(List.of("--param", "fft"));
            }
            if (scales != null) {
                a.addAll(List.of("--scale", join(scales)));
            }
            if (rotations != null) {
                a.addAll(List.of("--rotate", join(rotations)));
            }
            if (init != ActivationMaximization.Init.ZEROS) {
                a.addAll(List.of("--init", init.name().toLowerCase(Locale.ROOT)));
            }
            if (image != null) {
                a.addAll(List.of("--image", image.toString()));
            }
            if (diversity != 0) {
                a.addAll(List.of("--diversity", Integer.toString(diversity)));
                if (diversityWeight != 10) {
                    a.addAll(List.of("--diversity-weight", Double.toString(diversityWeight)));
                }
                flag(a, "--diversity-layer", diversityLayer);
            }
            if (seed != 0) {
                a.addAll(List.of("--seed", Long.toString(seed)));
            }
            if (mean != null) {
                a.addAll(List.of("--mean", join(mean)));
            }
            if (std != null) {
                a.addAll(List.of("--std", join(std)));
            }
            if (tile != 128) {
                a.addAll(List.of("--tile", Integer.toString(tile)));
            }
            if (preRelu) {
                a.add("--pre-relu");
            }
            return a;
        }

        private static void flag(List<String> a, String name, Object v) {
            if (v != null) {
                a.addAll(List.of(name, v.toString()));
            }
        }

        private static String join(Object array) {
            List<String> parts = new ArrayList<>();
            int n = java.lang.reflect.Array.getLength(array);
            for (int i = 0; i < n; i++) {
                parts.add(String.valueOf(java.lang.reflect.Array.get(array, i)));
            }
            return String.join(",", parts);
        }
    }

    /** "pixel" or "fft" (and their synonyms); one clear line naming both otherwise. */
    public static ActivationMaximization.Param param(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pixel", "pixels" -> ActivationMaximization.Param.PIXEL;
            case "fft", "fourier" -> ActivationMaximization.Param.FOURIER;
            default -> throw new UnknownNameException("parameterisation", name, List.of("pixel", "fft"));
        };
    }

    /** "zeros", "noise" or "image"; one clear line naming them otherwise. */
    public static ActivationMaximization.Init init(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zeros", "zero" -> ActivationMaximization.Init.ZEROS;
            case "noise" -> ActivationMaximization.Init.NOISE;
            case "image" -> ActivationMaximization.Init.IMAGE;
            default -> throw new UnknownNameException("initialisation", name, List.of("zeros", "noise", "image"));
        };
    }

    /**
     * Synthesises the images. The figure: the titled grid. The arrays: {@code input}, the optimised
     * model inputs (N, C, H, W). The summary: {@code tensor} (the unit's), {@code objective} (the
     * tensor optimised: the ReLU's input with {@code preRelu}), {@code classScores}, {@code titles},
     * {@code start} and {@code end} (each image's unit value on the start and the final image) and
     * {@code probability} (each class image's probability of its class; null for layer units).
     */
    public static FigureResult make(Session s, Options o, Progress p) {
        Graph graph = s.graph();
        Preprocessing pre = s.preprocessing();
        if (o.mean() != null) {
            pre = pre.withMean(o.mean());
        }
        if (o.std() != null) {
            pre = pre.withStd(o.std());
        }
        Regularizers reg = o.regularizers();
        List<Transform> transforms = o.transforms();
        Interpreter ip = s.interpreter();
        ActivationMaximization am = new ActivationMaximization(ip, pre.mean(), pre.std());
        am.inputShape(); // a fixed-size image input, or one clear line
        boolean classes = o.targets() != null;
        List<String> titles = new ArrayList<>();
        int copies = Math.max(1, o.diversity());
        List<Unit> list = new ArrayList<>();
        if (classes) {
            Labels labels = Labels.forModel(null, s.config(), s.classCount());
            for (String t : o.targets()) {
                int k = ((Target.ClassScore) Target.parseClass(t, labels.names())).classes()[0];
                for (int i = 0; i < copies; i++) {
                    list.add(Unit.classScore(k));
                    titles.add(labels.name(k) + " (" + k + ")");
                }
            }
        } else {
            String t = graph.resolveTensor(o.layer());
            int[] yx = o.position();
            for (int c : o.channels()) {
                for (int i = 0; i < copies; i++) {
                    list.add(new Unit(t, c, yx));
                    titles.add(t + " : " + c + (yx == null ? "" : " @" + yx[0] + "," + yx[1]));
                }
            }
        }
        Units units = Units.of(list).on(ScoreTensor.tensorOf(graph, list.get(0).layer()));
        Node producer = graph.producer(units.tensor());
        Units goal = !classes && o.preRelu() && producer != null && producer.opType().equals("Relu")
                ? units.on(producer.input(0)) : units;
        String divLayer = null;
        if (o.diversity() > 1) {
            divLayer = o.diversityLayer() != null ? o.diversityLayer()
                    : !classes && s.shapeOf(units.tensor()).length == 4 ? o.layer() : lastSpatial(ip);
        }
        float[] initImage = null;
        if (o.init() == ActivationMaximization.Init.IMAGE) {
            initImage = ImageInput.stack(List.of(ImageInput.load(o.image(), pre))).data();
        }
        double eta = o.step() != null ? o.step() : 0.05;
        ActivationMaximization.Options ao = new ActivationMaximization.Options(o.iterations(), eta, reg, o.param(),
                transforms, o.init(), initImage, 0.1, o.diversity() > 1 ? o.diversityWeight() : 0, divLayer, o.seed());
        ActivationMaximization.Result r = am.run(goal, ao, p);
        long[] sh = r.shape();
        double[] start = r.start();
        double[] end = r.end();
        if (goal != units) {
            // the unit itself, not the ReLU's input that was optimised
            end = am.values(units, r.input(), sh);
            start = o.init() == ActivationMaximization.Init.ZEROS ? am.values(units, new float[r.input().length], sh)
                    : start;
        }
        double[] prob = classes ? probabilities(ip, r, units) : null;
        int n = units.size();
        int per = (int) (sh[1] * sh[2] * sh[3]);
        List<TileGrid.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = Arrays.copyOfRange(r.pixels(), i * per, (i + 1) * per);
            String value = (classes ? "logit " : "value ") + Ticks.format(end[i], 3)
                    + (prob != null ? ", p " + String.format(Locale.ROOT, "%.3f", prob[i]) : "");
            tiles.add(TileGrid.Tile.of(Images.fromPlanes(px, (int) sh[1], (int) sh[2], (int) sh[3], new ValueRange(0, 1)),
                    i, titles.get(i), value));
        }
        Figure grid = TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(o.tile())
                .withColumns(Math.min(n, o.diversity() > 1 ? o.diversity() : 8)));
        String title = s.name() + ": activation maximization, " + o.iterations() + " steps, "
                + (o.param() == ActivationMaximization.Param.FOURIER ? "Fourier parameterisation" : "pixels")
                + ", " + reg.describe() + (transforms.isEmpty() ? "" : ", " + Transform.compose(transforms).describe())
                + (o.diversity() > 1 ? ", diversity " + o.diversity() : "");
        Figure fig = Layout.pad(Layout.titled(title, grid), 8);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("tensor", units.tensor());
        summary.put("objective", goal.tensor());
        summary.put("classScores", classes);
        summary.put("titles", titles);
        summary.put("start", start);
        summary.put("end", end);
        summary.put("probability", prob);
        return new FigureResult(List.of(fig), Map.of("input", new RawArray(r.input(), sh)), summary);
    }

    private static String lastSpatial(Interpreter ip) {
        String last = null;
        for (ReceptiveField.Field f : ReceptiveField.analyze(ip).fields()) {
            if (f.spatial() && !f.tensor().equals(ip.inputName())) {
                last = f.tensor();
            }
        }
        if (last == null) {
            throw new NetvizException("the model has no (N, C, H, W) layer for the diversity term; give --diversity-layer");
        }
        return last;
    }

    /** The model's own probability of each image's class (whichever score was optimised: logits or probabilities). */
    private static double[] probabilities(Interpreter ip, ActivationMaximization.Result r, Units units) {
        try (NDManager m = ip.newScope()) {
            double[][] pr = new Classifier(ip).predict(m, m.create(r.input(), new Shape(r.shape()))).probabilities();
            double[] out = new double[pr.length];
            for (int i = 0; i < pr.length; i++) {
                out[i] = pr[i][units.channels()[i]];
            }
            return out;
        }
    }
}
