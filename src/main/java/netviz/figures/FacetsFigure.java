package netviz.figures;

import netviz.session.Installation;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.methods.attribution.Target;
import netviz.methods.features.Tsne;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.neurons.CenterBias;
import netviz.methods.neurons.MultifacetedVisualization;
import netviz.methods.neurons.Regularizers;
import netviz.methods.unit.Unit;
import netviz.render.FacetSheet;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.ScatterPlot;
import netviz.render.Ticks;
import netviz.render.ValueRange;
import netviz.session.Session;

/**
 * The figure of multifaceted feature visualization ({@link MultifacetedVisualization}; Nguyen,
 * Yosinski and Clune 2016, arXiv:1602.03616): the images of a dataset that activate a unit most are
 * mapped to 2-D with t-SNE on their last-hidden-layer features, the map is clustered with k-means,
 * and activation maximization (with the centre bias) starts from the mean of the images closest to
 * each centroid — one synthesised picture per kind of image the unit responds to.
 *
 * <p>{@link #make} returns, in this order: the sheet (one row per facet: synthesised image, the mean
 * image it started from, the real images closest to the centroid), the t-SNE map coloured by facet,
 * and each facet's synthesised image alone, enlarged to the tile size. Its summary holds the numbers
 * {@code netviz facets --json} prints (see {@link #make}).
 */
public final class FacetsFigure {
    /** The most iterations of activation maximization or t-SNE, and the most top images. */
    static final int MAX_ITERATIONS = 100_000;
    /** The most images averaged per facet. */
    static final int MAX_MEAN_OF = 10_000;

    private FacetsFigure() {
    }

    /**
     * The figure's settings, named after the {@code netviz facets} flags; defaults are the command's
     * (those of {@link MultifacetedVisualization.Options#defaults()}, eight example images per facet
     * and 112-pixel tiles). The unit is a class ({@code target}, an index or a name) or a channel of a
     * layer, optionally one neuron at {@code position} (y, x); null fields of the regulariser take
     * {@link MultifacetedVisualization.Options#defaultRegularizers()}, a null {@code topShare} the
     * default share (10 %) unless {@code top} asks for a count.
     */
    public record Options(String target, String layer, Integer channel, int[] position, int facets, Double topShare,
                          int top, int meanOf, String featureLayer, int limit, int iterations, double step, Double decay,
                          Double blur, Integer blurEvery, Integer jitter, boolean centerBias, int tsneIterations,
                          double perplexity, long seed, int examples, int tile) {
        public Options {
            position = position == null ? null : position.clone();
            if (position != null && position.length != 2) {
                throw new NetvizException("--position must be two integers y,x");
            }
            check("--iterations", iterations, 1, MAX_ITERATIONS);
            if (tile < 16 || tile > 1024) {
                throw new OutOfRangeException("--tile must be between 16 and 1024 pixels, not " + tile);
            }
            check("--examples", examples, 0, 64);
            if (topShare != null && !(topShare > 0 && topShare <= 1)) {
                throw new OutOfRangeException("--top-share must be in (0, 1], not " + topShare);
            }
            if (top != 0 && topShare != null) {
                throw new NetvizException("--top N and --top-share S both choose the top images; give one of them");
            }
            if (top < 0) {
                throw new OutOfRangeException("--top must be 0 (use --top-share) or positive, not " + top);
            }
            if (tsneIterations < 1) {
                throw new OutOfRangeException("--tsne-iterations must be at least 1, not " + tsneIterations);
            }
            check("--tsne-iterations", tsneIterations, 1, MAX_ITERATIONS);
            check("--top", top, 0, MAX_ITERATIONS);
            check("--facets", facets, 1, 64);
            check("--mean-of", meanOf, 1, MAX_MEAN_OF);
        }

        /**
         * No unit yet (give one with {@link #withTarget}, or {@link #withLayer} and {@link #withChannel});
         * every other setting the command's default.
         */
        public static Options defaults() {
            return new Options(null, null, null, null, 4, null, 0, 15, null, 0, 50, 0.01, null, null, null, null, true,
                    1000, 30, 0, 8, 112);
        }

        private static void check(String flag, long value, long min, long max) {
            if (value < min || value > max) {
                throw new OutOfRangeException(flag + " must be between " + min + " and " + max + ", not " + value);
            }
        }

        /**
         * These options, once checked that they name one unit: a class, or a channel of a layer
         * (optionally at a position); else one line naming the flags.
         */
        public Options checkUnit() {
            if ((target != null) == (layer != null)) {
                throw new NetvizException("give either --target CLASS or --layer L --channel C");
            }
            if (layer != null && channel == null) {
                throw new NetvizException("--layer needs --channel C");
            }
            if (layer == null && (channel != null || position != null)) {
                throw new NetvizException("--channel and --position need --layer");
            }
            return this;
        }

        /** The method's settings: the command's flags applied to {@link MultifacetedVisualization.Options#defaults()}. */
        MultifacetedVisualization.Options method() {
            Regularizers reg = MultifacetedVisualization.Options.defaultRegularizers();
            if (!centerBias) {
                reg = reg.withCenterBias(CenterBias.NONE);
            }
            if (decay != null) {
                reg = reg.withDecay(decay);
            }
            if (blur != null || blurEvery != null) {
                reg = reg.withBlur(blur != null ? blur : reg.blurSigma(), blurEvery != null ? blurEvery
                        : reg.blurEvery() > 0 ? reg.blurEvery() : 1);
            }
            if (jitter != null) {
                reg = reg.withJitter(jitter);
            }
            MultifacetedVisualization.Options d = MultifacetedVisualization.Options.defaults();
            return d.withTopShare(topShare != null ? topShare : d.topShare()).withTopCount(top).withFacets(facets)
                    .withMeanOf(meanOf).withFeatureLayer(featureLayer).withLimit(limit).withSeed(seed)
                    .withTsne(Tsne.Options.defaults().withIterations(tsneIterations).withPerplexity(perplexity))
                    .withMaximization(ActivationMaximization.Options.defaults().withIterations(iterations).withStep(step)
                            .withRegularizers(reg));
        }

        /**
         * The {@code netviz facets} flags that make this figure (the unit, then each setting that
         * differs from its default), without the model, data and output paths.
         */
        public List<String> arguments() {
            Options d = defaults();
            List<String> a = new ArrayList<>();
            Flags.add(a, "--target", target, null);
            Flags.add(a, "--layer", layer, null);
            Flags.add(a, "--channel", channel, null);
            Flags.add(a, "--position", position == null ? null : position[0] + "," + position[1], null);
            Flags.add(a, "--facets", facets, d.facets);
            Flags.add(a, "--limit", limit, d.limit);
            Flags.add(a, "--top-share", topShare, null);
            Flags.add(a, "--top", top, d.top);
            Flags.add(a, "--mean-of", meanOf, d.meanOf);
            Flags.add(a, "--feature-layer", featureLayer, null);
            Flags.add(a, "--iterations", iterations, d.iterations);
            Flags.add(a, "--step", step, d.step);
            Flags.add(a, "--decay", decay, null);
            Flags.add(a, "--blur", blur, null);
            Flags.add(a, "--blur-every", blurEvery, null);
            Flags.add(a, "--jitter", jitter, null);
            if (!centerBias) {
                a.add("--no-center-bias");
            }
            Flags.add(a, "--tsne-iterations", tsneIterations, d.tsneIterations);
            Flags.add(a, "--perplexity", perplexity, d.perplexity);
            Flags.add(a, "--seed", seed, d.seed);
            Flags.add(a, "--examples", examples, d.examples);
            Flags.add(a, "--tile", tile, d.tile);
            return a;
        }

        private Options with(Consumer<Draft> change) {
            Draft d = new Draft(this);
            change.accept(d);
            return d.options();
        }

        public Options withTarget(String v) {
            return with(d -> d.target = v);
        }

        public Options withLayer(String v) {
            return with(d -> d.layer = v);
        }

        public Options withChannel(Integer v) {
            return with(d -> d.channel = v);
        }

        public Options withPosition(int[] v) {
            return with(d -> d.position = v);
        }

        public Options withFacets(int v) {
            return with(d -> d.facets = v);
        }

        public Options withTopShare(Double v) {
            return with(d -> d.topShare = v);
        }

        public Options withTop(int v) {
            return with(d -> d.top = v);
        }

        public Options withMeanOf(int v) {
            return with(d -> d.meanOf = v);
        }

        public Options withFeatureLayer(String v) {
            return with(d -> d.featureLayer = v);
        }

        public Options withLimit(int v) {
            return with(d -> d.limit = v);
        }

        public Options withIterations(int v) {
            return with(d -> d.iterations = v);
        }

        public Options withStep(double v) {
            return with(d -> d.step = v);
        }

        public Options withDecay(Double v) {
            return with(d -> d.decay = v);
        }

        public Options withBlur(Double sigma, Integer every) {
            return with(d -> {
                d.blur = sigma;
                d.blurEvery = every;
            });
        }

        public Options withJitter(Integer v) {
            return with(d -> d.jitter = v);
        }

        public Options withCenterBias(boolean v) {
            return with(d -> d.centerBias = v);
        }

        public Options withTsneIterations(int v) {
            return with(d -> d.tsneIterations = v);
        }

        public Options withPerplexity(double v) {
            return with(d -> d.perplexity = v);
        }

        public Options withSeed(long v) {
            return with(d -> d.seed = v);
        }

        public Options withExamples(int v) {
            return with(d -> d.examples = v);
        }

        public Options withTile(int v) {
            return with(d -> d.tile = v);
        }
    }

    /** A mutable copy of {@link Options} that one {@code withX} changes. */
    private static final class Draft {
        String target;
        String layer;
        Integer channel;
        int[] position;
        int facets;
        Double topShare;
        int top;
        int meanOf;
        String featureLayer;
        int limit;
        int iterations;
        double step;
        Double decay;
        Double blur;
        Integer blurEvery;
        Integer jitter;
        boolean centerBias;
        int tsneIterations;
        double perplexity;
        long seed;
        int examples;
        int tile;

        Draft(Options o) {
            target = o.target;
            layer = o.layer;
            channel = o.channel;
            position = o.position;
            facets = o.facets;
            topShare = o.topShare;
            top = o.top;
            meanOf = o.meanOf;
            featureLayer = o.featureLayer;
            limit = o.limit;
            iterations = o.iterations;
            step = o.step;
            decay = o.decay;
            blur = o.blur;
            blurEvery = o.blurEvery;
            jitter = o.jitter;
            centerBias = o.centerBias;
            tsneIterations = o.tsneIterations;
            perplexity = o.perplexity;
            seed = o.seed;
            examples = o.examples;
            tile = o.tile;
        }

        Options options() {
            return new Options(target, layer, channel, position, facets, topShare, top, meanOf, featureLayer, limit,
                    iterations, step, decay, blur, blurEvery, jitter, centerBias, tsneIterations, perplexity, seed,
                    examples, tile);
        }
    }

    /**
     * The dataset {@code netviz facets} searches when given no {@code --data}: for the bundled model,
     * the Fashion-MNIST training split in {@link Datasets#SYSTEM_FASHION_MNIST} when it is installed
     * (the paper clusters training images); otherwise the session's dataset (the user's
     * {@code --data}, else the bundled test split).
     */
    public static Dataset defaultDataset(Session s) {
        if (s.dataPath() == null && Installation.isModel(s.modelPath()) && Files.isDirectory(Datasets.SYSTEM_FASHION_MNIST)) {
            try {
                return Datasets.fashionMnist(Datasets.SYSTEM_FASHION_MNIST, "train", s.preprocessing());
            } catch (NetvizException missing) {
                // no training split installed: the bundled test split
            }
        }
        return s.dataset();
    }

    /**
     * Runs multifaceted feature visualization on the first {@code o.limit()} images of {@code data}
     * (all when 0) and draws it. The summary holds: {@code model}, {@code dataset}, {@code unit}
     * ("tensor:channel[@y,x]"), {@code className} (the class's name, null for a layer's channel),
     * {@code unitTitle} (how titles name the unit), {@code scanned}, {@code topImages},
     * {@code threshold} (the weakest top image's value), {@code featureLayer}, {@code featureDim},
     * {@code klDivergence}, {@code pairwiseDistances} (RMS difference of every pair of synthesised
     * images, upper triangle row by row, [0, 1] pixels) and {@code facets}: per facet {@code facet}
     * (1-based), {@code size}, {@code activation}, {@code probability} (null for a layer's channel),
     * {@code startActivation}, {@code centroid}, {@code closest} (the images averaged) and
     * {@code examples} (the images shown), as dataset indices.
     *
     * @throws MultifacetedVisualization.NotEnoughImagesException when too few images activate the unit
     */
    public static FigureResult make(Session s, Dataset data, Options o, Progress progress) {
        o.checkUnit();
        Unit request;
        String className = null;
        if (o.target() != null) {
            int k = ((Target.ClassScore) Target.parseClass(o.target(), s.labels().names())).classes()[0];
            request = Unit.classScore(k);
            className = s.labels().name(k);
        } else {
            request = new Unit(o.layer(), o.channel(), o.position());
        }
        // the pass over the dataset is forward only (the session's forward pass), or a finished scan's rows
        MultifacetedVisualization.Precomputed pre = s.scan().map(sc -> sc.facetRows(o.method().limit())).orElse(null);
        MultifacetedVisualization.Result r = new MultifacetedVisualization(s.interpreter(), s.forward(), data, pre)
                .run(request, o.method(), progress);
        return draw(s.name(), r, data, className, o);
    }

    private static FigureResult draw(String model, MultifacetedVisualization.Result r, Dataset data, String className,
                                     Options o) {
        int[] chw = r.imageShape();
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        int per = c * h * w;
        ValueRange unit01 = new ValueRange(0, 1);
        String unit = className != null ? className + " (class " + r.channel() + ", " + r.tensor() + ")" : r.unit();
        String what = r.classScore() ? "logit " : "value ";
        List<FacetSheet.Row> rows = new ArrayList<>();
        List<Map<String, Object>> facets = new ArrayList<>();
        List<Figure> alone = new ArrayList<>();
        int scale = Math.max(1, Images.factorFor(h, w, o.tile()));
        for (MultifacetedVisualization.Facet f : r.facets()) {
            // the members closest to the centre: those averaged (--mean-of), then the next ones up to --examples
            int shown = Math.min(o.examples(), f.members().length);
            float[] near = f.closestPixels();
            if (shown > f.closest().length) {
                float[] more = data.get(Arrays.copyOfRange(f.members(), f.closest().length, shown)).images();
                near = Arrays.copyOf(near, shown * per);
                System.arraycopy(ActivationMaximization.pixels(more, chw, data.preprocessing().mean(),
                        data.preprocessing().std()), 0, near, f.closest().length * per, more.length);
            }
            List<BufferedImage> examples = new ArrayList<>();
            for (int i = 0; i < shown; i++) {
                examples.add(Images.fromPlanes(Arrays.copyOfRange(near, i * per, (i + 1) * per), c, h, w, unit01));
            }
            String value = what + Ticks.format(f.activation(), 3)
                    + (Double.isNaN(f.probability()) ? "" : String.format(Locale.ROOT, ", p %.3f", f.probability()));
            BufferedImage synthesised = Images.fromPlanes(f.pixels(), c, h, w, unit01);
            rows.add(new FacetSheet.Row(String.format(Locale.ROOT, "facet %d · %,d images · mean of the %d closest: %s %s",
                    f.index() + 1, f.members().length, f.closest().length, what.strip(), Ticks.format(f.startActivation(), 3)),
                    value, synthesised, Images.fromPlanes(f.meanPixels(), c, h, w, unit01), examples));
            alone.add(Figure.of(Images.upscale(synthesised, scale)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("facet", f.index() + 1);
            m.put("size", f.members().length);
            m.put("activation", f.activation());
            m.put("probability", Double.isNaN(f.probability()) ? null : f.probability());
            m.put("startActivation", f.startActivation());
            m.put("centroid", f.centroid());
            m.put("closest", f.closest());
            m.put("examples", Arrays.copyOf(f.members(), shown));
            facets.add(m);
        }
        int k = r.facets().size();
        String title = String.format(Locale.ROOT, "%s: %d facets of %s, top %,d of %,d images", model, k, unit,
                r.indices().length, r.scanned());
        List<Figure> figures = new ArrayList<>();
        figures.add(FacetSheet.render(rows, new FacetSheet.Options(o.tile(), o.examples(), title)));
        List<String> names = new ArrayList<>();
        for (MultifacetedVisualization.Facet f : r.facets()) {
            names.add("facet " + (f.index() + 1));
        }
        figures.add(ScatterPlot.render(r.embedding(), r.clusters(), names, new ScatterPlot.Options(640, 2.6,
                String.format(Locale.ROOT, "t-SNE of %s features, top %,d images of %s, by facet",
                        r.featureLayer(), r.indices().length, className != null ? className : r.unit()))));
        figures.addAll(alone);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model);
        summary.put("dataset", r.dataset());
        summary.put("unit", r.unit());
        summary.put("className", className);
        summary.put("unitTitle", unit);
        summary.put("scanned", r.scanned());
        summary.put("topImages", r.indices().length);
        summary.put("threshold", r.threshold());
        summary.put("featureLayer", r.featureLayer());
        summary.put("featureDim", r.featureDim());
        summary.put("klDivergence", r.klDivergence());
        summary.put("pairwiseDistances", pairwiseDistances(r));
        summary.put("facets", facets);
        return new FigureResult(figures, Map.of(), summary);
    }

    /** The RMS pixel difference of every pair of synthesised facet images (upper triangle, row by row). */
    static double[] pairwiseDistances(MultifacetedVisualization.Result r) {
        int k = r.facets().size();
        double[] d = new double[k * (k - 1) / 2];
        int at = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                float[] a = r.facets().get(i).pixels();
                float[] b = r.facets().get(j).pixels();
                double sum = 0;
                for (int q = 0; q < a.length; q++) {
                    double t = a[q] - b[q];
                    sum += t * t;
                }
                d[at++] = Math.sqrt(sum / a.length);
            }
        }
        return d;
    }
}
