package netviz.server;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import netviz.Progress;
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

    /** Result fields naming the explained class and its probability. */
    Map<String, Object> classFields(ModelSession.Picture pic, int k) {
        double p;
        try (NDManager scope = s.session().forward().newScope()) {
            p = new Classifier(s.session().forward()).predict(scope, pic.toNDArray(scope)).probabilities()[0][k];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", k);
        m.put("className", s.className(k));
        m.put("probability", p);
        return m;
    }

    static Progress progress(Job job) {
        return job.reporter();
    }

    /** A served picture as the recipes take it. */
    static netviz.session.Picture picture(ModelSession.Picture p) {
        return new netviz.session.Picture(p.ref(), p.input(), p.shape(), p.picture(), p.label());
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
