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
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.NetvizException;
import netviz.engine.Engines;
import netviz.engine.Graph;
import netviz.onnx.OnnxWriter;

/**
 * Trains the demo classifier ({@link FashionMnistCnn}) on the Fashion-MNIST training split with
 * DJL's PyTorch engine on the CPU and exports it to ONNX with netviz's own writer.
 *
 * <p>Training minimises the mean softmax cross-entropy {@code -log softmax(f(x))_y} over
 * mini-batches with Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR
 * 2015; β1 = 0.9, β2 = 0.999) whose step size follows a cosine decay from
 * {@link Options#learningRate()} to 1/100 of it over the run,
 * {@code lr_t = lr_end + (lr - lr_end) (1 + cos(π t / T)) / 2} (Loshchilov &amp; Hutter, "SGDR",
 * ICLR 2017), the examples shuffled each epoch by a {@link Random} seeded with
 * {@link Options#seed()}, which also seeds PyTorch (parameter initialisation and dropout). Inputs
 * are normalised as {@code (p/255 - mean) / std} with the mean and standard deviation of the
 * training pixels, which the exported model records in its metadata.
 *
 * <p>The exported model carries three metadata_props: {@value #META_LABELS} (JSON array of the
 * ten class names), {@value #META_PREPROCESSING} (JSON object
 * {@code {"preset":"fashion-mnist","size":28,"crop":28,"channels":1,"mean":[m],"std":[s]}}) and
 * {@value #META_TRAINING} (JSON object describing the run: epochs, seed, test accuracy, date...).
 */
public final class FashionMnistTrainer {
    /** metadata_props key of the class names (a JSON array of strings). */
    public static final String META_LABELS = "netviz.labels";
    /** metadata_props key of the preprocessing (a JSON object). */
    public static final String META_PREPROCESSING = "netviz.preprocessing";
    /** metadata_props key describing the training run (a JSON object). */
    public static final String META_TRAINING = "netviz.training";
    /** Where Debian's dataset-fashion-mnist package installs the data. */
    public static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    /** Where the bundled model lives in the source tree. */
    public static final Path DEFAULT_OUTPUT = Path.of("models/fashion-mnist-cnn.onnx");
    /** The learning rate decays to this fraction of its starting value by the last step. */
    static final float FINAL_LR_FRACTION = 0.01f;
    /** Test images scored at a time. */
    static final int EVAL_BATCH = 500;
    /** How many test images' logits are kept in {@link Result#checkLogits()}. */
    static final int CHECK_IMAGES = 32;

    /**
     * How to train.
     *
     * @param epochs passes over the training images (≥ 1)
     * @param batchSize examples per Adam step (≥ 1)
     * @param learningRate Adam's step size (&gt; 0)
     * @param seed seeds PyTorch and the shuffling
     * @param dataDir directory holding {@code train-*} and {@code t10k-*} IDX files
     * @param limit train on the first {@code limit} training images only (0 = all), for short runs
     * @param testLimit score the first {@code testLimit} test images only (0 = all)
     * @param output where the ONNX model is written (null = not written)
     * @param progress told of every batch, one stage per epoch ("epoch 3/8"), with the running loss and accuracy
     */
    public record Options(int epochs, int batchSize, float learningRate, int seed, Path dataDir, int limit,
                          int testLimit, Path output, Progress progress) {
        public Options {
            if (epochs < 1) {
                throw new NetvizException("epochs must be at least 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new NetvizException("batch size must be at least 1, got " + batchSize);
            }
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new NetvizException("learning rate must be a positive number, got " + learningRate);
            }
            if (limit < 0 || testLimit < 0) {
                throw new NetvizException("image limits must be 0 (all) or positive, got " + Math.min(limit, testLimit));
            }
            if (dataDir == null) {
                throw new NetvizException("no Fashion-MNIST data directory given");
            }
        }

        /** 8 epochs, batch 128, Adam with learning rate 1e-3, seed 42, all data, the bundled model path. */
        public static Options defaults() {
            return new Options(8, 128, 1e-3f, 42, DEFAULT_DATA, 0, 0, DEFAULT_OUTPUT, Progress.NONE);
        }

        public Options withEpochs(int v) {
            return new Options(v, batchSize, learningRate, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withBatchSize(int v) {
            return new Options(epochs, v, learningRate, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withLearningRate(float v) {
            return new Options(epochs, batchSize, v, seed, dataDir, limit, testLimit, output, progress);
        }

        public Options withSeed(int v) {
            return new Options(epochs, batchSize, learningRate, v, dataDir, limit, testLimit, output, progress);
        }

        public Options withDataDir(Path v) {
            return new Options(epochs, batchSize, learningRate, seed, v, limit, testLimit, output, progress);
        }

        public Options withLimit(int v) {
            return new Options(epochs, batchSize, learningRate, seed, dataDir, v, testLimit, output, progress);
        }

        public Options withTestLimit(int v) {
            return new Options(epochs, batchSize, learningRate, seed, dataDir, limit, v, output, progress);
        }

        public Options withOutput(Path v) {
            return new Options(epochs, batchSize, learningRate, seed, dataDir, limit, testLimit, v, progress);
        }

        public Options withProgress(Progress v) {
            return new Options(epochs, batchSize, learningRate, seed, dataDir, limit, testLimit, output, v);
        }
    }

    /**
     * What one epoch did.
     *
     * @param loss mean training cross-entropy over the epoch's batches (dropout on)
     * @param trainAccuracy fraction of training examples classified right during the epoch
     * @param testAccuracy fraction of test images classified right after the epoch
     * @param seconds wall time of the epoch, scoring included
     */
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy, double seconds) {
    }

    /**
     * The outcome of a run.
     *
     * @param graph the exported model
     * @param output where it was written (null when not written)
     * @param mean the normalisation mean of pixels in [0,1]
     * @param std the normalisation standard deviation
     * @param epochs per-epoch statistics
     * @param testAccuracy accuracy of the final model on the test images scored (DJL's forward)
     * @param trainImages training images used
     * @param testImages test images scored
     * @param seconds wall time from reading the data to writing the model
     * @param cpuSeconds CPU time the process spent meanwhile, all threads (0 where unknown)
     * @param checkLogits DJL's logits (inference mode) for the first test images, row by row, to
     *     check the export against
     */
    public record Result(Graph graph, Path output, float mean, float std, List<Epoch> epochs, double testAccuracy,
                         int trainImages, int testImages, double seconds, double cpuSeconds, float[][] checkLogits) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Trains, scores and exports as {@code options} say. */
    public Result train(Options o) {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        FashionMnistSplit train = FashionMnistSplit.train(o.dataDir()).limit(o.limit());
        FashionMnistSplit test = FashionMnistSplit.test(o.dataDir()).limit(o.testLimit());
        double[] ms = train.pixelMeanStd();
        float mean = (float) ms[0];
        float std = (float) ms[1];

        Engines.pytorch().setRandomSeed(o.seed());
        Random random = new Random(o.seed());
        FashionMnistCnn net = new FashionMnistCnn();
        List<Epoch> epochs = new ArrayList<>();
        try (Model model = Model.newInstance("fashion-mnist-cnn", Device.cpu(), "PyTorch")) {
            model.setBlock(net.block());
            int steps = o.epochs() * ((train.count() + o.batchSize() - 1) / o.batchSize());
            Tracker schedule = Tracker.cosine().setBaseValue(o.learningRate())
                    .optFinalValue(o.learningRate() * FINAL_LR_FRACTION).setMaxUpdates(steps).build();
            Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(adam).optDevices(new Device[] {Device.cpu()})
                    .optInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                            XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                int[] order = new int[train.count()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                for (int e = 1; e <= o.epochs(); e++) {
                    shuffle(order, random);
                    epochs.add(epoch(trainer, train, test, order, e, o, mean, std));
                }
                float[][] check = logits(trainer, test, Math.min(CHECK_IMAGES, test.count()), mean, std);
                double accuracy = epochs.get(epochs.size() - 1).testAccuracy();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
                Graph graph = net.toGraph(metadata(o, mean, std, accuracy, train.count(), test.count(), seconds,
                        cpuSeconds));
                if (o.output() != null) {
                    OnnxWriter.write(graph, o.output());
                }
                seconds = (System.nanoTime() - start) / 1e9;
                return new Result(graph, o.output(), mean, std, List.copyOf(epochs), accuracy, train.count(),
                        test.count(), seconds, cpuSeconds, check);
            }
        }
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static Epoch epoch(Trainer trainer, FashionMnistSplit train, FashionMnistSplit test, int[] order, int e,
                               Options o, float mean, float std) {
        long t0 = System.nanoTime();
        int n = train.count();
        int batches = (n + o.batchSize() - 1) / o.batchSize();
        float[] buf = new float[o.batchSize() * FashionMnistSplit.PIXELS];
        double lossSum = 0;
        long correct = 0;
        Progress bar = Progress.orNone(o.progress());
        String stage = String.format("epoch %d/%d", e, o.epochs());
        for (int b = 0; b < batches; b++) {
            int from = b * o.batchSize();
            int size = Math.min(o.batchSize(), n - from);
            train.normalised(order, from, size, mean, std, buf);
            long[] labels = new long[size];
            for (int k = 0; k < size; k++) {
                labels[k] = train.label(order[from + k]);
            }
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray x = sub.create(java.nio.FloatBuffer.wrap(buf, 0, size * FashionMnistSplit.PIXELS),
                        new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                NDArray y = sub.create(labels);
                float batchLoss;
                long[] predicted;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                    gc.backward(loss);
                    batchLoss = loss.getFloat();
                    predicted = logits.argMax(1).toLongArray();
                }
                if (!Float.isFinite(batchLoss)) {
                    throw netviz.methods.Finite.result("training became non-finite at epoch " + e + ", batch "
                            + (b + 1) + " of " + batches + " (loss " + netviz.methods.Finite.name(batchLoss)
                            + "); nothing was written");
                }
                trainer.step();
                lossSum += batchLoss * size;
                for (int k = 0; k < size; k++) {
                    if (predicted[k] == labels[k]) {
                        correct++;
                    }
                }
            }
            int seen = from + size;
            bar.update(stage + Progress.DETAIL + String.format("loss %.4f acc %.4f", lossSum / seen,
                    (double) correct / seen), b + 1, batches);
            bar.checkCancelled();
        }
        double testAccuracy = accuracy(trainer, test, mean, std);
        double loss = lossSum / n;
        double trainAccuracy = (double) correct / n;
        bar.update(stage + Progress.DETAIL + String.format("loss %.4f acc %.4f test %.4f", loss, trainAccuracy,
                testAccuracy), batches, batches);
        return new Epoch(e, loss, trainAccuracy, testAccuracy, (System.nanoTime() - t0) / 1e9);
    }

    /** Fraction of {@code split} the network classifies right (inference mode: no dropout). */
    private static double accuracy(Trainer trainer, FashionMnistSplit split, float mean, float std) {
        long correct = 0;
        int[] order = identity(split.count());
        float[] buf = new float[EVAL_BATCH * FashionMnistSplit.PIXELS];
        for (int from = 0; from < split.count(); from += EVAL_BATCH) {
            int size = Math.min(EVAL_BATCH, split.count() - from);
            split.normalised(order, from, size, mean, std, buf);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray x = sub.create(java.nio.FloatBuffer.wrap(buf, 0, size * FashionMnistSplit.PIXELS),
                        new Shape(size, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
                long[] predicted = trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1).toLongArray();
                for (int k = 0; k < size; k++) {
                    if (predicted[k] == split.label(from + k)) {
                        correct++;
                    }
                }
            }
        }
        return split.count() == 0 ? 0 : (double) correct / split.count();
    }

    private static float[][] logits(Trainer trainer, FashionMnistSplit split, int n, float mean, float std) {
        float[] buf = new float[Math.max(1, n) * FashionMnistSplit.PIXELS];
        split.normalised(identity(n), 0, n, mean, std, buf);
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        try (NDManager sub = trainer.getManager().newSubManager()) {
            NDArray x = sub.create(buf, new Shape(n, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE));
            float[] flat = trainer.evaluate(new NDList(x)).singletonOrThrow().toFloatArray();
            for (int i = 0; i < n; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * FashionMnistSplit.CLASSES, (i + 1) * FashionMnistSplit.CLASSES);
            }
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** The metadata_props written into the model. */
    static Map<String, String> metadata(Options o, float mean, float std, double accuracy, int trainImages,
                                        int testImages, double seconds, double cpuSeconds) {
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("preset", "fashion-mnist");
        pre.put("size", FashionMnistSplit.SIDE);
        pre.put("crop", FashionMnistSplit.SIDE);
        pre.put("channels", 1);
        pre.put("mean", List.of(mean));
        pre.put("std", List.of(std));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("framework", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch "
                + Engines.pytorch().getVersion());
        run.put("architecture", "conv1(3x3," + FashionMnistCnn.CONV1_FILTERS + ")-relu1-pool1-conv2(3x3,"
                + FashionMnistCnn.CONV2_FILTERS + ")-relu2-pool2-flatten-fc1(" + FashionMnistCnn.HIDDEN
                + ")-relu3-dropout(" + FashionMnistCnn.DROPOUT + ")-fc2(10)-softmax");
        run.put("dataset", "Fashion-MNIST");
        run.put("train_images", trainImages);
        run.put("test_images", testImages);
        run.put("epochs", o.epochs());
        run.put("batch_size", o.batchSize());
        run.put("optimizer", "adam");
        run.put("learning_rate", o.learningRate());
        run.put("schedule", "cosine to " + FINAL_LR_FRACTION + " x learning_rate");
        run.put("seed", o.seed());
        run.put("test_accuracy", Math.round(accuracy * 1e4) / 1e4);
        run.put("train_seconds", Math.round(seconds * 10) / 10.0);
        run.put("cpu_seconds", Math.round(cpuSeconds * 10) / 10.0);
        run.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        run.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        Map<String, String> meta = new LinkedHashMap<>();
        try {
            meta.put(META_LABELS, JSON.writeValueAsString(FashionMnistSplit.LABELS));
            meta.put(META_PREPROCESSING, JSON.writeValueAsString(pre));
            meta.put(META_TRAINING, JSON.writeValueAsString(run));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return meta;
    }
}
