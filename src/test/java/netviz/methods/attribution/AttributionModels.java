package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;

/** Small models built in code for the attribution tests, and oracles shared by them. */
public final class AttributionModels {
    private AttributionModels() {
    }

    public static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /**
     * x (N, C, 8, 8) → conv1 (4 maps, 3×3, pad 1) → relu1 → pool1 (max 2×2) → conv2 (6 maps, 3×3,
     * pad 1) → relu2 → flatten → fc (Gemm, 3 classes) [→ softmax].
     */
    public static Graph cnn(long seed, int channels, boolean softmax) {
        return cnn(seed, channels, softmax, -1, false);
    }

    /**
     * The same network (same weights for the same seed) with its batch fixed to {@code batch} (-1:
     * free), and with the flatten written as a Reshape to [batch, -1] when {@code reshape} (as
     * exporters write {@code x.view(1, -1)}).
     */
    public static Graph cnn(long seed, int channels, boolean softmax, long batch, boolean reshape) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("cnn", 13);
        String x = g.input("x", batch, channels, 8, 8);
        String w1 = g.initializer("w1", Tensor.ofFloats(new long[] {4, channels, 3, 3}, random(r, 4 * channels * 9, 0.5)));
        String b1 = g.initializer("b1", Tensor.ofFloats(new long[] {4}, random(r, 4, 0.1)));
        String c1 = g.node("Conv", "conv1", List.of(x, w1, b1), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String r1 = g.node("Relu", "relu1", List.of(c1));
        String p1 = g.node("MaxPool", "pool1", List.of(r1), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String w2 = g.initializer("w2", Tensor.ofFloats(new long[] {6, 4, 3, 3}, random(r, 6 * 4 * 9, 0.4)));
        String b2 = g.initializer("b2", Tensor.ofFloats(new long[] {6}, random(r, 6, 0.1)));
        String c2 = g.node("Conv", "conv2", List.of(p1, w2, b2), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String r2 = g.node("Relu", "relu2", List.of(c2));
        String f;
        if (reshape) {
            g.initializer("flat_shape", Tensor.ofLongs(new long[] {2}, batch, -1));
            f = g.node("Reshape", "flatten", List.of(r2, "flat_shape"));
        } else {
            f = g.node("Flatten", "flatten", List.of(r2));
        }
        String w3 = g.initializer("w3", Tensor.ofFloats(new long[] {3, 96}, random(r, 3 * 96, 0.3)));
        String b3 = g.initializer("b3", Tensor.ofFloats(new long[] {3}, random(r, 3, 0.1)));
        String fc = g.node("Gemm", "fc", List.of(f, w3, b3), Attribute.ofInt("transB", 1));
        if (softmax) {
            g.output(g.node("Softmax", "prob", List.of(fc)));
        } else {
            g.output(fc);
        }
        return g.build();
    }

    /** A batch of n random images (N, C, 8, 8) in the interpreter's precision. */
    public static NDArray images(NDManager m, long seed, int n, int channels, DataType type) {
        float[] v = random(new Random(seed), n * channels * 64, 1.0);
        NDArray a = m.create(v, new Shape(n, channels, 8, 8));
        return type == DataType.FLOAT32 ? a : a.toType(type, false);
    }

    /** The value of {@code tensor} for one input, as doubles (row-major). */
    public static double[] tensor(Interpreter it, NDArray x, String tensor) {
        try (NDManager s = it.newScope()) {
            NDArray v = it.tensors(s, Map.of(it.inputName(), x), List.of(tensor)).get(tensor);
            return v.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    static NDArray doubles(NDManager m, double[] v, Shape shape) {
        return m.create(v, shape);
    }

    /** The 4×4 image of {@link #signSplit}: each 2×2 window has one largest positive and one largest negative value. */
    public static final float[] SIGN_SPLIT_IMAGE = {
        1, -2, -3, 2,
        3, -1, 4, -1,
        2, -4, -2, 1,
        -1, 1, 5, -3};

    /**
     * A network whose Grad-CAM, Grad-CAM++ and Score-CAM maps are computed by hand: x (N,1,4,4) →
     * conv (two 1×1 filters, weights +1 and −1, no bias) → relu, so A_1 = ReLU(x) and
     * A_2 = ReLU(−x) → MaxPool 2×2 stride 2 → (N,2,2,2) → flatten (c, window) → fc with weights
     * {@code fc} (classes × 8) and no bias. The score of class k is
     * S_k = Σ_c Σ_window fc[k][c·4 + window] · max_window A_c.
     */
    public static Graph signSplit(float[] fc) {
        GraphBuilder g = new GraphBuilder("sign-split", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String w = g.initializer("w", Tensor.ofFloats(new long[] {2, 1, 1, 1}, new float[] {1, -1}));
        String c = g.node("Conv", "conv", List.of(x, w), Attribute.ofInts("kernel_shape", 1, 1));
        String a = g.node("Relu", "relu", List.of(c));
        String p = g.node("MaxPool", "pool", List.of(a), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String f = g.node("Flatten", "flatten", List.of(p));
        String wf = g.initializer("wf", Tensor.ofFloats(new long[] {fc.length / 8, 8}, fc));
        g.output(g.node("Gemm", "fc", List.of(f, wf), Attribute.ofInt("transB", 1)));
        return g.build();
    }
}
