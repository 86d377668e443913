package netviz.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import netviz.methods.attribution.Attribution;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.Occlusion;
import netviz.Progress;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;

/**
 * What every job kind shares: the served session, the server's feature index, and the checks that
 * turn request parameters into canonical ones (image references, classes, layers, channels).
 */
abstract class AbstractJobKind implements JobKinds.Kind {
    final JobKinds kinds;
    final ModelSession s;

    AbstractJobKind(JobKinds kinds) {
        this.kinds = kinds;
        this.s = kinds.session();
    }

    /** The server's features of a layer (see {@link JobKinds#features}). */
    JobKinds.FeatureIndex features(String layer, Job job) {
        return kinds.features(layer, job);
    }

    // ---- shared parameter handling -----------------------------------------------------------

    /** The image reference, checked (it must exist). */
    String image(Params p) {
        return s.resolve(p.required("image", "dataset:N or upload:<id>")).ref();
    }

    /** The target class index, or null for the predicted class. */
    Integer target(Params p) {
        String t = p.string("target");
        if (t == null || t.equalsIgnoreCase("predicted")) {
            return null;
        }
        return s.labels().indexOf(t);
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    static Target targetOf(Map<String, Object> params) {
        Object t = params.get("target");
        return t == null ? Target.predicted() : Target.classes(((Number) t).intValue());
    }

    /** Result fields naming the explained class and its probability. */
    Map<String, Object> classFields(ModelSession.Picture pic, int k) {
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
    static Attribution counting(Attribution inner, int calls, Job job) {
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

    static Progress progress(Job job) {
        return job.reporter();
    }

    /** The occlusion fill: the dataset mean, which is 0 after a mean/std normalisation. */
    Baseline fill() {
        float[] mean = s.preprocessing().mean();
        boolean normalised = mean != null && mean.length > 0;
        return normalised ? Baseline.zero() : Baseline.mean();
    }

    // ---- attribution ----------------------------------------------------------------------

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
    String layerTensor(String layer) {
        s.node(layer);
        return s.graph().resolveTensor(layer.strip());
    }

    /** The layer's display name: the node name when it names this tensor, else the tensor. */
    String layerName(String tensor) {
        netviz.engine.Node p = s.graph().producer(tensor);
        return p != null && !p.name().isEmpty() && p.outputs().get(0).equals(tensor) ? p.name() : tensor;
    }

    /** The measured shape (batch 1) of a layer's tensor. */
    long[] shapeOf(String tensor) {
        for (netviz.engine.ModelSummary.Layer l : s.summary().layers()) {
            int i = l.outputs().indexOf(tensor);
            if (i >= 0 && i < l.outputShapes().size() && l.outputShapes().get(i) != null) {
                return l.outputShapes().get(i);
            }
        }
        throw ApiException.badRequest("the shape of layer '" + Util.clip(tensor) + "' is not known");
    }

    /** Channels of a (N, C, ...) layer (400 when it has no channel axis). */
    int channelsOf(String tensor) {
        long[] shape = shapeOf(tensor);
        if (shape.length < 2) {
            throw ApiException.badRequest("layer '" + layerName(tensor) + "' has shape " + java.util.Arrays.toString(shape)
                    + " and no channels; choose a layer of shape (N, C, ...)");
        }
        return (int) shape[1];
    }

    int channel(Params p, String tensor) {
        int c = channelsOf(tensor);
        if (!p.has("channel")) {
            throw ApiException.badRequest("a job on a neuron needs channel (0 to " + (c - 1) + " for layer '"
                    + layerName(tensor) + "')");
        }
        return p.integer("channel", 0, 0, c - 1);
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
