package netviz.methods.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import netviz.NetvizException;
import netviz.methods.Finite;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.Progress;
import netviz.engine.Graph;
import netviz.engine.Forward;
import netviz.engine.Node;
import netviz.io.FloatArray;

/**
 * Feature vectors of every image of a dataset at one layer of a model — by default the last hidden
 * layer, the input of the final fully connected layer (the 4096-d "fc7" code of Krizhevsky et al. 2012
 * whose euclidean neighbours are semantically similar images; Donahue et al. 2014, "DeCAF"). Each
 * example's activation tensor is flattened to one row.
 *
 * <p>A pure computation: it reads no file and writes none. Keeping features between runs is the
 * session's business ({@code netviz.session.FeatureCache}).
 */
public final class FeatureExtractor {
    /** The pseudo-layer name for the preprocessed input pixels. */
    public static final String PIXELS = "pixels";

    /**
     * @param batchSize examples per forward pass
     * @param limit     only the first {@code limit} examples (0 = all)
     */
    public record Options(int batchSize, int limit) {
        public Options {
            if (batchSize < 1) {
                throw new NetvizException("--batch-size must be at least 1, got " + batchSize);
            }
            if (limit < 0) {
                throw new NetvizException("--limit must be 0 (all) or positive, got " + limit);
            }
        }

        /** 100 images per pass, every example. */
        public static Options defaults() {
            return new Options(100, 0);
        }

        public Options withLimit(int l) {
            return new Options(batchSize, l);
        }

        public Options withBatchSize(int b) {
            return new Options(b, limit);
        }
    }

    private FeatureExtractor() {
    }

    /**
     * The default feature layer: the data input of the last fully connected node (Gemm, or MatMul with
     * a constant weight) of the graph — for the bundled model {@code relu3}.
     *
     * @throws NetvizException when the graph has no fully connected layer
     */
    public static String defaultLayer(Graph g) {
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.opType().equals("Gemm")) {
                return n.input(0);
            }
            if (n.opType().equals("MatMul") && n.inputs().size() == 2) {
                boolean w0 = g.initializers().containsKey(n.input(0));
                boolean w1 = g.initializers().containsKey(n.input(1));
                if (w1 && !w0) {
                    return n.input(0);
                }
                if (w0 && !w1) {
                    return n.input(1);
                }
            }
        }
        throw new NetvizException("model '" + g.name() + "' has no fully connected layer (Gemm or MatMul) whose input"
                + " could serve as the default feature layer; name one with --layer");
    }

    /** The tensor {@code layer} names in {@code g} (null: {@link #defaultLayer}). */
    public static String tensor(Graph g, String layer) {
        return layer == null ? defaultLayer(g) : g.resolveTensor(layer);
    }

    /**
     * Features of every example (up to the limit) at {@code layer} (null = {@link #defaultLayer});
     * {@code progress} hears of each batch.
     */
    public static Features extract(Forward ip, Dataset data, String layer, Options o, Progress progress) {
        Graph g = ip.graph();
        String tensor = tensor(g, layer);
        int n = count(data, o.limit());
        String source = "layer " + tensor + " of " + (g.name().isBlank() ? "the model" : g.name()) + " on " + data.description()
                + (n < data.size() ? " (first " + n + ")" : "");
        float[] values = null;
        int dim = -1;
        int[] labels = new int[n];
        int[] indices = new int[n];
        List<String> ids = new ArrayList<>(n);
        try (Batches batches = data.batches(o.batchSize(), 0, n).withProgress(Progress.orNone(progress), "features " + tensor)) {
            for (Batch b : batches) {
                float[] rows;
                try (NDManager scope = ip.newScope()) {
                    NDArray out = ip.forward(scope, b.toNDArray(scope), tensor).get(tensor);
                    long[] shape = out.getShape().getShape();
                    long per = shape.length == 0 ? 0 : out.size() / Math.max(1, shape[0]);
                    if (shape.length == 0 || shape[0] != b.size()) {
                        throw new NetvizException("layer '" + tensor + "' has no per-example features: its shape "
                                + Arrays.toString(shape) + " does not start with the batch size " + b.size()
                                + "; choose an activation layer");
                    }
                    if (per == 0) {
                        throw new NetvizException("layer '" + tensor + "' has no features: its shape is " + Arrays.toString(shape));
                    }
                    if (dim < 0) {
                        if ((long) n * per > Integer.MAX_VALUE - 16) {
                            throw new NetvizException("layer '" + tensor + "' has " + per + " features per example; "
                                    + n + " examples would not fit in memory — use --limit or a smaller layer");
                        }
                        dim = (int) per;
                        values = new float[n * dim];
                    }
                    rows = FloatArray.of(out).data();
                }
                int bad = Finite.firstNonFinite(rows);
                if (bad >= 0) {
                    throw Finite.result("the features of layer '" + tensor + "' are not finite for image "
                            + b.id(bad / dim) + " (" + Finite.name(rows[bad]) + " at feature " + bad % dim + ")");
                }
                int at = b.index(0);
                System.arraycopy(rows, 0, values, at * dim, rows.length);
                for (int i = 0; i < b.size(); i++) {
                    labels[b.index(i)] = b.hasLabels() ? b.label(i) : -1;
                    indices[b.index(i)] = b.index(i);
                    ids.add(b.id(i));
                }
            }
        }
        return new Features(values, n, dim, indices, labels, ids, data.classNames(), tensor, source, false);
    }

    /** The preprocessed input pixels of every example, flattened (for comparison with a layer's features). */
    public static Features pixels(Dataset data, Options o, Progress progress) {
        int n = count(data, o.limit());
        float[] values = null;
        int dim = -1;
        int[] labels = new int[n];
        int[] indices = new int[n];
        List<String> ids = new ArrayList<>(n);
        try (Batches batches = data.batches(o.batchSize(), 0, n).withProgress(Progress.orNone(progress), "pixels")) {
            for (Batch b : batches) {
                int per = b.channels() * b.height() * b.width();
                if (dim < 0) {
                    dim = per;
                    values = new float[n * dim];
                } else if (per != dim) {
                    throw new netviz.ShapeMismatchException("images of " + data.description() + " differ in size; give a crop size");
                }
                System.arraycopy(b.images(), 0, values, b.index(0) * dim, b.images().length);
                for (int i = 0; i < b.size(); i++) {
                    labels[b.index(i)] = b.hasLabels() ? b.label(i) : -1;
                    indices[b.index(i)] = b.index(i);
                    ids.add(b.id(i));
                }
            }
        }
        return new Features(values, n, dim, indices, labels, ids, data.classNames(), PIXELS,
                "pixels of " + data.description(), false);
    }

    /** How many examples a limit takes of {@code data}: all for 0, else at most {@code limit}. */
    public static int count(Dataset data, int limit) {
        if (limit < 0) {
            throw new netviz.OutOfRangeException("--limit must be 0 (all) or positive, got " + limit);
        }
        int n = limit == 0 ? data.size() : Math.min(limit, data.size());
        if (n == 0) {
            throw new NetvizException("dataset " + data.description() + " is empty");
        }
        return n;
    }
}
