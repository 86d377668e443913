package netviz.methods.attribution;

import java.util.Arrays;

/**
 * The raw result of an attribution method: a float array in row-major order with its shape, whose
 * first axis is the batch (one attribution per input image), and the concrete target each
 * example was explained for. The meaning of the other axes is stated by each method's
 * {@code attribute} (e.g. (N, H, W) for {@link Saliency}, (N, C, H, W) for
 * {@link IntegratedGradients}, (N, rows, cols) for {@link Occlusion}).
 *
 * @param values row-major values
 * @param shape  the shape, batch first
 * @param target what each example was explained for (null where no single scalar was, e.g.
 *               {@link OcclusionFeatureMaps})
 */
public record Attributions(float[] values, long[] shape, Selection target) {

    public Attributions {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length
                    + " values");
        }
        shape = shape.clone();
    }

    /** Number of examples (the first axis). */
    public int size() {
        return (int) shape[0];
    }

    /** The shape of one example's attribution (shape without the batch axis). */
    public long[] exampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** The values of example {@code n}, row-major over {@link #exampleShape()}. */
    public float[] example(int n) {
        int per = values.length / (int) shape[0];
        return Arrays.copyOfRange(values, n * per, (n + 1) * per);
    }

    /** The value at a full index (batch first). */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
        }
        long flat = 0;
        for (int i = 0; i < index.length; i++) {
            flat = flat * shape[i] + index[i];
        }
        return values[(int) flat];
    }

    /** The sum of example {@code n}'s values. */
    public double sum(int n) {
        double s = 0;
        for (float v : example(n)) {
            s += v;
        }
        return s;
    }

    @Override
    public String toString() {
        return "Attributions" + Arrays.toString(shape) + " for " + target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributions a && Arrays.equals(a.values, values) && Arrays.equals(a.shape, shape)
                && java.util.Objects.equals(a.target, target);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + Arrays.hashCode(shape);
    }
}
