package netviz.serve;

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
import netviz.methods.attribution.Progress;
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

    private final Map<String, FeatureIndex> featureIndexes = new java.util.HashMap<>();

    /**
     * The features of every served dataset image at {@code layer} (null: the default feature layer, the
     * input of the last fully connected layer), computed once (and cached on disk by
     * {@link FeatureExtractor}) and kept in memory.
     */
    FeatureIndex features(String layer, Job job) {
        String tensor = layer == null ? FeatureExtractor.defaultLayer(s.graph()) : s.graph().resolveTensor(layer);
        synchronized (featureIndexes) {
            FeatureIndex fi = featureIndexes.get(tensor);
            if (fi != null) {
                return fi;
            }
        }
        FeatureExtractor.Options o = new FeatureExtractor.Options(100, s.size(), netviz.data.Progress.NEVER,
                s.options().cache().resolve("features"));
        Features f;
        try (netviz.data.Batches.Listener.Registration r = job == null ? null
                : netviz.data.Batches.listen((done, total) -> job.progress(0.9 * done / Math.max(1, total)))) {
            f = FeatureExtractor.extract(s.interpreter(), s.dataset(), tensor, o);
        }
        FeatureIndex fi = new FeatureIndex(f, new NearestNeighbors(f.values(), f.dim(), NearestNeighbors.Metric.EUCLIDEAN));
        synchronized (featureIndexes) {
            return featureIndexes.computeIfAbsent(tensor, t -> fi);
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
                q = v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
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
        return job::progress;
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
                    case "guided-backprop" -> a = new GuidedBackprop(ip).attribute(x, t);
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
            ValueRange pr = new ValueRange(Math.min(lo, p0), Math.max(p0, lo + 1e-6));
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

    static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return l;
    }
}
