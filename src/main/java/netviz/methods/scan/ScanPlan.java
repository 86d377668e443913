package netviz.methods.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.engine.Forward;
import netviz.engine.Graph;
import netviz.engine.Values;
import netviz.image.Preprocessing;
import netviz.methods.activations.DeadFilters;
import netviz.methods.evaluation.Classifier;
import netviz.methods.features.FeatureExtractor;

/**
 * What a dataset scan computes, resolved once (on a driver) from the model so that every worker
 * computes the same thing: the tensors scanned per channel (by default every convolution's
 * activation, {@link DeadFilters#convActivations}) and their channel counts, the feature tensor (by
 * default {@link FeatureExtractor#defaultLayer}, the input of the last fully connected layer), the
 * output read as class scores (the graph's first output, read as {@link Classifier} reads it), the
 * preprocessed input shape every image of a batch must have, and the scan's parameters.
 *
 * @param modelName    the model's file name
 * @param modelSha256  SHA-256 of the model file (hex), to check that a scan belongs to a model
 * @param runtime      the runtime the forward passes run on ({@code torch} or {@code ort})
 * @param input        one line describing the scanned source
 * @param layers       tensor names scanned per channel
 * @param channels     their channel counts, in the same order
 * @param featureLayer the tensor whose flattened values are each image's feature vector, or null
 * @param featureDim   the features per image (0 without a feature layer)
 * @param outputTensor the tensor read as class scores
 * @param scores       how the output becomes probabilities
 * @param classCount   the number of class scores per image
 * @param classNames   the source's class names (empty when unlabelled)
 * @param labeled      whether the source carries labels
 * @param inputShape   the preprocessed input (C, H, W)
 * @param topK         images kept per channel
 * @param batchSize    images per forward pass (batch b holds indices [b·B, (b+1)·B))
 * @param tolerance    an activation above it fires (as dead filters count it)
 * @param histogram    the activation histogram's bins
 */
public record ScanPlan(String modelName, String modelSha256, String runtime, String input, List<String> layers,
                       int[] channels, String featureLayer, int featureDim, String outputTensor,
                       Classifier.Scores scores, int classCount, List<String> classNames, boolean labeled,
                       long[] inputShape, int topK, int batchSize, double tolerance, LogHistogram histogram)
        implements Serializable {

    /** The manifest's format name. */
    public static final String FORMAT = "netviz-scan/1";

    public ScanPlan {
        layers = List.copyOf(layers);
        classNames = List.copyOf(classNames);
        channels = channels.clone();
        inputShape = inputShape.clone();
        if (channels.length != layers.size()) {
            throw new IllegalArgumentException(layers.size() + " layers but " + channels.length + " channel counts");
        }
    }

    /**
     * The choices of a scan.
     *
     * @param layers       layers scanned per channel (node names, tensor names or indices; empty: every
     *                     convolution's activation)
     * @param featureLayer the feature layer (null: the default; "none": no features)
     * @param topK         images kept per channel (9, a 3 x 3 grid as Zeiler and Fergus show them)
     * @param batchSize    images per forward pass (64)
     * @param tolerance    the firing threshold (0)
     * @param histogram    the activation histogram's bins
     */
    public record Options(List<String> layers, String featureLayer, int topK, int batchSize, double tolerance,
                          LogHistogram histogram) {
        /** The name of the feature layer that turns features off. */
        public static final String NO_FEATURES = "none";

        public Options {
            layers = List.copyOf(layers);
            if (topK < 1 || topK > 10_000) {
                throw new netviz.OutOfRangeException("--top-k must be 1 to 10000, not " + topK);
            }
            if (batchSize < 1 || batchSize > 1 << 16) {
                throw new netviz.OutOfRangeException("--batch-size must be 1 to 65536, not " + batchSize);
            }
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new netviz.OutOfRangeException("the firing tolerance must be a finite number >= 0, not " + tolerance);
            }
        }

        public static Options defaults() {
            return new Options(List.of(), null, 9, 64, 0.0, LogHistogram.defaults());
        }

        public Options withLayers(List<String> l) {
            return new Options(l, featureLayer, topK, batchSize, tolerance, histogram);
        }

        public Options withFeatureLayer(String f) {
            return new Options(layers, f, topK, batchSize, tolerance, histogram);
        }

        public Options withTopK(int k) {
            return new Options(layers, featureLayer, k, batchSize, tolerance, histogram);
        }

        public Options withBatchSize(int b) {
            return new Options(layers, featureLayer, topK, b, tolerance, histogram);
        }

        public Options withTolerance(double t) {
            return new Options(layers, featureLayer, topK, batchSize, t, histogram);
        }

        public Options withHistogram(LogHistogram h) {
            return new Options(layers, featureLayer, topK, batchSize, tolerance, h);
        }
    }

    /**
     * Resolves a plan: names become tensors, and one forward pass on a zero image measures the
     * channel counts, the feature size and the number of classes.
     *
     * @param modelName   the model's file name
     * @param sha256      the model file's SHA-256
     * @param input       one line describing the source
     * @param classNames  the source's class names (empty when unlabelled)
     */
    public static ScanPlan resolve(Forward forward, Preprocessing preprocessing, String modelName, String sha256,
                                   String input, List<String> classNames, boolean labeled, Options o) {
        Graph g = forward.graph();
        List<String> layers = new ArrayList<>();
        for (String l : o.layers().isEmpty() ? DeadFilters.convActivations(g) : o.layers()) {
            String t = g.resolveTensor(l);
            if (!layers.contains(t)) {
                layers.add(t);
            }
        }
        String feature;
        if (o.featureLayer() == null) {
            String f;
            try {
                f = FeatureExtractor.defaultLayer(g);
            } catch (NetvizException e) {
                f = null;
            }
            feature = f;
        } else if (o.featureLayer().equals(Options.NO_FEATURES)) {
            feature = null;
        } else {
            feature = g.resolveTensor(o.featureLayer());
        }
        String output = forward.outputName();
        long[] in = inputShape(g, preprocessing);
        LinkedHashSet<String> taps = new LinkedHashSet<>(layers);
        if (feature != null) {
            taps.add(feature);
        }
        taps.add(output);
        int[] channels = new int[layers.size()];
        int featureDim = 0;
        int classes;
        try (NDManager scope = forward.newScope()) {
            NDArray x = scope.zeros(new Shape(1, in[0], in[1], in[2]));
            Values v = forward.forward(scope, java.util.Map.of(forward.inputName(), x), new ArrayList<>(taps));
            for (int i = 0; i < layers.size(); i++) {
                long[] s = v.get(layers.get(i)).getShape().getShape();
                if (s.length < 2 || s[0] != 1) {
                    throw new ShapeMismatchException("layer '" + layers.get(i) + "' has shape " + Arrays.toString(s)
                            + " for one image; a scan reads channels of (N, C) or (N, C, ...) layers");
                }
                channels[i] = Math.toIntExact(s[1]);
            }
            if (feature != null) {
                featureDim = Math.toIntExact(v.get(feature).size());
            }
            classes = Math.toIntExact(v.get(output).size());
        }
        return new ScanPlan(modelName, sha256, forward.runtime(), input, layers, channels, feature, featureDim, output,
                Classifier.scoresOf(g, output), classes, classNames, labeled, in, o.topK(), o.batchSize(),
                o.tolerance(), o.histogram());
    }

    /** The (C, H, W) every preprocessed image must have: the crop, else the model's declared input size. */
    static long[] inputShape(Graph g, Preprocessing p) {
        long[] declared = g.inputs().get(0).hasShape() ? g.inputs().get(0).dims() : new long[0];
        long c = p.channels() > 0 ? p.channels() : declared.length == 4 && declared[1] > 0 ? declared[1] : 3;
        long h = p.crop() > 0 ? p.crop() : declared.length == 4 && declared[2] > 0 ? declared[2] : 0;
        long w = p.crop() > 0 ? p.crop() : declared.length == 4 && declared[3] > 0 ? declared[3] : 0;
        if (h == 0 || w == 0) {
            throw new NetvizException("a scan batches images of one size, but the preprocessing (" + p.describe()
                    + ") has no crop and the model's input has no fixed size; give a crop (e.g. --crop 224)");
        }
        return new long[] {c, h, w};
    }

    /** The index of a scanned layer by tensor name, or -1. */
    public int layerIndex(String tensor) {
        return layers.indexOf(tensor);
    }
}
