package netviz.session;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;

/**
 * One image as a technique sees it: where it came from ({@code dataset:12}, a file name, an upload
 * id), the model input it preprocesses to ({@code (1, C, H, W)} values), what the model sees as a
 * picture (un-normalised, at the input's size; null for a raw tensor), and its true class (-1: unknown).
 */
public record Picture(String id, float[] input, long[] shape, BufferedImage picture, int label) {
    public Picture {
        if (shape.length != 4 || shape[0] != 1) {
            throw new IllegalArgumentException("a picture is one input of shape (1, C, H, W), not "
                    + java.util.Arrays.toString(shape));
        }
        shape = shape.clone();
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

    /** The model input as a (1, C, H, W) NDArray in {@code scope}. */
    public NDArray toNDArray(NDManager scope) {
        return scope.create(input, new Shape(shape));
    }
}
