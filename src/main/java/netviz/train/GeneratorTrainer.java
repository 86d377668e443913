package netviz.train;

import netviz.Progress;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.engine.Engines;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Objective;
import netviz.engine.OwnedArrays;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.generative.GeneratorModel;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;

/**
 * Trains the image generator G of DGN-AM ({@link GeneratorNet}) to invert a frozen classifier's
 * hidden layer, after Nguyen et al. 2016 ("Synthesizing the preferred inputs for neurons in
 * neural networks via deep generator networks", NIPS 2016) and the generator training of
 * Dosovitskiy &amp; Brox 2016 ("Generating Images with Perceptual Similarity Metrics based on Deep
 * Networks", NIPS 2016). For a training image x with code h = E(x) (the classifier's features at
 * the code layer, default the input of its last fully connected layer) the loss is
 * <pre>
 * L = λ_img · mean((G(h) − x)²)                                  pixels in [0,1]
 *   + λ_code · mean((E(G(h)) − h)²) / mean(h²)                     code-layer feature loss
 *   + λ_feat · mean((C(G(h)) − C(x))²) / mean(C(x)²)               earlier conv-layer feature loss
 * </pre>
 * where C is an earlier convolutional feature map of the classifier (default: the last 4-D
 * tensor before the code layer) and each feature loss is divided by the mean square of the real
 * features (measured once on the first batch) so that the weights do not depend on the layers'
 * scales. The classifier stays frozen: it runs in netviz's {@link Interpreter}, which gives
 * ∂(feature loss)/∂G(h) by autograd; that gradient g is chained into G's DJL graph through the
 * surrogate {@code sum(G(h) · stop_gradient(g))}, whose gradient wrt G's parameters is exactly
 * the feature loss's. No adversarial term: with a 28×28 grey classifier and a CPU budget of
 * minutes, the pixel and feature losses already give sharp garment-like images (the paper's
 * adversarial term mainly sharpens natural-image texture at 227×227).
 *
 * <p>Optimiser: Adam (lr 1e-3 → 1e-5 along a cosine), mini-batches of 64, examples shuffled by a
 * {@link Random} seeded with the seed, which also seeds PyTorch (initialisation). Before training,
 * one pass over the training images computes every code; its per-dimension min, max, mean, std
 * and 1st/99th percentiles go into the exported G's metadata ({@link GeneratorModel}) so that
 * DGN-AM can keep h within the range seen on real data.
 */
public final class GeneratorTrainer {
    /** Where the bundled generator lives in the source tree. */
    public static final Path DEFAULT_OUTPUT = Path.of("models/fashion-mnist-generator.onnx");
    static final float FINAL_LR_FRACTION = 0.01f;
    static final int EVAL_BATCH = 500;

    /**
     * How to train.
     *
     * @param classifier the ONNX classifier file (grey 28×28 input)
     * @param layer the code layer (null: the input of the last Gemm/MatMul)
     * @param featureLayer the earlier feature layer of the feature loss (null: the last 4-D tensor
     *     before the code layer; "none": no such term)
     * @param epochs passes over the training images
     * @param batchSize examples per step
     * @param learningRate Adam's initial step size
     * @param imageWeight λ_img
     * @param codeWeight λ_code
     * @param featureWeight λ_feat
     * @param seed seeds PyTorch and the shuffling
     * @param dataDir directory with the IDX files (train-* for training, t10k-* for evaluation)
     * @param limit first training images only (0 = all)
     * @param testLimit first test images only (0 = all)
     * @param output where G is written (null: not written)
     * @param progress told of every batch: the codes pass, then one stage per epoch with the running losses
     */
    public record Options(Path classifier, String layer, String featureLayer, int epochs, int batchSize,
                          float learningRate, float imageWeight, float codeWeight, float featureWeight, int seed,
                          Path dataDir, int limit, int testLimit, Path output, Progress progress) {
        public Options {
            if (classifier == null) {
                throw new NetvizException("no classifier model given");
            }
            if (epochs < 1) {
                throw new NetvizException("epochs must be at least 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new NetvizException("batch size must be at least 1, got " + batchSize);
            }
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new NetvizException("learning rate must be a positive number, got " + learningRate);
            }
            if (!(imageWeight >= 0) || !(codeWeight >= 0) || !(featureWeight >= 0)
                    || imageWeight + codeWeight + featureWeight == 0) {
                throw new NetvizException("loss weights must be 0 or more and not all 0");
            }
            if (limit < 0 || testLimit < 0) {
                throw new NetvizException("image limits must be 0 (all) or positive");
            }
            if (dataDir == null) {
                throw new NetvizException("no Fashion-MNIST data directory given");
            }
        }

        /** The bundled classifier, default layers, 2 epochs, batch 64, lr 1e-3, λ = (1, 0.1, 0.1), seed 42. */
        public static Options defaults(Path classifier) {
            return new Options(classifier, null, null, 2, 64, 1e-3f, 1f, 0.1f, 0.1f, 42,
                    FashionMnistTrainer.DEFAULT_DATA, 0, 0, DEFAULT_OUTPUT, Progress.NONE);
        }

        public Options withLayer(String v) {
            return new Options(classifier, v, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withFeatureLayer(String v) {
            return new Options(classifier, layer, v, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withEpochs(int v) {
            return new Options(classifier, layer, featureLayer, v, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withBatchSize(int v) {
            return new Options(classifier, layer, featureLayer, epochs, v, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withLearningRate(float v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, v, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withWeights(float image, float code, float feature) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, image, code, feature,
                    seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withSeed(int v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, v, dataDir, limit, testLimit, output, progress);
        }

        public Options withDataDir(Path v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, v, limit, testLimit, output, progress);
        }

        public Options withLimit(int v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, v, testLimit, output, progress);
        }

        public Options withTestLimit(int v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, v, output, progress);
        }

        public Options withOutput(Path v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, v, progress);
        }

        public Options withProgress(Progress v) {
            return new Options(classifier, layer, featureLayer, epochs, batchSize, learningRate, imageWeight, codeWeight,
                    featureWeight, seed, dataDir, limit, testLimit, output, v);
        }
    }

    /** One epoch: mean total loss and its parts over the epoch's batches, held-out pixel MSE after it. */
    public record Epoch(int epoch, double loss, double imageLoss, double codeLoss, double featureLoss, double testMse,
                        double seconds) {
    }

    /**
     * The outcome.
     *
     * @param graph the exported generator
     * @param output where it was written (null when not)
     * @param codeLayer the code layer
     * @param featureLayer the earlier feature layer (null when none)
     * @param codeSize D
     * @param epochs per-epoch statistics
     * @param steps losses of every step, in order (for tests and plots)
     * @param testMse mean squared error in [0,1] pixels of G(E(x)) vs x over the test images scored
     * @param seconds wall time from reading the data to writing G
     * @param cpuSeconds process CPU time meanwhile
     */
    public record Result(Graph graph, Path output, String codeLayer, String featureLayer, int codeSize,
                         List<Epoch> epochs, double[] steps, double testMse, int trainImages, int testImages,
                         double seconds, double cpuSeconds) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Trains, evaluates and exports as {@code o} says. */
    public Result train(Options o) {
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        Graph classifier = OnnxLoader.load(o.classifier());
        String file = o.classifier().getFileName().toString();
        String codeLayer = GeneratorModel.codeLayer(classifier, o.layer(), file);
        ValueInfo in = classifier.inputs().get(0);
        long[] dims = in.dims();
        if (classifier.inputs().size() != 1 || dims.length != 4 || dims[1] != 1 || dims[2] != FashionMnistSplit.SIDE
                || dims[3] != FashionMnistSplit.SIDE) {
            throw new ShapeMismatchException("the generator trainer learns from 28x28 grey IDX images, so the classifier"
                    + " must take one [N,1,28,28] input; '" + file + "' takes " + in.shapeString());
        }
        Preprocessing pre = ModelConfig.of(classifier).resolvePreprocessing(null, classifier);
        float mean = pre.mean().length == 0 ? 0f : pre.mean()[0];
        float std = pre.std().length == 0 ? 1f : pre.std()[0];
        FashionMnistSplit train = FashionMnistSplit.train(o.dataDir()).limit(o.limit());
        FashionMnistSplit test = FashionMnistSplit.test(o.dataDir()).limit(o.testLimit());

        Engines.pytorch().setRandomSeed(o.seed());
        Random random = new Random(o.seed());
        try (Interpreter net = Interpreter.of(classifier)) {
            String featureLayer = featureLayer(net, codeLayer, o.featureLayer(), o.featureWeight());
            int codeSize = codeSize(net, codeLayer);
            float[] codes = codes(net, train, codeLayer, codeSize, mean, std, o.progress());
            CodeStats stats = CodeStats.of(codes, train.count(), codeSize);
            GeneratorNet gen = new GeneratorNet(codeSize, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE);
            List<Epoch> epochs = new ArrayList<>();
            List<Double> steps = new ArrayList<>();
            try (Model model = Model.newInstance("dgn-generator", Device.cpu(), "PyTorch")) {
                model.setBlock(gen.block());
                int batches = (train.count() + o.batchSize() - 1) / o.batchSize();
                Tracker schedule = Tracker.cosine().setBaseValue(o.learningRate())
                        .optFinalValue(o.learningRate() * FINAL_LR_FRACTION).setMaxUpdates(o.epochs() * batches).build();
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).build())
                        .optDevices(new Device[] {Device.cpu()});
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(gen.inputShape(1));
                    int[] order = new int[train.count()];
                    for (int i = 0; i < order.length; i++) {
                        order[i] = i;
                    }
                    Scales scales = null;
                    for (int e = 1; e <= o.epochs(); e++) {
                        shuffle(order, random);
                        if (scales == null) {
                            scales = scales(net, train, order, codes, codeSize, codeLayer, featureLayer, mean, std,
                                    o.batchSize());
                        }
                        epochs.add(epoch(trainer, net, train, test, codes, codeSize, order, e, o, codeLayer, featureLayer,
                                scales, mean, std, steps::add));
                    }
                    double testMse = epochs.get(epochs.size() - 1).testMse();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put(GeneratorModel.META_GENERATOR, describe(o, file, codeLayer, featureLayer, codeSize, epochs,
                            testMse, train.count(), test.count(), seconds, cpuSeconds, gen));
                    meta.put(GeneratorModel.META_CODE_RANGE, GeneratorModel.codeRangeJson(stats.min, stats.max,
                            stats.mean, stats.std, stats.p01, stats.p99));
                    meta.put(ModelConfig.PREPROCESSING_KEY, pre.toJson());
                    Graph graph = gen.toGraph(pre.mean(), pre.std(), meta);
                    if (o.output() != null) {
                        OnnxWriter.write(graph, o.output());
                    }
                    return new Result(graph, o.output(), codeLayer, featureLayer, codeSize, List.copyOf(epochs),
                            steps.stream().mapToDouble(Double::doubleValue).toArray(), testMse, train.count(),
                            test.count(), (System.nanoTime() - start) / 1e9, cpuSeconds);
                }
            }
        }
    }

    /** Per-dimension statistics of the codes. */
    record CodeStats(float[] min, float[] max, float[] mean, float[] std, float[] p01, float[] p99) {
        static CodeStats of(float[] codes, int n, int d) {
            float[] min = new float[d];
            float[] max = new float[d];
            float[] mean = new float[d];
            float[] std = new float[d];
            float[] p01 = new float[d];
            float[] p99 = new float[d];
            float[] col = new float[n];
            for (int j = 0; j < d; j++) {
                double s = 0;
                double s2 = 0;
                for (int i = 0; i < n; i++) {
                    float v = codes[i * d + j];
                    col[i] = v;
                    s += v;
                    s2 += (double) v * v;
                }
                Arrays.sort(col);
                min[j] = col[0];
                max[j] = col[n - 1];
                mean[j] = (float) (s / n);
                std[j] = (float) Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
                p01[j] = col[(int) Math.floor(0.01 * (n - 1))];
                p99[j] = col[(int) Math.ceil(0.99 * (n - 1))];
            }
            return new CodeStats(min, max, mean, std, p01, p99);
        }
    }

    /** The mean squares of the real features that normalise the two feature losses. */
    record Scales(double code, double feature) {
    }

    static int codeSize(Interpreter net, String codeLayer) {
        try (NDManager scope = net.newScope()) {
            NDArray x = scope.zeros(new Shape(1, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
            long size = net.tensors(scope, Map.of(net.inputName(), x), List.of(codeLayer)).get(codeLayer).size();
            return Math.toIntExact(size);
        }
    }

    /** The feature-loss layer: the named one, none, or the last 4-D tensor computed before the code layer. */
    static String featureLayer(Interpreter net, String codeLayer, String requested, float weight) {
        Graph g = net.graph();
        if (weight == 0 || "none".equals(requested)) {
            return null;
        }
        if (requested != null) {
            return g.resolveTensor(requested);
        }
        int codeIndex = g.producerIndex(codeLayer);
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < codeIndex; i++) {
            Node n = g.nodes().get(i);
            if (!n.outputs().isEmpty()) {
                candidates.add(n.outputs().get(0));
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        try (NDManager scope = net.newScope()) {
            NDArray x = scope.zeros(new Shape(1, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
            Values v = net.tensors(scope, Map.of(net.inputName(), x), candidates);
            for (int i = candidates.size() - 1; i >= 0; i--) {
                if (v.get(candidates.get(i)).getShape().dimension() == 4) {
                    return candidates.get(i);
                }
            }
        }
        return null;
    }

    /** Every training image's code, row after row. */
    static float[] codes(Interpreter net, FashionMnistSplit split, String codeLayer, int codeSize, float mean,
                         float std, Progress progress) {
        int n = split.count();
        float[] out = new float[n * codeSize];
        float[] buf = new float[EVAL_BATCH * FashionMnistSplit.PIXELS];
        int[] id = identity(n);
        Progress bar = Progress.orNone(progress);
        int batches = (n + EVAL_BATCH - 1) / EVAL_BATCH;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int size = Math.min(EVAL_BATCH, n - from);
            split.normalised(id, from, size, mean, std, buf);
            try (NDManager scope = net.newScope()) {
                NDArray x = scope.create(FloatBuffer.wrap(buf, 0, size * FashionMnistSplit.PIXELS),
                        new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                float[] h = net.tensors(scope, Map.of(net.inputName(), x), List.of(codeLayer)).get(codeLayer)
                        .toFloatArray();
                System.arraycopy(h, 0, out, from * codeSize, size * codeSize);
            }
            bar.update("codes", from / EVAL_BATCH + 1, batches);
            bar.checkCancelled();
        }
        return out;
    }

    private static Scales scales(Interpreter net, FashionMnistSplit train, int[] order, float[] codes, int codeSize,
                                 String codeLayer, String featureLayer, float mean, float std, int batchSize) {
        int size = Math.min(Math.max(batchSize, 256), train.count());
        double code = 0;
        for (int k = 0; k < size; k++) {
            for (int j = 0; j < codeSize; j++) {
                double v = codes[order[k] * codeSize + j];
                code += v * v;
            }
        }
        code /= (double) size * codeSize;
        double feature = 1;
        if (featureLayer != null) {
            float[] buf = new float[size * FashionMnistSplit.PIXELS];
            train.normalised(order, 0, size, mean, std, buf);
            try (NDManager scope = net.newScope()) {
                NDArray x = scope.create(buf, new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                NDArray f = net.tensors(scope, Map.of(net.inputName(), x), List.of(featureLayer)).get(featureLayer);
                feature = f.square().mean().getFloat();
            }
        }
        return new Scales(Math.max(code, 1e-12), Math.max(feature, 1e-12));
    }

    private static Epoch epoch(Trainer trainer, Interpreter net, FashionMnistSplit train, FashionMnistSplit test,
                               float[] codes, int codeSize, int[] order, int e, Options o, String codeLayer,
                               String featureLayer, Scales scales, float mean, float std, Consumer<Double> stepLoss) {
        long t0 = System.nanoTime();
        int n = train.count();
        int batches = (n + o.batchSize() - 1) / o.batchSize();
        float[] buf = new float[o.batchSize() * FashionMnistSplit.PIXELS];
        float[] hBuf = new float[o.batchSize() * codeSize];
        double[] sums = new double[4];
        int seen = 0;
        Progress bar = Progress.orNone(o.progress());
        String stage = String.format("epoch %d/%d", e, o.epochs());
        for (int b = 0; b < batches; b++) {
            int from = b * o.batchSize();
            int size = Math.min(o.batchSize(), n - from);
            train.normalised(order, from, size, mean, std, buf);
            for (int k = 0; k < size; k++) {
                System.arraycopy(codes, order[from + k] * codeSize, hBuf, k * codeSize, codeSize);
            }
            double[] parts = step(trainer, net, buf, hBuf, size, codeSize, o, codeLayer, featureLayer, scales, mean,
                    std);
            if (netviz.methods.Finite.firstNonFinite(parts) >= 0) {
                throw netviz.methods.Finite.result("generator training became non-finite at epoch " + e + ", batch "
                        + (b + 1) + " of " + batches + " (loss " + netviz.methods.Finite.name(parts[0]) + ", image "
                        + netviz.methods.Finite.name(parts[1]) + ", code " + netviz.methods.Finite.name(parts[2])
                        + ", feature " + netviz.methods.Finite.name(parts[3]) + "); nothing was written");
            }
            for (int k = 0; k < 4; k++) {
                sums[k] += parts[k] * size;
            }
            seen += size;
            stepLoss.accept(parts[0]);
            bar.update(stage + Progress.DETAIL + String.format("loss %.4f img %.4f code %.3f feat %.3f",
                    sums[0] / seen, sums[1] / seen, sums[2] / seen, sums[3] / seen), b + 1, batches);
            bar.checkCancelled();
        }
        double testMse = testMse(trainer, net, test, codeLayer, codeSize, mean, std);
        bar.update(stage + Progress.DETAIL + String.format("loss %.4f img %.4f code %.3f feat %.3f test mse %.4f",
                sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, testMse), batches, batches);
        return new Epoch(e, sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, testMse,
                (System.nanoTime() - t0) / 1e9);
    }

    /** One Adam step on a batch; returns {total, image, code, feature} losses (unweighted parts). */
    static double[] step(Trainer trainer, Interpreter net, float[] xBuf, float[] hBuf, int size, int codeSize,
                         Options o, String codeLayer, String featureLayer, Scales scales, float mean, float std) {
        Shape imageShape = new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE);
        try (NDManager scope = net.newScope()) {
            NDArray x = scope.create(FloatBuffer.wrap(xBuf, 0, size * FashionMnistSplit.PIXELS), imageShape);
            NDArray h = scope.create(FloatBuffer.wrap(hBuf, 0, size * codeSize), new Shape(size, codeSize));
            NDArray realFeature = null;
            if (featureLayer != null && o.featureWeight() > 0) {
                realFeature = net.tensors(scope, Map.of(net.inputName(), x), List.of(featureLayer)).get(featureLayer);
            }
            NDArray pixels = x.mul(std).add(mean);
            final NDArray target = realFeature;
            Objective features = Objective.of("generator feature loss", featureLayer == null || target == null
                    ? Set.of(codeLayer) : Set.of(codeLayer, featureLayer), v -> {
                        // factors in libtorch-owned memory: autograd saves them (see OwnedArrays)
                        NDArray code = v.get(codeLayer).reshape(size, codeSize).sub(h).square().mean();
                        NDArray c = code.mul(OwnedArrays.scalar(code, o.codeWeight() / scales.code()));
                        if (target != null) {
                            NDArray f = v.get(featureLayer).sub(target).square().mean();
                            c = c.add(f.mul(OwnedArrays.scalar(f, o.featureWeight() / scales.feature())));
                        }
                        return c;
                    });
            double imageLoss;
            double codeLoss;
            double featureLoss;
            double total;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray generated = trainer.forward(new NDList(h)).singletonOrThrow();
                // no Java numbers under the collector: both scalars in libtorch-owned memory (see OwnedArrays)
                NDArray image = generated.sub(OwnedArrays.scalar(generated, mean)).div(OwnedArrays.scalar(generated, std));
                NDArray img = generated.sub(pixels).square().mean();
                Gradients g = net.gradient(scope, Map.of(net.inputName(), image), features, List.of(net.inputName()));
                NDArray dx = g.wrt(net.inputName()).stopGradient();
                NDArray surrogate = img.mul(OwnedArrays.scalar(img, o.imageWeight())).add(image.mul(dx).sum());
                gc.backward(surrogate);
                imageLoss = img.getFloat();
                total = o.imageWeight() * imageLoss + g.objective();
                Values fwd = g.forward();
                codeLoss = fwd.get(codeLayer).reshape(size, codeSize).sub(h).square().mean().getFloat() / scales.code();
                featureLoss = target == null ? 0
                        : fwd.get(featureLayer).sub(target).square().mean().getFloat() / scales.feature();
            }
            trainer.step();
            return new double[] {total, imageLoss, codeLoss, featureLoss};
        }
    }

    /** Mean squared error in [0,1] pixels of G(E(x)) against x over a split. */
    static double testMse(Trainer trainer, Interpreter net, FashionMnistSplit test, String codeLayer, int codeSize,
                          float mean, float std) {
        int n = test.count();
        float[] buf = new float[EVAL_BATCH * FashionMnistSplit.PIXELS];
        int[] id = identity(n);
        double sum = 0;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int size = Math.min(EVAL_BATCH, n - from);
            test.normalised(id, from, size, mean, std, buf);
            try (NDManager scope = net.newScope()) {
                NDArray x = scope.create(FloatBuffer.wrap(buf, 0, size * FashionMnistSplit.PIXELS),
                        new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                NDArray h = net.tensors(scope, Map.of(net.inputName(), x), List.of(codeLayer)).get(codeLayer)
                        .reshape(size, codeSize);
                NDArray p = trainer.evaluate(new NDList(h)).singletonOrThrow();
                sum += p.sub(x.mul(std).add(mean)).square().sum().getFloat();
            }
        }
        return sum / ((double) n * FashionMnistSplit.PIXELS);
    }

    private static String describe(Options o, String file, String codeLayer, String featureLayer, int codeSize,
                                   List<Epoch> epochs, double testMse, int trainImages, int testImages, double seconds,
                                   double cpuSeconds, GeneratorNet gen) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("classifier", file);
        d.put("classifier_sha256", GeneratorModel.sha256(o.classifier()));
        d.put("code_layer", codeLayer);
        d.put("code_size", codeSize);
        d.put("image_shape", List.of(1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
        d.put("output", "normalised classifier input (sigmoid pixels in [0,1], then (p - mean) / std)");
        d.put("feature_layer", featureLayer);
        d.put("loss", Map.of("image", o.imageWeight(), "code", o.codeWeight(), "feature", o.featureWeight(),
                "adversarial", 0));
        d.put("architecture", "fc(" + codeSize + "->64x7x7)-relu-up2-conv3x3(32)-relu-up2-conv3x3(8)-relu-conv3x3(1)"
                + "-sigmoid-normalise");
        d.put("parameters", gen.parameterCount());
        d.put("framework", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch " + Engines.pytorch().getVersion());
        d.put("train_images", trainImages);
        d.put("test_images", testImages);
        d.put("epochs", o.epochs());
        d.put("batch_size", o.batchSize());
        d.put("optimizer", "adam");
        d.put("learning_rate", o.learningRate());
        d.put("schedule", "cosine to " + FINAL_LR_FRACTION + " x learning_rate");
        d.put("seed", o.seed());
        d.put("test_mse", Math.round(testMse * 1e6) / 1e6);
        List<Map<String, Object>> per = new ArrayList<>();
        for (Epoch e : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("loss", Math.round(e.loss() * 1e5) / 1e5);
            m.put("test_mse", Math.round(e.testMse() * 1e6) / 1e6);
            m.put("seconds", Math.round(e.seconds() * 10) / 10.0);
            per.add(m);
        }
        d.put("per_epoch", per);
        d.put("train_seconds", Math.round(seconds * 10) / 10.0);
        d.put("cpu_seconds", Math.round(cpuSeconds * 10) / 10.0);
        d.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        d.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        try {
            return JSON.writeValueAsString(d);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }
}
