package netviz.session;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ModelSummary;
import netviz.engine.ModelView;
import netviz.engine.ops.Quantized;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.attribution.ScoreTensor;
import netviz.onnx.OnnxLoader;

/**
 * One model opened for visualisation, and everything every technique needs from it, each built once
 * and on first use: the graph as the file holds it and as netviz presents it ({@link ModelView}), the
 * preprocessing, one interpreter, the model summary (with the measured shape of every tensor), the
 * class count and names, and the dataset. The command line builds one per command, the report one
 * per report, the web app one per server; figure recipes take it as their first argument.
 * Forward-only work runs on {@link #forward()}: ONNX Runtime by default, the interpreter with
 * {@code runtime("torch")} or when ONNX Runtime cannot run the model (after one warning). Input
 * gradients (saliency, SmoothGrad, integrated gradients) run on {@link #gradients()}: ONNX Runtime
 * where it runs the forward passes and can differentiate the graph, else the interpreter.
 * Thread-safe; close it to release the interpreter's native memory.
 */
public final class Session implements AutoCloseable {
    private final Path modelPath;
    private final ModelView.Options view;
    private final Function<Graph, Preprocessing> preprocessingRule;
    private final Path labelsFile;
    private final Path data;
    private final boolean alignDataset;
    private final Consumer<String> warnings;
    private final Path featureCacheDir;
    private final String runtime;
    private final Path scanDir;

    private Graph raw;
    private Graph graph;
    private Preprocessing preprocessing;
    private Interpreter interpreter;
    private netviz.engine.Forward forward;
    private netviz.engine.InputGradients gradients;
    private ModelSummary.Summary summary;
    private Integer classCount;
    private Labels labels;
    private Dataset dataset;
    private String modelHash;
    private FeatureCache features;
    private DatasetScan scan;
    private boolean closed;

    private Session(Builder b) {
        this.modelPath = b.model;
        this.view = b.view;
        this.preprocessingRule = b.preprocessing;
        this.labelsFile = b.labels;
        this.data = b.data;
        this.alignDataset = b.alignDataset;
        this.warnings = b.warnings;
        this.featureCacheDir = b.featureCache;
        this.runtime = b.runtime;
        this.scanDir = b.scan;
    }

    /** A session on the ONNX file {@code model}; nothing is read until it is needed. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /** A session on {@code model} with every default: the bundled test split as its dataset. */
    public static Session open(Path model) {
        return builder(model).build();
    }

    /** How a session is made: the model file and the choices the user may override. */
    public static final class Builder {
        private final Path model;
        private ModelView.Options view = ModelView.Options.defaults();
        private Function<Graph, Preprocessing> preprocessing = g -> ModelConfig.of(g).resolvePreprocessing(null, g);
        private Path labels;
        private Path data;
        private boolean alignDataset = true;
        private Consumer<String> warnings = w -> { };
        private Path featureCache;
        private String runtime = RUNTIMES.get(0);
        private Path scan;

        private Builder(Path model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Which output, score and layout the graph is presented with ({@code --output}, {@code --score}, {@code --layout}). */
        public Builder view(ModelView.Options v) {
            this.view = Objects.requireNonNull(v);
            return this;
        }

        /** The preprocessing, decided from the presented graph (default: the model's metadata, else a guess from its input). */
        public Builder preprocessing(Function<Graph, Preprocessing> rule) {
            this.preprocessing = Objects.requireNonNull(rule);
            return this;
        }

        /** A file of class names, one per line, instead of the model's own (null: none). */
        public Builder labels(Path file) {
            this.labels = file;
            return this;
        }

        /** The dataset: an IDX file, a folder of images, a .npy array (null: the bundled Fashion-MNIST test split). */
        public Builder data(Path d) {
            this.data = d;
            return this;
        }

        /**
         * Whether a labelled dataset's classes are renumbered to the model's class names when both
         * name them (default true; a dataset whose names are not the model's keeps its own).
         */
        public Builder alignDataset(boolean align) {
            this.alignDataset = align;
            return this;
        }

        /** Where one-line warnings go (a quantized model is dequantized, …); default: dropped. */
        public Builder warnings(Consumer<String> sink) {
            this.warnings = Objects.requireNonNull(sink);
            return this;
        }

        /** Where {@link #features()} keeps features on disk (default null: in memory only). */
        public Builder featureCache(Path dir) {
            this.featureCache = dir;
            return this;
        }

        /**
         * Which runtime runs forward-only work ({@link Session#forward()}): {@code ort} (ONNX Runtime,
         * the default; the interpreter when ONNX Runtime cannot run the model) or {@code torch} (the
         * libtorch interpreter, which always runs gradients). Null keeps the default; any other value
         * is an {@link netviz.InputFormatException} naming the accepted ones.
         */
        public Builder runtime(String name) {
            this.runtime = parseRuntime(name);
            return this;
        }

        /**
         * A finished dataset scan to draw the dataset-wide figures from instead of passing over the
         * dataset ({@code --scan}; null: none); see {@link Session#scan()}.
         */
        public Builder scan(Path dir) {
            this.scan = dir;
            return this;
        }

        public Session build() {
            return new Session(this);
        }
    }

    /** The runtimes {@link Builder#runtime} accepts, the default first. */
    public static final List<String> RUNTIMES = List.of("ort", "torch");

    /** {@code name} as a runtime ({@code ort} for null); an {@link InputFormatException} naming the accepted ones otherwise. */
    public static String parseRuntime(String name) {
        if (name == null) {
            return RUNTIMES.get(0);
        }
        String r = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!RUNTIMES.contains(r)) {
            throw new InputFormatException("unknown runtime '" + name + "'; --runtime accepts ort (ONNX Runtime, the"
                    + " default) or torch (the libtorch interpreter)");
        }
        return r;
    }

    /** The runtime asked for forward-only work ({@code ort} or {@code torch}); {@link #forward()} says which one runs. */
    public String runtime() {
        return runtime;
    }

    /** The model file. */
    public Path modelPath() {
        return modelPath;
    }

    /** The model's file name without ".onnx", for titles and default file names. */
    public String name() {
        String n = modelPath.getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    /** The dataset as given ({@code null}: the bundled test split). */
    public Path dataPath() {
        return data;
    }

    /** The class-name file as given, or null. */
    public Path labelsPath() {
        return labelsFile;
    }

    /** The presentation choices of the graph. */
    public ModelView.Options view() {
        return view;
    }

    /** The graph as the file holds it, loaded once (a {@link netviz.ModelFormatException} when it is not valid ONNX). */
    public synchronized Graph rawGraph() {
        checkOpen();
        if (raw == null) {
            if (!Files.exists(modelPath)) {
                throw new InputFormatException("model file '" + modelPath + "' does not exist");
            }
            if (Files.isDirectory(modelPath)) {
                throw new InputFormatException("model file '" + modelPath + "' is a folder; give an .onnx file");
            }
            raw = OnnxLoader.load(modelPath);
            String w = Quantized.warning(raw);
            if (w != null) {
                warnings.accept(w);
            }
        }
        return raw;
    }

    /**
     * The graph as netviz presents it (see {@link ModelView}: the classifier output first, the score
     * asked for, a channels-last input seen as NCHW).
     */
    public synchronized Graph graph() {
        if (graph == null) {
            graph = ModelView.of(rawGraph(), view);
        }
        return graph;
    }

    /** The model's own configuration (preprocessing and labels from its metadata). */
    public ModelConfig config() {
        return ModelConfig.of(graph());
    }

    /** The preprocessing that turns an image into the model's input. */
    public synchronized Preprocessing preprocessing() {
        if (preprocessing == null) {
            preprocessing = preprocessingRule.apply(graph());
        }
        return preprocessing;
    }

    /** The session's interpreter (float32), made once; the session closes it. */
    public synchronized Interpreter interpreter() {
        checkOpen();
        if (interpreter == null) {
            interpreter = Interpreter.of(graph());
        }
        return interpreter;
    }

    /**
     * The session's forward pass for forward-only work (classification, activations, dataset
     * scans, features, occlusion); the session closes it. Gradients use {@link #interpreter()}.
     */
    public synchronized netviz.engine.Forward forward() {
        checkOpen();
        if (forward == null) {
            if (runtime.equals("torch")) {
                forward = interpreter();
            } else {
                try {
                    forward = netviz.ort.OrtForward.of(graph());
                } catch (netviz.UnsupportedOperatorException e) {
                    forward = new Fallback(interpreter(), e.getMessage()
                            + "; forward passes run on the libtorch interpreter", warnings);
                }
            }
        }
        return forward;
    }

    /**
     * The session's input gradients for saliency, SmoothGrad and integrated gradients; the session
     * closes them. With runtime {@code ort} (the default) and a model ONNX Runtime runs, an
     * {@link netviz.ort.OrtGradient}: a vector-Jacobian graph on ONNX Runtime for objectives linear in
     * what they read, the interpreter for anything else (one warning line when ONNX Runtime cannot
     * differentiate the graph); otherwise the interpreter. Rule-based methods (guided backprop,
     * deconvnet, Grad-CAM) use {@link #interpreter()}.
     */
    public synchronized netviz.engine.InputGradients gradients() {
        checkOpen();
        if (gradients == null) {
            netviz.engine.Forward f = forward();
            gradients = f instanceof netviz.ort.OrtForward ort
                    ? netviz.ort.OrtGradient.of(interpreter(), ort, warnings) : interpreter();
        }
        return gradients;
    }

    /**
     * The interpreter standing in for ONNX Runtime: says so once, when its first forward pass has
     * succeeded (a model that neither runtime can run ends in the interpreter's one error line alone).
     * Closing it leaves the interpreter to the session.
     */
    private static final class Fallback implements netviz.engine.Forward {
        private final Interpreter interpreter;
        private final String warning;
        private final Consumer<String> sink;
        private boolean warned;

        Fallback(Interpreter interpreter, String warning, Consumer<String> sink) {
            this.interpreter = interpreter;
            this.warning = warning;
            this.sink = sink;
        }

        private synchronized <T> T warnAfter(T result) {
            if (!warned) {
                warned = true;
                sink.accept(warning);
            }
            return result;
        }

        @Override
        public Graph graph() {
            return interpreter.graph();
        }

        @Override
        public String runtime() {
            return interpreter.runtime();
        }

        @Override
        public ai.djl.ndarray.NDManager newScope() {
            return interpreter.newScope();
        }

        @Override
        public String inputName() {
            return interpreter.inputName();
        }

        @Override
        public netviz.engine.Values forward(ai.djl.ndarray.NDManager scope, java.util.Map<String, ai.djl.ndarray.NDArray> inputs,
                                            java.util.Collection<String> taps) {
            return warnAfter(interpreter.forward(scope, inputs, taps));
        }

        @Override
        public netviz.engine.Values tensors(ai.djl.ndarray.NDManager scope, java.util.Map<String, ai.djl.ndarray.NDArray> inputs,
                                            java.util.Collection<String> taps) {
            return warnAfter(interpreter.tensors(scope, inputs, taps));
        }

        @Override
        public int fixedBatch() {
            return interpreter.fixedBatch();
        }

        @Override
        public void close() {
        }
    }

    /** A new interpreter with other options (e.g. float64); the caller closes it. */
    public Interpreter newInterpreter(Interpreter.Options options) {
        return Interpreter.of(graph(), options);
    }

    /** The summary of the presented graph: every node with its measured output shape, parameters and MACs. */
    public synchronized ModelSummary.Summary summary() {
        if (summary == null) {
            summary = ModelSummary.of(graph());
        }
        return summary;
    }

    /** The tensor whose values are the class scores (the logits when the model ends in a softmax). */
    public String scoreTensor() {
        return ScoreTensor.find(graph());
    }

    /**
     * The shape of {@code tensor} (a layer or tensor name, as {@link Graph#resolveTensor} accepts)
     * for one preprocessed image: from the summary when it could measure shapes, else from one forward
     * pass on an input of the preprocessing's size.
     */
    public long[] shapeOf(String tensor) {
        String t = graph().resolveTensor(tensor);
        ModelSummary.Summary s = summary();
        if (s.shapesMeasured()) {
            long[] in = s.inputShapes().values().stream().findFirst().orElse(null);
            if (in != null && in.length > 0 && in[0] == 1) {
                for (ModelSummary.Layer l : s.layers()) {
                    int i = l.outputs().indexOf(t);
                    if (i >= 0 && l.outputShapes().get(i) != null) {
                        return l.outputShapes().get(i).clone();
                    }
                }
                for (Map.Entry<String, long[]> e : s.inputShapes().entrySet()) {
                    if (e.getKey().equals(t)) {
                        return e.getValue().clone();
                    }
                }
            }
        }
        return measure(t);
    }

    private long[] measure(String tensor) {
        Interpreter it = interpreter();
        Preprocessing p = preprocessing();
        long[] declared = graph().inputs().get(0).hasShape() ? graph().inputs().get(0).dims() : new long[4];
        long side = p.crop() > 0 ? p.crop() : p.size();
        long[] in = new long[] {1, p.channels() > 0 ? p.channels() : 3, side, side};
        for (int i = 1; i < Math.min(4, declared.length); i++) {
            if (declared[i] > 0) {
                in[i] = declared[i];
            }
        }
        try (NDManager scope = it.newScope()) {
            NDArray x = scope.zeros(new Shape(in));
            return it.tensors(scope, Map.of(it.inputName(), x), List.of(tensor)).get(tensor).getShape().getShape();
        }
    }

    /** How many classes the model scores: the size of {@link #scoreTensor()} for one image. */
    public synchronized int classCount() {
        if (classCount == null) {
            long[] s = shapeOf(scoreTensor());
            long n = 1;
            for (int i = 1; i < s.length; i++) {
                n *= s[i];
            }
            if (s.length < 2 || n < 1 || n > Integer.MAX_VALUE) {
                throw new ShapeMismatchException("the model's scores '" + scoreTensor() + "' have shape "
                        + Arrays.toString(s) + " for one image; netviz explains classifiers with scores (N, K)");
            }
            classCount = (int) n;
        }
        return classCount;
    }

    /**
     * The class names: the user's file, else the model's metadata, else ImageNet's for 1000 classes,
     * else the class indices; checked against {@link #classCount()}.
     */
    public synchronized Labels labels() {
        if (labels == null) {
            labels = Labels.forModel(labelsFile, config(), classCount());
        }
        return labels;
    }

    /** Whether the classes have names (not only indices). */
    public boolean hasClassNames() {
        return labelsFile != null || config().labels().isPresent() || classCount() == 1000;
    }

    /** "3 Dress", or "3" when the classes have no names. */
    public String className(int k) {
        List<String> names = labels().names();
        return hasClassNames() && k >= 0 && k < names.size() ? k + " " + names.get(k) : Integer.toString(k);
    }

    /**
     * The dataset, opened once with the session's preprocessing; a labelled dataset whose class names
     * are the model's is renumbered to the model's order.
     */
    public synchronized Dataset dataset() {
        if (dataset == null) {
            Dataset d = Datasets.open(data, preprocessing());
            if (alignDataset && d.labeled() && config().labels().isPresent()) {
                try {
                    d = Datasets.alignTo(d, labels());
                } catch (NetvizException e) {
                    // the dataset's classes are not the model's: it keeps its own labels
                }
            }
            dataset = d;
        }
        return dataset;
    }

    /** Dataset image {@code index} as the model sees it (un-normalised picture, true class when labelled). */
    public Picture datasetPicture(int index) {
        Dataset d = dataset();
        if (index < 0 || index >= d.size()) {
            throw new netviz.OutOfRangeException("dataset image " + index + " does not exist: the dataset "
                    + d.description() + " has images 0 to " + (d.size() - 1));
        }
        netviz.data.Batch b = d.get(index);
        long[] shape = {1, b.channels(), b.height(), b.width()};
        return new Picture("dataset:" + index, b.images(), shape, preprocessing().toImage(b.image(0)),
                b.hasLabels() ? b.label(0) : -1);
    }

    /** The image file {@code file} preprocessed for the model (a one-line error for a file that is not an image). */
    public Picture picture(Path file) {
        netviz.image.ImageInput in = netviz.image.ImageInput.load(file, preprocessing());
        return new Picture(in.id(), in.data(), in.shape(), in.inputImage(), -1);
    }

    /** An image already decoded, preprocessed for the model, under the name {@code id}. */
    public Picture picture(java.awt.image.BufferedImage image, String id) {
        netviz.image.ImageInput in = netviz.image.ImageInput.of(image, preprocessing(), id);
        return new Picture(id, in.data(), in.shape(), in.inputImage(), -1);
    }

    /** The SHA-256 of the model file (hex), to key caches by model. */
    public synchronized String modelHash() {
        if (modelHash == null) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(modelPath),
                    MessageDigest.getInstance("SHA-256"))) {
                byte[] buf = new byte[1 << 16];
                DigestInputStream d = (DigestInputStream) in;
                while (d.read(buf) >= 0) {
                    // digest as it reads
                }
                modelHash = HexFormat.of().formatHex(d.getMessageDigest().digest());
            } catch (IOException e) {
                throw new NetvizException("cannot read model '" + modelPath + "': " + e.getMessage(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return modelHash;
    }

    /** The dataset's features at any layer, computed once and kept (see {@link FeatureCache}). */
    public synchronized FeatureCache features() {
        if (features == null) {
            features = new FeatureCache(this, featureCacheDir);
        }
        return features;
    }

    /**
     * The dataset scan given to the builder, opened once and checked against this model (empty when
     * none was given): figures that pass over the dataset take its results instead.
     */
    public synchronized java.util.Optional<DatasetScan> scan() {
        checkOpen();
        if (scan == null && scanDir != null) {
            scan = DatasetScan.open(scanDir, this);
        }
        return java.util.Optional.ofNullable(scan);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the session on '" + modelPath + "' is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (gradients instanceof netviz.ort.OrtGradient o) {
            o.close();
        }
        gradients = null;
        if (forward != null && forward != interpreter) {
            forward.close();
        }
        forward = null;
        scan = null;
        if (interpreter != null) {
            interpreter.close();
            interpreter = null;
        }
    }
}
