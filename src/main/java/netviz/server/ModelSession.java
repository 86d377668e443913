package netviz.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ModelSummary;
import netviz.engine.Node;
import netviz.image.ImageInput;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.evaluation.Classifier;
import netviz.onnx.OnnxLoader;

/**
 * What the server serves: one model (its graph, one thread-safe {@link Interpreter} shared by every
 * request, its preprocessing and class names), the dataset (optionally its first {@code --limit}
 * images) and the upload store. Also turns image references ({@code "dataset:123"},
 * {@code "upload:<sha256>"}) into model inputs.
 */
public final class ModelSession implements AutoCloseable {
    /** A resolved image: the model input (1, C, H, W), what the model sees as a picture, the true class (-1: unknown). */
    public record Picture(String ref, float[] input, long[] shape, BufferedImage picture, int label) {
        public int channels() {
            return (int) shape[1];
        }

        public int height() {
            return (int) shape[2];
        }

        public int width() {
            return (int) shape[3];
        }

        /** The input as a (1, C, H, W) float32 NDArray in {@code scope}. */
        public NDArray toNDArray(NDManager scope) {
            return scope.create(input, new Shape(shape));
        }
    }

    private final ServerOptions options;
    private final netviz.session.Session session;
    private final Path modelPath;
    private final Graph graph;
    private final Interpreter interpreter;
    private final Preprocessing preprocessing;
    private final Labels labels;
    private final Dataset dataset;
    private final int size;
    private final String modelHash;
    private final ModelSummary.Summary summary;
    private final Uploads uploads;
    /** The last {@value #RECENT_UPLOADS} uploads used, preprocessed (so that each request need not decode the file). */
    private final Map<String, Picture> recentUploads = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Picture> eldest) {
            return size() > RECENT_UPLOADS;
        }
    };
    static final int RECENT_UPLOADS = 32;

    public ModelSession(ServerOptions options) {
        this.options = options;
        this.modelPath = options.model();
        this.session = netviz.session.Session.builder(modelPath).data(options.data())
                .featureCache(options.cache().resolve("features")).runtime(options.runtime())
                .warnings(w -> System.err.println("netviz: " + w)).build();
        try {
            this.graph = session.graph();
            this.preprocessing = session.preprocessing();
            this.summary = session.summary();
            this.interpreter = session.interpreter();
            session.forward(); // the runtime is chosen (and a fallback reported) at start-up
            this.labels = session.labels();
            this.dataset = session.dataset();
            this.size = options.limit() > 0 ? Math.min(options.limit(), dataset.size()) : dataset.size();
            checkCacheFolder(options.cache());
            this.modelHash = session.modelHash();
            this.uploads = new Uploads(options.cache().resolve("uploads"), options.maxUpload(), options.maxPixels());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The session (model, interpreter, preprocessing, labels, dataset) that every job of this server shares. */
    public netviz.session.Session session() {
        return session;
    }

    public ServerOptions options() {
        return options;
    }

    public Graph graph() {
        return graph;
    }

    /** The shared interpreter (thread-safe; every request computes in its own {@link Interpreter#newScope()}). */
    public Interpreter interpreter() {
        return interpreter;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Labels labels() {
        return labels;
    }

    /** The dataset (all of it; only the first {@link #size()} images are served). */
    public Dataset dataset() {
        return dataset;
    }

    /** Number of dataset images served (after {@code --limit}). */
    public int size() {
        return size;
    }

    public ModelSummary.Summary summary() {
        return summary;
    }

    public Uploads uploads() {
        return uploads;
    }

    /** SHA-256 of the model file: part of every cache key. */
    public String modelHash() {
        return modelHash;
    }

    /** What identifies the served data in cache keys: its description and the number of images used. */
    public String dataIdentity() {
        return dataset.description() + "|" + size + "|" + preprocessing.toJson();
    }

    /** The model's display name: its file name without ".onnx". */
    public String name() {
        String n = modelPath.getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    public Path modelPath() {
        return modelPath;
    }

    /** Class name of class {@code k} ("" when out of range). */
    public String className(int k) {
        return k >= 0 && k < labels.size() ? labels.name(k) : "";
    }

    /** Checks a dataset index (400 when out of range). */
    public int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new ApiException(404, "dataset image " + index + " does not exist: the dataset has images 0 to "
                    + (size - 1));
        }
        return index;
    }

    /** The dataset image {@code index} as a picture of what the model sees (un-normalised). */
    public Picture datasetImage(int index) {
        checkIndex(index);
        Batch b = dataset.get(index);
        long[] shape = {1, b.channels(), b.height(), b.width()};
        BufferedImage pic = preprocessing.toImage(b.image(0));
        return new Picture("dataset:" + index, b.images(), shape, pic, b.hasLabels() ? b.label(0) : -1);
    }

    /**
     * Resolves an image reference: {@code dataset:N} or {@code upload:<64 hex digits>}.
     *
     * @throws ApiException 400 for a malformed reference, 404 for an image that does not exist
     */
    public Picture resolve(String ref) {
        if (ref == null || ref.isBlank()) {
            throw ApiException.badRequest("missing image: give image=dataset:N or image=upload:<id>");
        }
        String r = ref.strip();
        if (r.startsWith("dataset:")) {
            String n = r.substring("dataset:".length());
            if (!n.matches("\\d{1,9}")) {
                throw ApiException.badRequest("image '" + Util.clip(ref) + "': a dataset image is dataset:N with N a "
                        + "number from 0 to " + (size - 1));
            }
            return datasetImage(Integer.parseInt(n));
        }
        if (r.startsWith("upload:")) {
            String id = Uploads.checkId(r.substring("upload:".length()));
            synchronized (recentUploads) {
                Picture p = recentUploads.get(id);
                if (p != null) {
                    return p;
                }
            }
            BufferedImage original = uploads.read(id);
            ImageInput in = ImageInput.of(original, preprocessing, "upload:" + id);
            Picture p = new Picture("upload:" + id, in.data(), in.shape(), in.inputImage(), -1);
            synchronized (recentUploads) {
                recentUploads.put(id, p);
            }
            return p;
        }
        throw ApiException.badRequest("image '" + Util.clip(ref) + "' is not an image reference: give dataset:N "
                + "(N from 0 to " + (size - 1) + ") or upload:<id> (the id that POST /api/images returned)");
    }

    /**
     * Resolves a layer name (node name, tensor name or node index) to its node.
     *
     * @throws netviz.UnknownNameException (400 with close matches) for an unknown name
     * @throws ApiException 400 for a graph input
     */
    public Node node(String layer) {
        if (layer == null || layer.isBlank()) {
            throw ApiException.badRequest("missing layer: give a node name, tensor name or node index");
        }
        Node n = graph.resolveNode(layer.strip());
        if (n == null) {
            throw ApiException.badRequest("'" + Util.clip(layer) + "' is the model input, not a layer");
        }
        return n;
    }

    /** The layer's summary row. */
    public ModelSummary.Layer layer(Node n) {
        for (ModelSummary.Layer l : summary.layers()) {
            if (l.name().equals(n.name()) && l.outputs().equals(n.outputs())) {
                return l;
            }
        }
        throw new IllegalStateException("no summary row for node " + n.label());
    }

    /** The JSON object of one layer: {index, name, op, output, shape, params, macs, hasFilters, channels}. */
    public Map<String, Object> layerJson(ModelSummary.Layer l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", l.index());
        m.put("name", l.name().isEmpty() ? l.outputs().get(0) : l.name());
        m.put("op", l.operator());
        m.put("output", l.outputs().isEmpty() ? null : l.outputs().get(0));
        long[] shape = l.outputShapes().isEmpty() ? null : l.outputShapes().get(0);
        m.put("shape", shape);
        m.put("params", l.parameters());
        m.put("macs", l.multiplyAdds());
        m.put("hasFilters", hasFilters(l));
        m.put("channels", shape != null && shape.length >= 2 ? shape[1] : 0);
        return m;
    }

    /** Whether the layer is a convolution whose filters can be drawn. */
    public boolean hasFilters(ModelSummary.Layer l) {
        if (!l.operator().equals("Conv")) {
            return false;
        }
        try {
            netviz.methods.params.Filters.of(graph, l.name().isEmpty() ? l.outputs().get(0) : l.name());
            return true;
        } catch (NetvizException e) {
            return false;
        }
    }

    /** {@code GET /api/model}. */
    public Map<String, Object> modelJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("file", modelPath.getFileName().toString());
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("name", interpreter.inputName());
        in.put("shape", summary.inputShapes().getOrDefault(interpreter.inputName(),
                graph.inputs().isEmpty() ? null : graph.inputs().get(0).dims()));
        m.put("input", in);
        m.put("output", interpreter.outputName());
        m.put("classes", labels.names());
        m.put("params", summary.parameters());
        m.put("macs", summary.multiplyAdds());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (ModelSummary.Layer l : summary.layers()) {
            layers.add(layerJson(l));
        }
        m.put("layers", layers);
        m.put("backend", netviz.engine.backend.Backend.report().toMap());
        return m;
    }

    @Override
    public void close() {
        session.close();
    }

    /** The SHA-256 of {@code bytes} as 64 hex digits. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cache folder must be a folder netviz can write (made when missing): a file, or a folder
     * that cannot be made or written, is refused at start, not at the first job.
     */
    public static void checkCacheFolder(java.nio.file.Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new NetvizException("--cache '" + dir + "' is a file, not a folder; give a folder for the app's "
                    + "uploads and results (it is made when missing)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            throw new NetvizException("cannot make the cache folder '" + dir + "': " + why, e);
        }
        if (!Files.isWritable(dir)) {
            throw new NetvizException("cannot write to the cache folder '" + dir + "'; give --cache DIR");
        }
    }
}
