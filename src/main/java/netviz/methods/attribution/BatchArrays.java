package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.methods.Finite;
import netviz.ShapeMismatchException;

/** Shape checks and copies between NDArrays and plain arrays, shared by the methods. */
final class BatchArrays {
    private BatchArrays() {
    }

    /** Checks that {@code x} is a (N, C, H, W) batch; returns its shape as ints. */
    static int[] nchw(NDArray x, String method) {
        long[] s = x.getShape().getShape();
        if (s.length != 4) {
            throw new ShapeMismatchException(method + " needs a batch of images of shape (N, C, H, W), not "
                    + Arrays.toString(s));
        }
        if (s[0] == 0) {
            throw new ShapeMismatchException(method + " needs at least one image; the batch " + Arrays.toString(s)
                    + " is empty");
        }
        return new int[] {(int) s[0], (int) s[1], (int) s[2], (int) s[3]};
    }

    /**
     * {@code a} when its values are finite; otherwise a {@link netviz.NonFiniteResultException}
     * naming the method, what it explained and the step ({@code step}, e.g. "the gradient").
     */
    static Attributions finite(Attributions a, String method, String step) {
        Finite.check(a.values(), a.shape(), method + (a.target() == null ? "" : " of " + describe(a.target())) + ": " + step);
        return a;
    }

    /**
     * Checks the value of the explained score (the objective summed over the batch, as the
     * interpreter returns it): NaN or infinite there makes every gradient meaningless.
     */
    static void finiteScore(double objective, String method, Selection target) {
        Finite.check(objective, method + (target == null ? "" : " of " + describe(target)) + ": the class score in the forward pass");
    }

    /**
     * For messages: "class 3 ('logits')", "classes [0, 3] ('logits')" when every example explains one
     * class score, the selection itself otherwise (a neuron: tensor and coordinates).
     */
    static String describe(Selection s) {
        int[][] c = s.coords();
        if (c.length > 0 && Arrays.stream(c).allMatch(a -> a.length == 1)) {
            int[] k = Arrays.stream(c).mapToInt(a -> a[0]).distinct().toArray();
            return (k.length == 1 ? "class " + k[0] : "classes " + Arrays.toString(k)) + " ('" + s.tensor() + "')";
        }
        return s.toString();
    }

    static float[] floats(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : toFloat(a);
    }

    private static float[] toFloat(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT64, true)) {
            return f.toDoubleArray();
        }
    }

    /** An array of {@code type} holding {@code data} with {@code shape}. */
    static NDArray create(NDManager m, float[] data, Shape shape, DataType type) {
        NDArray a = m.create(data, shape);
        if (type == DataType.FLOAT32) {
            return a;
        }
        NDArray b = a.toType(type, false);
        if (b != a) {
            a.close();
        }
        return b;
    }

    /**
     * Tensor {@code tap} of a batch built in Java: a float32 batch goes to the runtime as Java data
     * (ONNX Runtime copies it once, straight into its input), any other type through an array of
     * {@code type}. The result belongs to {@code scope}.
     */
    static NDArray tap(netviz.engine.Forward forward, NDManager scope, float[] batch, long[] shape, DataType type,
            String tap) {
        String in = forward.inputName();
        if (type == DataType.FLOAT32) {
            return forward.tensors(scope, in, batch, shape, java.util.List.of(tap)).get(tap);
        }
        NDArray xb = create(scope, batch, new Shape(shape), type);
        return forward.tensors(scope, java.util.Map.of(in, xb), java.util.List.of(tap)).get(tap);
    }

    /** Softmax over each row of a (rows, k) row-major array, in double precision. */
    static double[] softmax(float[] logits, int rows, int k) {
        double[] p = new double[rows * k];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[r * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                p[r * k + j] = Math.exp(logits[r * k + j] - max);
                sum += p[r * k + j];
            }
            for (int j = 0; j < k; j++) {
                p[r * k + j] /= sum;
            }
        }
        return p;
    }
}
