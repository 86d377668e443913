package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.OutOfRangeException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Values;

/**
 * Score-CAM (Wang, Wang, Du, Yang, Zhang, Ding, Mardziel and Hu, "Score-CAM: Score-Weighted Visual
 * Explanations for Convolutional Neural Networks", CVPR Workshops 2020, section 3, Algorithm 1):
 * a class activation map whose channel weights come from forward passes instead of gradients, so
 * it does not vanish where the gradient does (a saturated unit, a dead ReLU). Each feature map A^k
 * of the layer is upsampled bilinearly to the input and min-max normalised to a mask
 * H^k = (up(A^k) − min) / (max − min) in [0, 1] (zero for a constant map); the mask blends the
 * input with a baseline X_b (zeros by default, so that the masked input is the paper's X ∘ H^k),
 * and the weight is the increase of the target's softmax score over the baseline's:
 * <pre>  C(A^k) = p_c(X_b + H^k ∘ (X − X_b)) − p_c(X_b),    L = ReLU(Σ_k C(A^k) A^k)  </pre>
 * with p = softmax of the class scores (the logits; for a target that is not a class score, its
 * raw value). One forward pass per channel, in batches of {@link Options#batch()} masked inputs.
 * The default layer and the output shape (N, h, w) at the layer's resolution are those of
 * {@link GradCam}.
 */
public final class ScoreCam implements Attribution {
    private final Interpreter interpreter;
    private final String layer;
    private final Options options;

    /**
     * @param baseline the input a zero mask leaves (the paper's masked input X ∘ H has zeros there)
     * @param batch    masked inputs per forward pass
     */
    public record Options(Baseline baseline, int batch) {
        public Options {
            if (baseline == null) {
                throw new IllegalArgumentException("Score-CAM needs a baseline; use Baseline.zero()");
            }
            if (batch < 1 || batch > 4096) {
                throw new OutOfRangeException("Score-CAM batch " + batch + " must be between 1 and 4096");
            }
        }

        /** The paper's masking (zero baseline), 32 masked inputs per pass. */
        public static Options defaults() {
            return new Options(Baseline.zero(), 32);
        }

        public Options withBaseline(Baseline b) {
            return new Options(b, batch);
        }

        public Options withBatch(int b) {
            return new Options(baseline, b);
        }
    }

    /** Score-CAM on the default layer ({@link GradCam#defaultLayer}) with the paper's options. */
    public ScoreCam(Interpreter interpreter) {
        this(interpreter, null, Options.defaults());
    }

    /** Score-CAM on {@code layer} (a tensor name, node name or node index; null for the default). */
    public ScoreCam(Interpreter interpreter, String layer, Options options) {
        this.interpreter = interpreter;
        this.layer = GradCam.checkedLayer(interpreter, layer, "Score-CAM");
        this.options = options;
    }

    /** The layer used: the one given, or the default for this model and input. */
    public String layer(NDArray inputs) {
        return layer != null ? layer : GradCam.defaultLayer(interpreter, inputs);
    }

    /**
     * @return the class activation map at the layer's resolution after the ReLU, shape (N, h, w)
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "Score-CAM");
        String l = layer(inputs);
        Graph graph = interpreter.graph();
        String in = interpreter.inputName();
        try (NDManager scope = interpreter.newScope()) {
            String scoreTensor = target.tensor(graph);
            Values v = interpreter.tensors(scope, Map.of(in, inputs), List.of(l, scoreTensor));
            Selection used = target.select(graph, v.get(scoreTensor));
            long[] shape = v.get(l).getShape().getShape();
            if (shape.length != 4) {
                throw GradCam.notSpatial("Score-CAM", l, shape);
            }
            int k = (int) shape[1];
            int h = (int) shape[2];
            int w = (int) shape[3];
            float[] maps = BatchArrays.floats(v.get(l));
            float[] x = BatchArrays.floats(inputs);
            int image = s[1] * s[2] * s[3];
            int plane = s[2] * s[3];
            float[] cam = new float[s[0] * h * w];
            for (int n = 0; n < s[0]; n++) {
                float[] xn = Arrays.copyOfRange(x, n * image, (n + 1) * image);
                float[] base = options.baseline().image(xn, s[1], s[2], s[3]);
                int[] coords = used.coords()[n];
                double baseScore = scores(scope, base, 1, s, inputs.getDataType(), scoreTensor, coords)[0];
                Attributions up = GradCam.upsample(new Attributions(
                        Arrays.copyOfRange(maps, n * k * h * w, (n + 1) * k * h * w), new long[] {k, h, w}, null), s[2], s[3]);
                double[] weight = new double[k];
                for (int from = 0; from < k; from += options.batch()) {
                    int count = Math.min(options.batch(), k - from);
                    float[] rows = new float[count * image];
                    for (int j = 0; j < count; j++) {
                        float[] mask = normalisedMask(up.values(), (from + j) * plane, plane);
                        for (int p = 0; p < image; p++) {
                            float b = base[p];
                            rows[j * image + p] = b + mask[p % plane] * (xn[p] - b);
                        }
                    }
                    double[] sc = scores(scope, rows, count, s, inputs.getDataType(), scoreTensor, coords);
                    for (int j = 0; j < count; j++) {
                        weight[from + j] = sc[j] - baseScore;
                    }
                }
                for (int p = 0; p < h * w; p++) {
                    double sum = 0;
                    for (int c = 0; c < k; c++) {
                        sum += weight[c] * maps[(n * k + c) * h * w + p];
                    }
                    cam[n * h * w + p] = (float) Math.max(0, sum);
                }
            }
            return BatchArrays.finite(new Attributions(cam, new long[] {s[0], h, w}, used), "Score-CAM",
                    "the map at layer '" + l + "'");
        }
    }

    /** (v − min) / (max − min) of {@code v[from .. from+length)}; zeros when the map is constant. */
    static float[] normalisedMask(float[] v, int from, int length) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        float[] m = new float[length];
        if (hi > lo) {
            for (int i = 0; i < length; i++) {
                m[i] = (v[from + i] - lo) / (hi - lo);
            }
        }
        return m;
    }

    /**
     * The target's score for {@code count} inputs of one example: the softmax probability of its
     * class when the tensor holds the logits, its raw value otherwise.
     */
    private double[] scores(NDManager scope, float[] rows, int count, int[] s, DataType type, String tensor, int[] coords) {
        try (NDManager sub = scope.newSubManager()) {
            NDArray x = BatchArrays.create(sub, rows, new Shape(count, s[1], s[2], s[3]), type);
            NDArray t = interpreter.tensors(sub, Map.of(interpreter.inputName(), x), List.of(tensor)).get(tensor);
            long[] ts = t.getShape().getShape();
            long per = t.getShape().size() / count;
            boolean softmax = coords.length >= 1 && tensor.equals(ScoreTensor.logits(interpreter.graph()))
                    && per == ts[1];
            NDArray flat = t.reshape(count, per);
            double[] all = BatchArrays.doubles(softmax ? flat.softmax(1) : flat);
            int index = 0;
            for (int d = 0; d < coords.length; d++) {
                index = index * (int) ts[d + 1] + coords[d];
            }
            double[] out = new double[count];
            for (int j = 0; j < count; j++) {
                out[j] = all[(int) (j * per + index)];
            }
            return out;
        }
    }

    @Override
    public String name() {
        return "Score-CAM";
    }
}
