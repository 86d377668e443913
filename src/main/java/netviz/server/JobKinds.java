package netviz.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.Progress;

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

        /** What the job will cost, for kinds whose cost grows with their parameters (null: a second or two). */
        default JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
            return null;
        }
    }

    private final ModelSession s;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final JobCost cost;

    JobKinds(ModelSession session) {
        this.s = session;
        this.cost = new JobCost(session);
        for (String a : List.of("saliency", "guided-backprop", "smoothgrad", "integrated-gradients", "grad-cam",
                "grad-cam-plus-plus", "score-cam")) {
            kinds.put(a, new AttributionJob(this, a));
        }
        kinds.put("occlusion", new OcclusionJob(this));
        kinds.put("activations", new ActivationsJob(this));
        kinds.put("layer-stats", new LayerStatsJob(this));
        kinds.put("top-images", new TopImagesJob(this));
        kinds.put("maximize", new MaximizeJob(this));
        kinds.put("embedding", new EmbeddingJob(this));
        kinds.put("facets", new FacetsJob(this));
        kinds.put("features", new FeaturesJob(this));
    }

    /** The cost model of this server's jobs. */
    JobCost cost() {
        return cost;
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

    /**
     * The features of every served dataset image at {@code layer} (null: the default feature layer, the
     * input of the last fully connected layer), from the session's {@link netviz.session.FeatureCache}
     * (computed once, kept in memory and on disk; requests arriving meanwhile wait for the same
     * computation), with a k-NN index over them. {@code job} (may be null) is told the progress.
     */
    FeatureIndex features(String layer, Job job) {
        String tensor = FeatureExtractor.tensor(s.graph(), layer);
        checkFeatureSize(tensor);
        Features feats = s.session().features().features(tensor, new FeatureExtractor.Options(100, s.size()),
                job == null ? Progress.NONE : job.reporter().within(0, 0.9));
        return new FeatureIndex(feats, new NearestNeighbors(feats.values(), feats.dim(), NearestNeighbors.Metric.EUCLIDEAN));
    }

    /** 400 when the features of every served image at {@code tensor} would exceed {@link #MAX_FEATURE_VALUES}. */
    void checkFeatureSize(String tensor) {
        long[] shape = s.session().shapeOf(tensor);
        long dim = 1;
        for (int i = 1; i < shape.length; i++) {
            dim *= shape[i];
        }
        if (dim * s.size() > MAX_FEATURE_VALUES) {
            netviz.engine.Node p = s.graph().producer(tensor);
            String layer = p != null && !p.name().isEmpty() && p.outputs().get(0).equals(tensor) ? p.name() : tensor;
            throw ApiException.badRequest("layer '" + layer + "' has " + dim + " values per image; the "
                    + s.size() + " served images would need " + (dim * s.size() * 4 >> 20) + " MB of features (the limit is "
                    + (MAX_FEATURE_VALUES * 4 >> 20) + " MB): choose a later layer, or serve fewer images (--limit)");
        }
    }

    /** {@code GET /api/neighbors}: the k dataset images nearest to the image in a layer's feature space. */
    Map<String, Object> neighbors(String image, int k, String layer) {
        return neighbors(image, k, layer, 0, null);
    }

    /**
     * The k nearest among the images that a page shows: those with a dataset index below {@code below}
     * (0: all) whose true class is one of {@code classes} (comma-separated class indices; null or blank:
     * any).
     */
    Map<String, Object> neighbors(String image, int k, String layer, int below, String classes) {
        Set<Integer> only = classes == null || classes.isBlank() ? null : new HashSet<>();
        if (only != null) {
            for (String c : classes.split(",")) {
                try {
                    only.add(Integer.parseInt(c.strip()));
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("classes must be class indices separated by commas, e.g. 0,3,7; got '"
                            + Util.clip(classes) + "'");
                }
            }
        }
        ModelSession.Picture pic = s.resolve(image);
        FeatureIndex fi = features(layer == null || layer.isBlank() ? null : layer.strip(), null);
        Features f = fi.features();
        int self = pic.ref().startsWith("dataset:") ? Integer.parseInt(pic.ref().substring(8)) : -1;
        boolean filtered = only != null || below > 0;
        int want = filtered ? f.count() : Math.min(k + (self >= 0 ? 1 : 0), f.count());
        float[] q;
        if (self >= 0) {
            q = f.row(self);
        } else {
            try (NDManager scope = s.session().forward().newScope()) {
                NDArray v = s.session().forward().forward(scope, pic.toNDArray(scope), f.layer()).get(f.layer());
                q = netviz.methods.Finite.check(v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                        "the features of layer '" + f.layer() + "' for image " + pic.ref());
            }
        }
        NearestNeighbors.Result r = fi.index().search(q, want);
        List<Map<String, Object>> list = new ArrayList<>();
        for (int rank = 0; rank < r.k() && list.size() < k; rank++) {
            int i = r.index(0, rank);
            if (i == self || (below > 0 && f.indices()[i] >= below) || (only != null && !only.contains(f.labels()[i]))) {
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

    /** The served session. */
    ModelSession session() {
        return s;
    }

    /** Turns lists of ints into JSON-friendly lists. */
    static List<Integer> list(int[] a) {
        return AbstractJobKind.list(a);
    }
}
