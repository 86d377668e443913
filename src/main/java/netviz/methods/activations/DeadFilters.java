package netviz.methods.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import netviz.NetvizException;
import netviz.methods.Finite;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.engine.Forward;
import netviz.engine.Node;
import netviz.engine.Values;

/**
 * Dead filters: channels of a layer that never fire. Over a dataset of n images, for channel c
 * with activation {@code a_i(c, p)} at position p on image i:
 * <ul>
 *   <li>{@code mean(c) = (1/n) sum_i mean_p a_i(c, p)} (the mean over all images and positions);</li>
 *   <li>{@code max(c) = max_i max_p a_i(c, p)};</li>
 *   <li>{@code firing(c) = |{ i : max_p a_i(c, p) > tol }| / n}, the fraction of images on which
 *       the filter fires somewhere (a ReLU filter of a trained network fires somewhere on nearly
 *       every image, so this rate alone is close to 1 for almost every filter);</li>
 *   <li>{@code positional(c) = |{ (i, p) : a_i(c, p) > tol }| / (n · P)}, the fraction of all
 *       positions of all images where it fires: how sparse the filter is, which spreads out where
 *       the image rate does not;</li>
 *   <li>dead: {@code firing(c) == 0} (equivalently {@code positional(c) == 0}), the activation is
 *       at most {@code tol} everywhere on every image (a "dying ReLU" unit, whose gradient is zero
 *       and which can no longer learn; Maas et al. 2013, Lu et al., "Dying ReLU and
 *       initialization", 2019).</li>
 * </ul>
 * One pass over the data in batches, keeping only per-channel sums, so memory does not grow with
 * the dataset. With no layer named, every convolution is scanned at its activation: the output of
 * the nonlinearity that follows it (through an optional BatchNormalization), or the Conv output
 * itself when none follows (then "fires" means "is above tol", which matches a later ReLU at tol 0).
 */
public final class DeadFilters {

    /** Ops taken as a convolution's nonlinearity when they follow it. */
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "Clip", "Elu", "Selu", "Sigmoid",
            "Tanh", "HardSigmoid", "HardSwish", "Softplus", "PRelu", "Gelu", "Mish", "ThresholdedRelu", "Celu");

    /** {@code tolerance}: a value above it fires (default 0); {@code batchSize}: images per forward pass. */
    public record Options(double tolerance, int batchSize) {
        public Options {
            if (!(tolerance >= 0) || batchSize < 1) {
                throw new IllegalArgumentException("tolerance must be >= 0 and batch size >= 1, not " + tolerance
                        + " and " + batchSize);
            }
        }

        public static Options defaults() {
            return new Options(0.0, 32);
        }

        public Options withTolerance(double t) {
            return new Options(t, batchSize);
        }

        public Options withBatchSize(int b) {
            return new Options(tolerance, b);
        }
    }

    /**
     * Per-channel statistics of one layer over {@code images} images.
     *
     * @param firingRate     per channel, the fraction of images on which it is above the tolerance somewhere
     * @param positionalRate per channel, the fraction of all positions of all images where it is above it
     * @param positions      positions per image (h·w of a map; 1 for a (N, C) layer)
     */
    public record LayerStats(String layer, String tensor, int channels, long images, double[] mean, double[] max,
                             double[] firingRate, double[] positionalRate, long positions) {

        /** Indices of the channels that fired on no image. */
        public int[] dead() {
            return java.util.stream.IntStream.range(0, channels).filter(c -> firingRate[c] == 0).toArray();
        }

        public int deadCount() {
            return dead().length;
        }

        public boolean isDead(int c) {
            return firingRate[c] == 0;
        }
    }

    /** The statistics of every scanned layer. */
    public record Report(long images, double tolerance, List<LayerStats> layers) {
        public LayerStats layer(String name) {
            for (LayerStats l : layers) {
                if (l.layer().equals(name) || l.tensor().equals(name)) {
                    return l;
                }
            }
            throw new netviz.UnknownNameException("scanned layer", name, layers.stream().map(LayerStats::layer).toList());
        }
    }

    private DeadFilters() {
    }

    /** True for the operators taken as a nonlinearity (Relu, LeakyRelu, Clip, Sigmoid, ...). */
    public static boolean isActivation(String opType) {
        return ACTIVATIONS.contains(opType);
    }

    /**
     * Scans images given one by one as flat arrays of {@code imageShape} (e.g. {1, 28, 28}),
     * {@code o.batchSize()} per forward pass; {@code progress} (may be null) gets the number of
     * images done after each batch.
     */
    public static Report scan(Forward model, List<String> layers, Iterator<float[]> images, long[] imageShape,
                              Options o, LongConsumer progress) {
        Accumulator acc = new Accumulator(model.graph(), layers, o.tolerance());
        long per = 1;
        for (long d : imageShape) {
            per *= d;
        }
        long[] batchShape = new long[imageShape.length + 1];
        System.arraycopy(imageShape, 0, batchShape, 1, imageShape.length);
        float[] buf = new float[Math.toIntExact(per * o.batchSize())];
        int n = 0;
        while (images.hasNext()) {
            float[] img = images.next();
            if (img.length != per) {
                throw new ShapeMismatchException("an image of the dataset has " + img.length + " values, not "
                        + per + " (shape " + Arrays.toString(imageShape) + ")");
            }
            System.arraycopy(img, 0, buf, Math.toIntExact(n * per), img.length);
            n++;
            if (n == o.batchSize()) {
                batchShape[0] = n;
                acc.add(model, buf, batchShape);
                n = 0;
                if (progress != null) {
                    progress.accept(acc.images());
                }
            }
        }
        if (n > 0) {
            batchShape[0] = n;
            acc.add(model, Arrays.copyOf(buf, Math.toIntExact(n * per)), batchShape);
            if (progress != null) {
                progress.accept(acc.images());
            }
        }
        return acc.finish();
    }

    /** Scans batches given as NDArrays (N, ...); the caller owns them. */
    public static Report scanBatches(Forward model, List<String> layers, Iterable<NDArray> batches, Options o,
                                     LongConsumer progress) {
        Accumulator acc = new Accumulator(model.graph(), layers, o.tolerance());
        for (NDArray b : batches) {
            acc.add(model, b);
            if (progress != null) {
                progress.accept(acc.images());
            }
        }
        return acc.finish();
    }

    /**
     * The activation tensor of every convolution: the output of the nonlinearity following it
     * (possibly after a BatchNormalization), else the Conv's own output.
     */
    public static List<String> convActivations(Graph graph) {
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        List<String> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!n.opType().equals("Conv")) {
                continue;
            }
            String t = n.outputs().get(0);
            String chosen = t;
            for (int step = 0; step < 2; step++) {
                List<Node> next = consumers.getOrDefault(t, List.of());
                if (next.size() != 1) {
                    break;
                }
                Node c = next.get(0);
                if (ACTIVATIONS.contains(c.opType())) {
                    chosen = c.outputs().get(0);
                    break;
                }
                if (!c.opType().equals("BatchNormalization")) {
                    break;
                }
                t = c.outputs().get(0);
            }
            out.add(chosen);
        }
        if (out.isEmpty()) {
            throw new NetvizException("the model '" + graph.name() + "' has no convolution; name the layers to scan");
        }
        return out;
    }

    /**
     * The running sums of a scan: feed batches with {@link #add}, then {@link #finish}. Usable with
     * any source of batches.
     */
    public static final class Accumulator {
        private final Graph graph;
        private final Map<String, String> tensors = new LinkedHashMap<>();
        private final double tol;
        private final Map<String, double[]> sumMean = new HashMap<>();
        private final Map<String, double[]> max = new HashMap<>();
        private final Map<String, long[]> fires = new HashMap<>();
        private final Map<String, long[]> firingPositions = new HashMap<>();
        private final Map<String, Long> positions = new HashMap<>();
        private long images;

        public Accumulator(Graph graph, List<String> layers, double tolerance) {
            this.graph = graph;
            this.tol = tolerance;
            if (layers.isEmpty()) {
                throw new NetvizException("no layer to scan");
            }
            for (String l : layers) {
                tensors.put(l, graph.resolveTensor(l));
            }
        }

        public long images() {
            return images;
        }

        /** One batch given as a flat array of {@code shape} (batch first). */
        public void add(Forward model, float[] batch, long[] shape) {
            try (NDManager scope = model.newScope()) {
                add(model, scope.create(batch, new Shape(shape)));
            }
        }

        /** One batch (N, ...). */
        public void add(Forward model, NDArray batch) {
            try (NDManager scope = model.newScope()) {
                Values v = model.tensors(scope, Map.of(model.inputName(), batch), new ArrayList<>(tensors.values()));
                long n = -1;
                for (Map.Entry<String, String> e : tensors.entrySet()) {
                    NDArray a = v.get(e.getValue());
                    long[] s = a.getShape().getShape();
                    if (s.length < 2) {
                        throw new ShapeMismatchException("layer '" + e.getKey() + "' has shape " + Arrays.toString(s)
                                + "; dead-filter statistics need (N, C, ...)");
                    }
                    n = s[0];
                    int c = Math.toIntExact(s[1]);
                    NDArray flat = a.toType(DataType.FLOAT32, false).reshape(s[0], c, -1);
                    float[] perMax = flat.max(new int[] {2}).toFloatArray();
                    double[] perMean = flat.toType(DataType.FLOAT64, false).mean(new int[] {2}).toDoubleArray();
                    long[] above = flat.gt(tol).toType(DataType.INT64, false).sum(new int[] {0, 2}).toLongArray();
                    long plane = flat.getShape().get(2);
                    int bad = Finite.firstNonFinite(perMean);
                    if (bad >= 0) {
                        throw Finite.result("the dead-filter scan of layer '" + e.getKey() + "' became non-finite at image "
                                + (images + bad / c) + " (channel " + bad % c + ", mean activation "
                                + Finite.name(perMean[bad]) + ")");
                    }
                    double[] sm = sumMean.computeIfAbsent(e.getKey(), k -> new double[c]);
                    double[] mx = max.computeIfAbsent(e.getKey(), k -> filled(c, Double.NEGATIVE_INFINITY));
                    long[] fi = fires.computeIfAbsent(e.getKey(), k -> new long[c]);
                    long[] fp = firingPositions.computeIfAbsent(e.getKey(), k -> new long[c]);
                    if (sm.length != c || positions.getOrDefault(e.getKey(), plane) != plane) {
                        throw new ShapeMismatchException("layer '" + e.getKey() + "' changed from " + sm.length + " x "
                                + positions.get(e.getKey()) + " to " + c + " x " + plane
                                + " channels x positions between batches");
                    }
                    positions.put(e.getKey(), plane);
                    for (int ch = 0; ch < c; ch++) {
                        fp[ch] += above[ch];
                    }
                    for (int i = 0; i < n; i++) {
                        for (int ch = 0; ch < c; ch++) {
                            float m = perMax[i * c + ch];
                            sm[ch] += perMean[i * c + ch];
                            mx[ch] = Math.max(mx[ch], m);
                            if (m > tol) {
                                fi[ch]++;
                            }
                        }
                    }
                }
                images += n;
            }
        }

        /** The statistics so far; NetvizException when no image was seen. */
        public Report finish() {
            if (images == 0) {
                throw new NetvizException("the dataset has no images; nothing to scan");
            }
            List<LayerStats> out = new ArrayList<>();
            for (Map.Entry<String, String> e : tensors.entrySet()) {
                double[] sm = sumMean.get(e.getKey());
                long[] fi = fires.get(e.getKey());
                int c = sm.length;
                double[] mean = new double[c];
                double[] rate = new double[c];
                double[] positional = new double[c];
                long plane = positions.get(e.getKey());
                long[] fp = firingPositions.get(e.getKey());
                for (int ch = 0; ch < c; ch++) {
                    mean[ch] = sm[ch] / images;
                    rate[ch] = (double) fi[ch] / images;
                    positional[ch] = (double) fp[ch] / ((double) images * plane);
                }
                String name = e.getKey();
                Node p = graph.producer(e.getValue());
                if (name.equals(e.getValue()) && p != null && !p.name().isEmpty()) {
                    name = p.name();
                }
                out.add(new LayerStats(name, e.getValue(), c, images, mean, max.get(e.getKey()).clone(), rate,
                        positional, plane));
            }
            return new Report(images, tol, out);
        }

        private static double[] filled(int n, double v) {
            double[] d = new double[n];
            Arrays.fill(d, v);
            return d;
        }
    }
}
