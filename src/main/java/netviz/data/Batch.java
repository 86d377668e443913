package netviz.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import netviz.image.FloatImage;
import netviz.io.FloatArray;

/**
 * A batch of preprocessed examples: their dataset indices, the images as one (N, C, H, W) float array,
 * their labels (-1 when the dataset has none) and ids (file paths relative to the dataset, or
 * "name#index" for array datasets).
 */
public record Batch(int[] indices, float[] images, long[] shape, int[] labels, List<String> ids) {

    public Batch {
        if (shape.length != 4 || shape[0] != labels.length || shape[0] != ids.size() || indices.length != labels.length
                || (long) images.length != shape[0] * shape[1] * shape[2] * shape[3]) {
            throw new IllegalArgumentException("inconsistent batch " + Arrays.toString(shape) + " with "
                    + labels.length + " labels, " + ids.size() + " ids and " + images.length + " values");
        }
        ids = List.copyOf(ids);
    }

    /** Number of examples N. */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return (int) shape[1];
    }

    public int height() {
        return (int) shape[2];
    }

    public int width() {
        return (int) shape[3];
    }

    /** Whether the examples carry labels. */
    public boolean hasLabels() {
        return labels.length > 0 && labels[0] >= 0;
    }

    public int label(int i) {
        return labels[i];
    }

    public String id(int i) {
        return ids.get(i);
    }

    /** Dataset index of example {@code i}. */
    public int index(int i) {
        return indices[i];
    }

    /** A copy of example {@code i} as a (C, H, W) image. */
    public FloatImage image(int i) {
        int n = channels() * height() * width();
        return new FloatImage(channels(), height(), width(), Arrays.copyOfRange(images, i * n, (i + 1) * n));
    }

    /** The images as a float array (shares the data). */
    public FloatArray tensor() {
        return new FloatArray(images, shape.clone());
    }

    /** The images as a float32 (N, C, H, W) NDArray in the caller's manager. */
    public NDArray toNDArray(NDManager manager) {
        return tensor().toNDArray(manager);
    }

    /** The images as an (N, C, H, W) NDArray of the given floating type in the caller's manager. */
    public NDArray toNDArray(NDManager manager, DataType type) {
        return tensor().toNDArray(manager, type);
    }

    @Override
    public String toString() {
        return "Batch[from " + (indices.length == 0 ? "-" : indices[0]) + ", " + Arrays.toString(shape) + "]";
    }
}
