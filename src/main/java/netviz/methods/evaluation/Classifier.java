package netviz.methods.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;
import netviz.ShapeMismatchException;
import netviz.methods.Finite;
import netviz.engine.Graph;
import netviz.engine.Forward;
import netviz.engine.Node;
import netviz.engine.Values;

/**
 * A model seen as a classifier: runs it on a batch and turns its output (N, K) — or (N, K, 1, 1) —
 * into class probabilities. When the output is produced by a {@code Softmax} node it is taken as
 * it is; after {@code LogSoftmax} it is exponentiated; otherwise it is treated as logits and the
 * probabilities are {@code softmax(z)_k = exp(z_k - max z) / Σ_j exp(z_j - max z)}, computed in
 * double precision.
 */
public final class Classifier {
    /** How the output was turned into probabilities. */
    public enum Scores {
        /** The model ends in Softmax: its output is used as it is. */
        MODEL_SOFTMAX,
        /** The model ends in LogSoftmax: exp of its output. */
        MODEL_LOG_SOFTMAX,
        /** The output is logits: softmax applied by netviz. */
        SOFTMAX_OF_LOGITS
    }

    /**
     * One batch's predictions.
     *
     * @param outputs the model's raw output per example, (N, K)
     * @param probabilities class probabilities per example, (N, K)
     */
    public record Prediction(float[][] outputs, double[][] probabilities, Scores scores) {
        public int size() {
            return outputs.length;
        }

        public int classes() {
            return outputs.length == 0 ? 0 : outputs[0].length;
        }

        /** The most probable class of example {@code i} (the first on ties). */
        public int argmax(int i) {
            return Classifier.topK(probabilities[i], 1)[0];
        }

        /** The {@code k} most probable classes of example {@code i}, most probable first. */
        public int[] topK(int i, int k) {
            return Classifier.topK(probabilities[i], k);
        }
    }

    private final Forward interpreter;
    private final String output;
    private final Scores scores;

    /** A classifier reading the model's first output. */
    public Classifier(Forward interpreter) {
        this(interpreter, interpreter.outputName());
    }

    /** A classifier reading the named graph output or tensor. */
    public Classifier(Forward interpreter, String output) {
        this.interpreter = interpreter;
        this.output = interpreter.graph().resolveTensor(output);
        this.scores = scoresOf(interpreter.graph(), this.output);
    }

    public String output() {
        return output;
    }

    public Scores scores() {
        return scores;
    }

    /** How the tensor {@code output} of {@code graph} becomes probabilities. */
    public static Scores scoresOf(Graph graph, String output) {
        Node n = graph.producer(output);
        // look through shape-only nodes that exporters put after the softmax
        while (n != null && (n.opType().equals("Flatten") || n.opType().equals("Reshape") || n.opType().equals("Squeeze")
                || n.opType().equals("Identity"))) {
            n = graph.producer(n.input(0));
        }
        if (n != null && n.opType().equals("Softmax")) {
            return Scores.MODEL_SOFTMAX;
        }
        if (n != null && n.opType().equals("LogSoftmax")) {
            return Scores.MODEL_LOG_SOFTMAX;
        }
        return Scores.SOFTMAX_OF_LOGITS;
    }


    /**
     * Runs the model on {@code input} (N, C, H, W) in {@code scope}; a
     * {@link netviz.NonFiniteResultException} when an output or probability is NaN or infinite.
     */
    public Prediction predict(NDManager scope, NDArray input) {
        Values v = interpreter.forward(scope, Map.of(interpreter.inputName(), input), java.util.List.of(output));
        NDArray y = v.get(output);
        long[] s = y.getShape().getShape();
        if (s.length < 1) {
            throw new ShapeMismatchException("output '" + output + "' is a scalar, not class scores");
        }
        int n = (int) s[0];
        long k = y.size() / Math.max(1, n);
        for (int i = 2; i < s.length; i++) {
            if (s[i] != 1) {
                throw new ShapeMismatchException("output '" + output + "' has shape " + Arrays.toString(s)
                        + "; a classifier's output is (N, K) or (N, K, 1, 1)");
            }
        }
        float[] flat = Finite.check(y.toFloatArray(), new long[] {n, k}, "the model's output '" + output + "'");
        return fromOutputs(flat, n, (int) k, scores);
    }

    /** Probabilities from a flat (N, K) array of outputs. */
    public static Prediction fromOutputs(float[] flat, int n, int k, Scores scores) {
        float[][] out = new float[n][k];
        double[][] p = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
            switch (scores) {
                case MODEL_SOFTMAX:
                    for (int j = 0; j < k; j++) {
                        p[i][j] = out[i][j];
                    }
                    break;
                case MODEL_LOG_SOFTMAX:
                    for (int j = 0; j < k; j++) {
                        p[i][j] = Math.exp(out[i][j]);
                    }
                    break;
                default:
                    p[i] = softmax(out[i]);
            }
            Finite.check(p[i], "the class probabilities of example " + i + " (" + scores + ")");
        }
        return new Prediction(out, p, scores);
    }

    /** Numerically stable softmax in double precision. */
    public static double[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double[] e = new double[z.length];
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            e[j] = Math.exp(z[j] - max);
            sum += e[j];
        }
        for (int j = 0; j < z.length; j++) {
            e[j] /= sum;
        }
        return e;
    }

    /**
     * For each row i of the row-major (N, K) scores {@code z} (N = {@code classes.length}, K =
     * z.length / N), the softmax probability of class {@code classes[i]}:
     * {@code exp(z_ic - max_j z_ij) / Σ_j exp(z_ij - max_j z_ij)}, in double precision.
     */
    public static double[] softmaxAt(float[] z, int[] classes) {
        int n = classes.length;
        if (n == 0) {
            return new double[0];
        }
        int k = z.length / n;
        if (k * n != z.length) {
            throw new IllegalArgumentException(z.length + " scores are not " + n + " rows");
        }
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[i * k + j] - max);
            }
            p[i] = Math.exp(z[i * k + classes[i]] - max) / sum;
        }
        return p;
    }

    /** Indices of the {@code k} largest values, largest first; ties keep the lower index first; NaN last. */
    public static int[] topK(double[] values, int k) {
        int m = Math.min(k, values.length);
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            double x = Double.isNaN(values[a]) ? Double.NEGATIVE_INFINITY : values[a];
            double y = Double.isNaN(values[b]) ? Double.NEGATIVE_INFINITY : values[b];
            int c = Double.compare(y, x);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
