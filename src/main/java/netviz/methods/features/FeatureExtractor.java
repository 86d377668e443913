package netviz.methods.features;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import netviz.NetvizException;
import netviz.methods.Finite;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.Progress;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.io.FloatArray;
import netviz.io.Npy;
import netviz.onnx.OnnxWriter;

/**
 * Feature vectors of every image of a dataset at one layer of a model — by default the last hidden
 * layer, the input of the final fully connected layer (the 4096-d "fc7" code of Krizhevsky et al. 2012
 * whose euclidean neighbours are semantically similar images; Donahue et al. 2014, "DeCAF"). Each
 * example's activation tensor is flattened to one row.
 *
 * <p>Results are cached on disk under {@link #defaultCacheDir()}: the key is the SHA-256 of the model's
 * serialised graph, the layer, and the dataset's description, size, preprocessing and example limit, so
 * a second run on the same inputs reads a file instead of running the network.
 */
public final class FeatureExtractor {
    /** The pseudo-layer name for the preprocessed input pixels. */
    public static final String PIXELS = "pixels";

    /**
     * @param batchSize examples per forward pass
     * @param limit     only the first {@code limit} examples (0 = all)
     * @param progress  progress bar on stderr
     * @param cacheDir  where cached features live; null = no caching
     */
    public record Options(int batchSize, int limit, Progress progress, Path cacheDir) {
        public static Options defaults() {
            return new Options(100, 0, Progress.NONE, defaultCacheDir());
        }

        public Options withLimit(int l) {
            return new Options(batchSize, l, progress, cacheDir);
        }

        public Options withCacheDir(Path d) {
            return new Options(batchSize, limit, progress, d);
        }

        public Options withProgress(Progress p) {
            return new Options(batchSize, limit, p, cacheDir);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureExtractor() {
    }

    /** {@code $NETVIZ_CACHE} (or system property {@code netviz.cache}), else {@code ~/.cache/netviz}. */
    public static Path defaultCacheDir() {
        String p = System.getProperty("netviz.cache", System.getenv("NETVIZ_CACHE"));
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "netviz");
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

    /** Features of every example (up to the limit) at {@code layer} (null = {@link #defaultLayer}). */
    public static Features extract(Interpreter ip, Dataset data, String layer, Options o) {
        Graph g = ip.graph();
        String tensor = layer == null ? defaultLayer(g) : g.resolveTensor(layer);
        int n = count(data, o);
        String source = "layer " + tensor + " of " + (g.name().isBlank() ? "the model" : g.name()) + " on " + data.description()
                + (n < data.size() ? " (first " + n + ")" : "");
        String key = null;
        if (o.cacheDir() != null) {
            key = digest(modelBytes(g), "layer=" + tensor, identity(data, n));
            Features hit = read(o.cacheDir(), key, data, tensor, source);
            if (hit != null) {
                return hit;
            }
        }
        float[] values = null;
        int dim = -1;
        int[] labels = new int[n];
        int[] indices = new int[n];
        List<String> ids = new ArrayList<>(n);
        try (Batches batches = data.batches(o.batchSize(), 0, n).withProgress(o.progress(), "features " + tensor)) {
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
        Features f = new Features(values, n, dim, indices, labels, ids, data.classNames(), tensor, source, false);
        if (key != null) {
            write(o.cacheDir(), key, f);
        }
        return f;
    }

    /** The preprocessed input pixels of every example, flattened (for comparison with a layer's features). */
    public static Features pixels(Dataset data, Options o) {
        int n = count(data, o);
        float[] values = null;
        int dim = -1;
        int[] labels = new int[n];
        int[] indices = new int[n];
        List<String> ids = new ArrayList<>(n);
        try (Batches batches = data.batches(o.batchSize(), 0, n).withProgress(o.progress(), "pixels")) {
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

    private static int count(Dataset data, Options o) {
        if (o.limit() < 0) {
            throw new netviz.OutOfRangeException("--limit must be 0 (all) or positive, got " + o.limit());
        }
        int n = o.limit() == 0 ? data.size() : Math.min(o.limit(), data.size());
        if (n == 0) {
            throw new NetvizException("dataset " + data.description() + " is empty");
        }
        return n;
    }

    private static String identity(Dataset data, int n) {
        return "data=" + data.description() + "|size=" + data.size() + "|n=" + n + "|pre=" + data.preprocessing().describe();
    }

    private static byte[] modelBytes(Graph g) {
        return OnnxWriter.toBytes(g);
    }

    static String digest(byte[] model, String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(model);
            for (String p : parts) {
                md.update((byte) 0);
                md.update(p.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Features read(Path dir, String key, Dataset data, String layer, String source) {
        Path npy = dir.resolve("features-" + key + ".npy");
        Path meta = dir.resolve("features-" + key + ".json");
        if (!Files.isRegularFile(npy) || !Files.isRegularFile(meta)) {
            return null;
        }
        try {
            JsonNode m = JSON.readTree(meta.toFile());
            FloatArray a = Npy.readFloats(npy);
            int n = m.get("count").asInt();
            int dim = m.get("dim").asInt();
            if (a.rank() != 2 || a.dim(0) != n || a.dim(1) != dim) {
                return null;
            }
            int[] labels = new int[n];
            int[] indices = new int[n];
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                labels[i] = m.get("labels").get(i).asInt();
                indices[i] = i;
                ids.add(m.get("ids").get(i).asText());
            }
            return new Features(a.data(), n, dim, indices, labels, ids, data.classNames(), layer, source, true);
        } catch (IOException | RuntimeException e) {
            return null;   // a damaged cache entry is recomputed
        }
    }

    private static void write(Path dir, String key, Features f) {
        try {
            Files.createDirectories(dir);
            Path npy = dir.resolve("features-" + key + ".npy");
            Path meta = dir.resolve("features-" + key + ".json");
            Path tmpNpy = netviz.io.TempFiles.createFile(dir, "features-", ".npy.tmp");
            Path tmpMeta = netviz.io.TempFiles.createFile(dir, "features-", ".json.tmp");
            Npy.write(tmpNpy, f.values(), f.count(), f.dim());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", f.layer());
            m.put("source", f.source());
            m.put("count", f.count());
            m.put("dim", f.dim());
            m.put("labels", f.labels());
            m.put("ids", f.ids());
            JSON.writeValue(tmpMeta.toFile(), m);
            move(tmpNpy, npy);
            move(tmpMeta, meta);
        } catch (IOException | RuntimeException e) {
            System.err.println("netviz: could not cache features in " + dir + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
