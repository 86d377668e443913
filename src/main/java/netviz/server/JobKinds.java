package netviz.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import netviz.engine.Interpreter;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.methods.attribution.Attribution;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Occlusion;
import netviz.Progress;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;
import netviz.render.Colormap;
import netviz.render.ValueRange;

/**
 * The job kinds: for each, the parameters it accepts, how they are checked and made canonical (the
 * cache key), and the computation — a {@code netviz.methods} class with the CLI's defaults, drawn
 * with {@code netviz.render} as the CLI draws it.
 */
final class JobKinds {
    /** What a job computed: result fields and PNG files (name → picture, in order). */
    record Output(Map<String, Object> fields, Map<String, BufferedImage> files) {
    }

    /** One kind of job. */
    interface Kind {
        /** The parameter names it accepts. */
        Set<String> accepted();

        /** Checks the parameters (400 on bad input) and returns them canonical, defaults filled in. */
        Map<String, Object> canonical(Params p);

        /** Computes; reports progress to {@code job}. */
        Output run(Map<String, Object> params, Job job);
    }

    private final ModelSession s;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();

    JobKinds(ModelSession session) {
        this.s = session;
        for (String a : List.of("saliency", "guided-backprop", "smoothgrad", "integrated-gradients", "grad-cam")) {
            kinds.put(a, new AttributionKind(a));
        }
        kinds.put("occlusion", new OcclusionKind());
        kinds.put("activations", new ActivationsKind());
        kinds.put("layer-stats", new LayerStatsKind());
        kinds.put("top-images", new TopImagesKind());
        kinds.put("maximize", new MaximizeKind());
        kinds.put("embedding", new EmbeddingKind());
        kinds.put("facets", new FacetsKind());
    }

    List<String> names() {
        return List.copyOf(kinds.keySet());
    }

    Kind kind(String name) {
        Kind k = kinds.get(name);
        if (k == null) {
            throw new ApiException(400, "unknown job kind '" + Util.clip(name) + "'; kinds: " + String.join(", ", names()),
                    netviz.UnknownNameException.closest(name, kinds.keySet(), 3));
        }
        return k;
    }

    // ---- feature space ----------------------------------------------------------------------

    /** A layer's features of the served dataset images with a k-NN index over them. */
    record FeatureIndex(Features features, NearestNeighbors index) {
    }

    /** Largest feature matrix kept for neighbours and maps: 32 M floats (128 MB). */
    static final long MAX_FEATURE_VALUES = 32L << 20;
    /** Layers whose features are kept in memory at once (the oldest is dropped first). */
    static final int FEATURE_LAYERS = 3;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<FeatureIndex>>
            featureIndexes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.ArrayDeque<String> featureOrder = new java.util.ArrayDeque<>();

    /**
     * The features of every served dataset image at {@code layer} (null: the default feature layer, the
     * input of the last fully connected layer), computed once (and cached on disk by
     * {@link FeatureExtractor}) and kept in memory; requests arriving meanwhile wait for the same
     * computation. {@code job} (may be null) is told the progress.
     */
    FeatureIndex features(String layer, Job job) {
        String tensor = layer == null ? FeatureExtractor.defaultLayer(s.graph()) : s.graph().resolveTensor(layer);
        checkFeatureSize(tensor);
        java.util.concurrent.CompletableFuture<FeatureIndex> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<FeatureIndex> f = featureIndexes.putIfAbsent(tensor, mine);
        if (f == null) {
            synchronized (featureOrder) {
                featureOrder.remove(tensor);
                featureOrder.addLast(tensor);
                while (featureOrder.size() > FEATURE_LAYERS) {
                    featureIndexes.remove(featureOrder.removeFirst());
                }
            }
            try {
                FeatureExtractor.Options o = new FeatureExtractor.Options(100, s.size(),
                        job == null ? netviz.Progress.NONE : job.reporter().within(0, 0.9),
                        s.options().cache().resolve("features"));
                Features feats = FeatureExtractor.extract(s.interpreter(), s.dataset(), tensor, o);
                mine.complete(new FeatureIndex(feats, new NearestNeighbors(feats.values(), feats.dim(),
                        NearestNeighbors.Metric.EUCLIDEAN)));
            } catch (RuntimeException | Error e) {
                featureIndexes.remove(tensor, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            f = mine;
        }
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** 400 when the features of every served image at {@code tensor} would exceed {@link #MAX_FEATURE_VALUES}. */
    private void checkFeatureSize(String tensor) {
        long[] shape = shapeOf(tensor);
        long dim = 1;
        for (int i = 1; i < shape.length; i++) {
            dim *= shape[i];
        }
        if (dim * s.size() > MAX_FEATURE_VALUES) {
            throw ApiException.badRequest("layer '" + layerName(tensor) + "' has " + dim + " values per image; the "
                    + s.size() + " served images would need " + (dim * s.size() * 4 >> 20) + " MB of features (the limit is "
                    + (MAX_FEATURE_VALUES * 4 >> 20) + " MB): choose a later layer, or serve fewer images (--limit)");
        }
    }

    /** {@code GET /api/neighbors}: the k dataset images nearest to the image in a layer's feature space. */
    Map<String, Object> neighbors(String image, int k, String layer) {
        ModelSession.Picture pic = s.resolve(image);
        FeatureIndex fi = features(layer == null || layer.isBlank() ? null : layer.strip(), null);
        Features f = fi.features();
        int self = pic.ref().startsWith("dataset:") ? Integer.parseInt(pic.ref().substring(8)) : -1;
        int want = Math.min(k + (self >= 0 ? 1 : 0), f.count());
        float[] q;
        if (self >= 0) {
            q = f.row(self);
        } else {
            try (NDManager scope = s.interpreter().newScope()) {
                NDArray v = s.interpreter().forward(scope, pic.toNDArray(scope), f.layer()).get(f.layer());
                q = netviz.methods.Finite.check(v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                        "the features of layer '" + f.layer() + "' for image " + pic.ref());
            }
        }
        NearestNeighbors.Result r = fi.index().search(q, want);
        List<Map<String, Object>> list = new ArrayList<>();
        for (int rank = 0; rank < r.k() && list.size() < k; rank++) {
            int i = r.index(0, rank);
            if (i == self) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            int label = f.labels()[i];
            m.put("index", f.indices()[i]);
            m.put("label", label);
            m.put("className", s.className(label));
            m.put("distance", r.distance(0, rank));
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", pic.ref());
        out.put("layer", f.layer());
        out.put("neighbors", list);
        return out;
    }

    // ---- shared parameter handling -----------------------------------------------------------

    /** The image reference, checked (it must exist). */
    private String image(Params p) {
        return s.resolve(p.required("image", "dataset:N or upload:<id>")).ref();
    }

    /** The target class index, or null for the predicted class. */
    private Integer target(Params p) {
        String t = p.string("target");
        if (t == null || t.equalsIgnoreCase("predicted")) {
            return null;
        }
        return s.labels().indexOf(t);
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private static Target targetOf(Map<String, Object> params) {
        Object t = params.get("target");
        return t == null ? Target.predicted() : Target.classes(((Number) t).intValue());
    }

    /** Result fields naming the explained class and its probability. */
    private Map<String, Object> classFields(ModelSession.Picture pic, int k) {
        double p;
        try (NDManager scope = s.interpreter().newScope()) {
            p = new Classifier(s.interpreter()).predict(scope, pic.toNDArray(scope)).probabilities()[0][k];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", k);
        m.put("className", s.className(k));
        m.put("probability", p);
        return m;
    }

    /** Counts the wrapped method's calls so that a noise tunnel reports progress. */
    private static Attribution counting(Attribution inner, int calls, Job job) {
        int[] done = {0};
        return new Attribution() {
            @Override
            public Attributions attribute(NDArray inputs, Target target) {
                Attributions a = inner.attribute(inputs, target);
                job.progress(++done[0], calls);
                return a;
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    private static Progress progress(Job job) {
        return job.reporter();
    }

    /** The occlusion fill: the dataset mean, which is 0 after a mean/std normalisation. */
    private Baseline fill() {
        float[] mean = s.preprocessing().mean();
        boolean normalised = mean != null && mean.length > 0;
        return normalised ? Baseline.zero() : Baseline.mean();
    }

    // ---- attribution ----------------------------------------------------------------------

    /** saliency, guided-backprop, smoothgrad, integrated-gradients, grad-cam: {image, target?, layer?}. */
    private final class AttributionKind implements Kind {
        private final String name;

        AttributionKind(String name) {
            this.name = name;
        }

        @Override
        public Set<String> accepted() {
            return name.equals("grad-cam") ? Set.of("image", "target", "layer") : Set.of("image", "target");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String image = image(p);
            Integer target = target(p);
            String layer = null;
            if (name.equals("grad-cam")) {
                if (p.has("layer")) {
                    layer = s.graph().resolveTensor(p.string("layer"));
                } else {
                    ModelSession.Picture pic = s.resolve(image);
                    try (NDManager scope = s.interpreter().newScope()) {
                        layer = GradCam.defaultLayer(s.interpreter(), pic.toNDArray(scope));
                    }
                }
            }
            return params("image", image, "target", target, "layer", layer);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            ModelSession.Picture pic = s.resolve((String) params.get("image"));
            Interpreter ip = s.interpreter();
            int c = pic.channels();
            int h = pic.height();
            int w = pic.width();
            Map<String, BufferedImage> files = new LinkedHashMap<>();
            Map<String, Object> extra = new LinkedHashMap<>();
            Attributions a;
            try (NDManager scope = ip.newScope()) {
                NDArray x = pic.toNDArray(scope);
                Target t = targetOf(params);
                switch (name) {
                    case "saliency" -> a = new Saliency(ip).attribute(x, t);
                    case "smoothgrad" -> {
                        NoiseTunnel.Options o = NoiseTunnel.Options.defaults();
                        int calls = (o.samples() + o.batch() - 1) / o.batch();
                        a = new NoiseTunnel(ip, counting(new Saliency(ip), calls, job), o).attribute(x, t);
                    }
                    case "guided-backprop" -> {
                        GuidedBackprop gb = new GuidedBackprop(ip);
                        a = gb.attribute(x, t);
                        extra.put("rules", gb.ruleSummary());
                    }
                    case "integrated-gradients" -> {
                        IntegratedGradients.Result r = new IntegratedGradients(ip, IntegratedGradients.Options.defaults(),
                                progress(job)).run(x, t);
                        a = r.attributions();
                        extra.put("score", r.score()[0]);
                        extra.put("baselineScore", r.baselineScore()[0]);
                        extra.put("completenessGap", r.gap(0));
                    }
                    case "grad-cam" -> {
                        String layer = (String) params.get("layer");
                        a = new GradCam(ip, layer).attribute(x, t);
                        extra.put("layer", layer);
                    }
                    default -> throw new IllegalStateException(name);
                }
            }
            int k = a.target().coords()[0][0];
            switch (name) {
                case "saliency", "smoothgrad" -> {
                    float[] m = a.example(0);
                    ValueRange r = Renders.zeroToMax(m);
                    files.put("overlay.png", Renders.overlay(pic.picture(), m, h, w, r, Colormap.MAGMA));
                    files.put("map.png", Renders.heat(m, h, w, r, Colormap.MAGMA, ""));
                }
                case "guided-backprop" -> {
                    float[] g = a.example(0);
                    float[] mag = maxAbsOverChannels(g, c, h * w);
                    files.put("overlay.png", Renders.overlay(pic.picture(), mag, h, w, Renders.zeroToMax(mag),
                            Colormap.MAGMA));
                    files.put("map.png", Renders.signed(g, c, h, w));
                }
                case "integrated-gradients" -> {
                    float[] e = a.example(0);
                    float[] sum = new float[h * w];
                    float[] pos = new float[h * w];
                    for (int ch = 0; ch < c; ch++) {
                        for (int q = 0; q < h * w; q++) {
                            sum[q] += e[ch * h * w + q];
                        }
                    }
                    for (int q = 0; q < h * w; q++) {
                        pos[q] = Math.max(0, sum[q]);
                    }
                    ValueRange sym = ValueRange.symmetric(sum);
                    if (sym.width() == 0) {
                        sym = new ValueRange(-1, 1);
                    }
                    files.put("overlay.png", Renders.overlay(pic.picture(), pos, h, w, Renders.zeroToMax(pos),
                            Colormap.MAGMA));
                    files.put("map.png", Renders.heat(sum, h, w, sym, Colormap.DIVERGING, ""));
                }
                case "grad-cam" -> {
                    int mh = (int) a.shape()[1];
                    int mw = (int) a.shape()[2];
                    float[] m = a.example(0);
                    float[] up = GradCam.upsample(a, h, w).example(0);
                    files.put("overlay.png", Renders.overlay(pic.picture(), up, h, w, Renders.zeroToMax(up),
                            Colormap.MAGMA));
                    files.put("map.png", Renders.heat(m, mh, mw, Renders.zeroToMax(m), Colormap.MAGMA, ""));
                    extra.put("mapSize", new int[] {mh, mw});
                }
                default -> throw new IllegalStateException(name);
            }
            Map<String, Object> fields = classFields(pic, k);
            fields.putAll(extra);
            return new Output(fields, files);
        }
    }

    static float[] maxAbsOverChannels(float[] chw, int c, int hw) {
        float[] out = new float[hw];
        for (int ch = 0; ch < c; ch++) {
            for (int q = 0; q < hw; q++) {
                out[q] = Math.max(out[q], Math.abs(chw[ch * hw + q]));
            }
        }
        return out;
    }

    // ---- occlusion ------------------------------------------------------------------------

    /** occlusion: {image, target?, patch?, stride?} (Zeiler &amp; Fergus 2014). */
    private final class OcclusionKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("image", "target", "patch", "stride");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String image = image(p);
            ModelSession.Picture pic = s.resolve(image);
            int side = Math.min(pic.height(), pic.width());
            int patch = p.integer("patch", Math.max(1, Math.round(side / 7f)), 1, side);
            int stride = p.integer("stride", Math.max(1, patch / 2), 1, side);
            return params("image", image, "target", target(p), "patch", patch, "stride", stride);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            ModelSession.Picture pic = s.resolve((String) params.get("image"));
            int h = pic.height();
            int w = pic.width();
            Occlusion.Options o = new Occlusion.Options(((Number) params.get("patch")).intValue(),
                    ((Number) params.get("stride")).intValue(), fill(), 32);
            Occlusion.Result r;
            try (NDManager scope = s.interpreter().newScope()) {
                r = new Occlusion(s.interpreter(), o, progress(job)).run(pic.toNDArray(scope), targetOf(params));
            }
            Attributions a = r.map();
            int rows = (int) a.shape()[1];
            int cols = (int) a.shape()[2];
            float[] grid = a.example(0);
            double p0 = r.unoccluded()[0];
            float[] pixels = perPixel(grid, rows, cols, o, h, w, (float) p0);
            float[] drop = new float[pixels.length];
            double lo = 1;
            for (int q = 0; q < pixels.length; q++) {
                drop[q] = (float) Math.max(0, p0 - pixels[q]);
            }
            for (float g : grid) {
                lo = Math.min(lo, g);
            }
            ValueRange pr = ValueRange.of(Math.min(lo, p0), Math.max(p0, lo + 1e-6), "the occlusion map");
            Map<String, BufferedImage> files = new LinkedHashMap<>();
            files.put("heatmap.png", Renders.heat(pixels, h, w, pr, Colormap.VIRIDIS, ""));
            files.put("overlay.png", Renders.overlay(pic.picture(), drop, h, w, Renders.zeroToMax(drop), Colormap.MAGMA));
            int k = a.target().coords()[0][0];
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("target", k);
            fields.put("className", s.className(k));
            fields.put("probability", p0);
            fields.put("lowestProbability", lo);
            fields.put("grid", new int[] {rows, cols});
            return new Output(fields, files);
        }
    }

    /** Each pixel's mean occluded probability over the windows covering it (the CLI's per-pixel map). */
    static float[] perPixel(float[] grid, int rows, int cols, Occlusion.Options o, int h, int w, float uncovered) {
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int y = r * o.stride(); y < Math.min(h, r * o.stride() + o.window()); y++) {
                    for (int x = c * o.stride(); x < Math.min(w, c * o.stride() + o.window()); x++) {
                        sum[y * w + x] += grid[r * cols + c];
                        count[y * w + x]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int q = 0; q < out.length; q++) {
            out[q] = count[q] == 0 ? uncovered : (float) (sum[q] / count[q]);
        }
        return out;
    }

    // ---- layers and neurons ----------------------------------------------------------------

    /** The layer's tensor name (400 with close matches when unknown, 400 for the model input). */
    private String layerTensor(String layer) {
        s.node(layer);
        return s.graph().resolveTensor(layer.strip());
    }

    /** The layer's display name: the node name when it names this tensor, else the tensor. */
    private String layerName(String tensor) {
        netviz.engine.Node p = s.graph().producer(tensor);
        return p != null && !p.name().isEmpty() && p.outputs().get(0).equals(tensor) ? p.name() : tensor;
    }

    /** The measured shape (batch 1) of a layer's tensor. */
    private long[] shapeOf(String tensor) {
        for (netviz.engine.ModelSummary.Layer l : s.summary().layers()) {
            int i = l.outputs().indexOf(tensor);
            if (i >= 0 && i < l.outputShapes().size() && l.outputShapes().get(i) != null) {
                return l.outputShapes().get(i);
            }
        }
        throw ApiException.badRequest("the shape of layer '" + Util.clip(tensor) + "' is not known");
    }

    /** Channels of a (N, C, ...) layer (400 when it has no channel axis). */
    private int channelsOf(String tensor) {
        long[] shape = shapeOf(tensor);
        if (shape.length < 2) {
            throw ApiException.badRequest("layer '" + layerName(tensor) + "' has shape " + java.util.Arrays.toString(shape)
                    + " and no channels; choose a layer of shape (N, C, ...)");
        }
        return (int) shape[1];
    }

    private int channel(Params p, String tensor) {
        int c = channelsOf(tensor);
        if (!p.has("channel")) {
            throw ApiException.badRequest("a job on a neuron needs channel (0 to " + (c - 1) + " for layer '"
                    + layerName(tensor) + "')");
        }
        return p.integer("channel", 0, 0, c - 1);
    }

    /** activations: {image, layer} — the layer's feature maps for one image (up to 64 channels). */
    private final class ActivationsKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("image", "layer");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String image = image(p);
            String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
            channelsOf(tensor);
            return params("image", image, "layer", tensor);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            ModelSession.Picture pic = s.resolve((String) params.get("image"));
            String tensor = (String) params.get("layer");
            List<netviz.methods.activations.ActivationMaps.LayerMaps> maps;
            try (NDManager scope = s.interpreter().newScope()) {
                maps = netviz.methods.activations.ActivationMaps.compute(s.interpreter(), pic.toNDArray(scope),
                        List.of(tensor), new netviz.methods.activations.ActivationMaps.Options(64,
                                netviz.methods.activations.ActivationMaps.Order.INDEX, 0));
            }
            netviz.methods.activations.ActivationMaps.LayerMaps m = maps.get(0);
            netviz.render.ActivationFigure.LayerMaps panel = new netviz.render.ActivationFigure.LayerMaps(
                    netviz.methods.activations.ActivationMaps.describe(m,
                            netviz.methods.activations.ActivationMaps.Order.INDEX),
                    m.height(), m.width(), m.maps(), m.channels(), null);
            BufferedImage fig = netviz.render.ActivationFigure.render(pic.picture(), List.of(panel),
                    netviz.render.ActivationFigure.Options.defaults()).image();
            List<Map<String, Object>> stats = new ArrayList<>();
            for (int c = 0; c < m.channelCount(); c++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("channel", c);
                e.put("mean", (double) m.mean()[c]);
                e.put("max", (double) m.max()[c]);
                stats.add(e);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("layer", layerName(tensor));
            fields.put("channels", m.channelCount());
            fields.put("shown", list(m.channels()));
            fields.put("maps", stats);
            return new Output(fields, Map.of("maps.png", fig));
        }
    }

    /** layer-stats: {layer} — dead filters and per-channel statistics over the served dataset (DeadFilters). */
    private final class LayerStatsKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("layer");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
            channelsOf(tensor);
            return params("layer", tensor);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            String tensor = (String) params.get("layer");
            netviz.methods.activations.DeadFilters.Accumulator acc =
                    new netviz.methods.activations.DeadFilters.Accumulator(s.graph(), List.of(tensor), 0);
            int n = s.size();
            job.message("scanning " + n + " images");
            try (netviz.data.Batches batches = s.dataset().batches(100, 0, n)) {
                for (netviz.data.Batch b : batches) {
                    acc.add(s.interpreter(), b.images(), b.shape());
                    job.progress(b.index(b.size() - 1) + 1, n);
                }
            }
            netviz.methods.activations.DeadFilters.LayerStats st = acc.finish().layers().get(0);
            String name = layerName(tensor);
            String title = s.name() + ": firing rates of " + name + " over " + String.format(java.util.Locale.ROOT,
                    "%,d", st.images()) + " images";
            BufferedImage fig = netviz.render.FiringRateFigure.render(List.of(new netviz.render.FiringRateFigure
                    .LayerRates(name, st.firingRate(), st.deadCount())), title, 20).image();
            List<Map<String, Object>> channels = new ArrayList<>();
            for (int c = 0; c < st.channels(); c++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("channel", c);
                e.put("mean", st.mean()[c]);
                e.put("max", st.max()[c]);
                e.put("firingRate", st.firingRate()[c]);
                channels.add(e);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("layer", name);
            fields.put("images", st.images());
            fields.put("dead", list(st.dead()));
            fields.put("channels", channels);
            return new Output(fields, Map.of("firing.png", fig));
        }
    }

    /** top-images: {layer, channel, k?} — the dataset images that excite a unit most, with receptive fields. */
    private final class TopImagesKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("layer", "channel", "k");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
            int c = channel(p, tensor);
            int k = p.integer("k", 9, 1, Math.min(100, s.size()));
            return params("layer", tensor, "channel", c, "k", k);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            String tensor = (String) params.get("layer");
            int c = ((Number) params.get("channel")).intValue();
            int k = ((Number) params.get("k")).intValue();
            Interpreter ip = s.interpreter();
            netviz.methods.neurons.TopImages top = new netviz.methods.neurons.TopImages(ip, tensor, new int[] {c}, k);
            int n = s.size();
            job.message("scanning " + n + " images");
            try (netviz.data.Batches batches = s.dataset().batches(64, 0, n)) {
                for (netviz.data.Batch b : batches) {
                    top.add(b.images(), b.shape(), b.indices());
                    job.progress(0.9 * (b.index(b.size() - 1) + 1) / n);
                }
            }
            List<netviz.methods.neurons.TopImages.Hit> hits = top.top(0);
            netviz.methods.neurons.ReceptiveField rf = netviz.methods.neurons.ReceptiveField.analyze(ip);
            boolean spatial = rf.field(tensor).spatial();
            int[] idx = hits.stream().mapToInt(netviz.methods.neurons.TopImages.Hit::image).toArray();
            netviz.data.Batch batch = s.dataset().get(idx);
            List<netviz.render.TopImagesSheet.Entry> entries = new ArrayList<>();
            List<Map<String, Object>> images = new ArrayList<>();
            for (int h = 0; h < hits.size(); h++) {
                netviz.methods.neurons.TopImages.Hit hit = hits.get(h);
                BufferedImage picture = s.preprocessing().toImage(batch.image(h));
                netviz.methods.neurons.ReceptiveField.Box box = rf.boxOrEffective(ip, tensor, c, hit.y(), hit.x());
                java.awt.Rectangle r = new java.awt.Rectangle(box.x0(), box.y0(), box.width(), box.height());
                int label = batch.hasLabels() ? batch.label(h) : -1;
                List<String> labels = new ArrayList<>();
                labels.add("#" + hit.image() + (label >= 0 ? " " + s.className(label) : ""));
                labels.add(netviz.render.Ticks.format(hit.activation(), 3) + (spatial ? " @" + hit.y() + "," + hit.x() : ""));
                entries.add(new netviz.render.TopImagesSheet.Entry(picture, r, null, labels));
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("index", hit.image());
                e.put("label", label);
                e.put("className", s.className(label));
                e.put("activation", (double) hit.activation());
                e.put("position", spatial ? new int[] {hit.y(), hit.x()} : null);
                e.put("box", new int[] {box.x0(), box.y0(), box.x1(), box.y1()});
                images.add(e);
            }
            String title = s.name() + "  " + layerName(tensor) + " channel " + c + ": top " + hits.size() + " images";
            BufferedImage fig = netviz.render.TopImagesSheet.render(title, entries, 112, null).image();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("layer", layerName(tensor));
            fields.put("channel", c);
            fields.put("scanned", top.images());
            fields.put("images", images);
            return new Output(fields, Map.of("top.png", fig));
        }
    }

    /** maximize: {layer, channel, preset?} — activation maximization of a unit (Erhan et al. 2009; Yosinski et al. 2015). */
    private final class MaximizeKind implements Kind {
        private static final List<String> PRESETS = List.of("yosinski", "none", "simonyan", "yosinski1", "yosinski2",
                "yosinski3", "yosinski4");
        private static final int ITERATIONS = 200;

        @Override
        public Set<String> accepted() {
            return Set.of("layer", "channel", "preset");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
            int c = channel(p, tensor);
            String preset = p.choice("preset", "yosinski", PRESETS);
            return params("layer", tensor, "channel", c, "preset", preset);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            String tensor = (String) params.get("layer");
            int c = ((Number) params.get("channel")).intValue();
            String preset = (String) params.get("preset");
            netviz.methods.neurons.Regularizers reg = netviz.methods.neurons.Regularizers.preset(preset);
            netviz.methods.neurons.ActivationMaximization am = new netviz.methods.neurons.ActivationMaximization(
                    s.interpreter(), s.preprocessing().mean(), s.preprocessing().std());
            netviz.methods.neurons.ActivationMaximization.Options o = new netviz.methods.neurons.ActivationMaximization
                    .Options(ITERATIONS, 0.05, reg, netviz.methods.neurons.ActivationMaximization.Param.PIXEL, List.of(),
                    netviz.methods.neurons.ActivationMaximization.Init.ZEROS, null, 0.1, 0, null, 0);
            // A ReLU passes no gradient where it is off, so from the mean image a silent unit would never
            // move: optimise its input instead (the "pre-ReLU" objective of Olah et al. 2017), which has
            // the same maximiser, and report the unit itself.
            netviz.engine.Node producer = s.graph().producer(tensor);
            String objective = producer != null && producer.opType().equals("Relu") ? producer.input(0) : tensor;
            netviz.methods.neurons.Goal unit = new netviz.methods.neurons.Goal(tensor, new int[] {c}, null, null);
            netviz.methods.neurons.ActivationMaximization.Result r = am.run(
                    new netviz.methods.neurons.Goal(objective, new int[] {c}, null, null), o,
                    job.reporter());
            double[] start = objective.equals(tensor) ? r.start() : null;
            double[] end = objective.equals(tensor) ? r.end() : am.values(unit, r.input(), r.shape());
            long[] sh = r.shape();
            BufferedImage img = netviz.render.Images.fromPlanes(r.pixels(), (int) sh[1], (int) sh[2], (int) sh[3],
                    new ValueRange(0, 1));
            netviz.render.TileGrid.Tile tile = netviz.render.TileGrid.Tile.of(img, 0, layerName(tensor) + " : " + c,
                    "value " + netviz.render.Ticks.format(end[0], 3));
            BufferedImage fig = netviz.render.TileGrid.render(List.of(tile),
                    netviz.render.TileGrid.Options.defaults().withTileSize(224).withColumns(1)).image();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("layer", layerName(tensor));
            fields.put("channel", c);
            fields.put("preset", preset);
            fields.put("iterations", ITERATIONS);
            fields.put("objective", objective);
            fields.put("activation", end[0]);
            fields.put("startActivation", start != null ? start[0] : startValue(am, unit, r.shape()));
            return new Output(fields, Map.of("image.png", fig));
        }
    }

    /** The unit's value on the starting image of a ZEROS initialisation: the mean image (zeros after normalisation). */
    private static double startValue(netviz.methods.neurons.ActivationMaximization am, netviz.methods.neurons.Goal unit,
                                     long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return am.values(unit, new float[(int) n], shape)[0];
    }

    /** facets: {layer, channel, facets?} — multifaceted feature visualization (Nguyen, Yosinski &amp; Clune 2016). */
    private final class FacetsKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("layer", "channel", "facets");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
            int c = channel(p, tensor);
            int k = p.integer("facets", 4, 2, 8);
            return params("layer", tensor, "channel", c, "facets", k);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            String tensor = (String) params.get("layer");
            int c = ((Number) params.get("channel")).intValue();
            int k = ((Number) params.get("facets")).intValue();
            netviz.methods.neurons.MultifacetedVisualization.Options o = netviz.methods.neurons.MultifacetedVisualization
                    .Options.defaults().withFacets(k).withLimit(s.size());
            netviz.methods.neurons.MultifacetedVisualization.Result r = new netviz.methods.neurons.MultifacetedVisualization(
                    s.interpreter(), s.dataset()).run(new netviz.methods.neurons.MultifacetedVisualization.Request(tensor, c,
                    null), o, job.reporter());
            int[] chw = r.imageShape();
            int per = chw[0] * chw[1] * chw[2];
            int examples = 8;
            List<netviz.render.FacetSheet.Row> rows = new ArrayList<>();
            List<Map<String, Object>> facets = new ArrayList<>();
            for (netviz.methods.neurons.MultifacetedVisualization.Facet f : r.facets()) {
                List<BufferedImage> ex = new ArrayList<>();
                for (int i = 0; i < Math.min(examples, f.closest().length); i++) {
                    float[] px = java.util.Arrays.copyOfRange(f.closestPixels(), i * per, (i + 1) * per);
                    ex.add(netviz.render.Images.fromPlanes(px, chw[0], chw[1], chw[2], new ValueRange(0, 1)));
                }
                rows.add(new netviz.render.FacetSheet.Row(String.format(java.util.Locale.ROOT,
                        "facet %d · %,d images · mean of the %d closest: value %s", f.index() + 1, f.members().length,
                        f.closest().length, netviz.render.Ticks.format(f.startActivation(), 3)),
                        "value " + netviz.render.Ticks.format(f.activation(), 3),
                        netviz.render.Images.fromPlanes(f.pixels(), chw[0], chw[1], chw[2], new ValueRange(0, 1)),
                        netviz.render.Images.fromPlanes(f.meanPixels(), chw[0], chw[1], chw[2], new ValueRange(0, 1)), ex));
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("facet", f.index() + 1);
                e.put("images", f.members().length);
                e.put("closest", list(f.closest()));
                e.put("startActivation", f.startActivation());
                e.put("activation", f.activation());
                facets.add(e);
            }
            String title = String.format(java.util.Locale.ROOT, "%s: %d facets of %s channel %d, top %,d of %,d images",
                    s.name(), r.facets().size(), layerName(tensor), c, r.indices().length, r.scanned());
            BufferedImage sheet = netviz.render.FacetSheet.render(rows, new netviz.render.FacetSheet.Options(112, examples,
                    title)).image();
            List<String> names = new ArrayList<>();
            for (netviz.methods.neurons.MultifacetedVisualization.Facet f : r.facets()) {
                names.add("facet " + (f.index() + 1));
            }
            BufferedImage scatter = netviz.render.ScatterPlot.render(r.embedding(), r.clusters(), names,
                    new netviz.render.ScatterPlot.Options(560, 2.6, String.format(java.util.Locale.ROOT,
                            "t-SNE of %s features of the top %,d images, coloured by facet (k-means)", r.featureLayer(),
                            r.indices().length))).image();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("layer", layerName(tensor));
            fields.put("channel", c);
            fields.put("scanned", r.scanned());
            fields.put("top", r.indices().length);
            fields.put("facets", facets);
            Map<String, BufferedImage> files = new LinkedHashMap<>();
            files.put("facets.png", sheet);
            files.put("scatter.png", scatter);
            return new Output(fields, files);
        }
    }

    /** embedding: {method: pca|tsne, n?, layer?} — a 2-D map of the first n dataset images' features. */
    private final class EmbeddingKind implements Kind {
        @Override
        public Set<String> accepted() {
            return Set.of("method", "n", "layer");
        }

        @Override
        public Map<String, Object> canonical(Params p) {
            String method = p.choice("method", "tsne", List.of("pca", "tsne"));
            int max = s.size();
            int min = Math.min(max, method.equals("tsne") ? 50 : 3);
            int n = p.integer("n", Math.min(1000, max), min, max);
            String layer = p.has("layer") ? layerTensor(p.string("layer")) : FeatureExtractor.defaultLayer(s.graph());
            checkFeatureSize(layer);
            return params("method", method, "n", n, "layer", layer);
        }

        @Override
        public Output run(Map<String, Object> params, Job job) {
            String method = (String) params.get("method");
            int n = ((Number) params.get("n")).intValue();
            String layer = (String) params.get("layer");
            job.message("features of " + s.size() + " images at " + layerName(layer));
            Features f = features(layer, job).features().head(n);
            job.message("running " + (method.equals("pca") ? "PCA" : "t-SNE") + " on " + n + " images");
            double[] xy;
            if (method.equals("pca")) {
                netviz.methods.features.Pca pca = netviz.methods.features.Pca.fit(f.values(), f.dim(), Math.min(2, f.dim()));
                double[] c = pca.transform(f.values());
                xy = new double[2 * n];
                int d = pca.count();
                for (int i = 0; i < n; i++) {
                    xy[2 * i] = c[i * d];
                    xy[2 * i + 1] = d > 1 ? c[i * d + 1] : 0;
                }
            } else {
                netviz.methods.features.Tsne.Options o = netviz.methods.features.Tsne.Options.defaults();
                netviz.methods.features.Tsne.validate(o, n);
                xy = netviz.methods.features.Tsne.run(f.values(), f.dim(), o, job.reporter().within(0.9, 1)).coordinates();
            }
            double[] unit = toUnitSquare(xy, n);
            List<Map<String, Object>> points = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("index", f.indices()[i]);
                e.put("x", unit[2 * i]);
                e.put("y", unit[2 * i + 1]);
                e.put("label", f.labels()[i]);
                points.add(e);
            }
            String title = (method.equals("pca") ? "PCA" : "t-SNE") + " of " + layerName(layer) + ", "
                    + String.format(java.util.Locale.ROOT, "%,d", n) + " images";
            BufferedImage scatter = netviz.render.ScatterPlot.render(xy, f.labels(), f.classNames(),
                    netviz.render.ScatterPlot.Options.defaults(title)).image();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("method", method);
            fields.put("layer", layerName(layer));
            fields.put("n", n);
            fields.put("points", points);
            return new Output(fields, Map.of("scatter.png", scatter));
        }
    }

    /**
     * Scales 2-D points into [0, 1]² with one factor for both axes (distances keep their proportions),
     * centring the shorter axis.
     */
    static double[] toUnitSquare(double[] xy, int n) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            minX = Math.min(minX, xy[2 * i]);
            maxX = Math.max(maxX, xy[2 * i]);
            minY = Math.min(minY, xy[2 * i + 1]);
            maxY = Math.max(maxY, xy[2 * i + 1]);
        }
        double span = Math.max(maxX - minX, maxY - minY);
        double scale = span > 0 ? 1 / span : 0;
        double offX = (1 - (maxX - minX) * scale) / 2;
        double offY = (1 - (maxY - minY) * scale) / 2;
        double[] out = new double[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = Math.max(0, Math.min(1, (xy[2 * i] - minX) * scale + offX));
            out[2 * i + 1] = Math.max(0, Math.min(1, (xy[2 * i + 1] - minY) * scale + offY));
        }
        return out;
    }

    static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return l;
    }
}
