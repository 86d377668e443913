package netviz.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.engine.Tensor;

/**
 * A dense row-major (C order) float array with its shape: the plain-Java form in which netviz
 * hands tensors between packages (an image batch (N, C, H, W), a saliency map, a .npy file).
 * The record does not copy: {@code data} is shared with whoever made it.
 *
 * @param data  the values, {@code product(shape)} of them
 * @param shape the dimensions (empty for a scalar)
 */
public record FloatArray(float[] data, long[] shape) {

    public FloatArray {
        long n = Tensor.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values but " + data.length + " were given");
        }
    }

    /** An array of the given shape holding {@code data}. */
    public static FloatArray of(float[] data, long... shape) {
        return new FloatArray(data, shape.clone());
    }

    /** The values of a heap tensor of any element type, converted to float. */
    public static FloatArray of(Tensor tensor) {
        return new FloatArray(tensor.toFloatArray(), tensor.shape());
    }

    /** Copies an NDArray (any numeric type) to the heap. */
    public static FloatArray of(NDArray array) {
        NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        try {
            return new FloatArray(f.toFloatArray(), array.getShape().getShape());
        } finally {
            if (f != array) {
                f.close();
            }
        }
    }

    public int rank() {
        return shape.length;
    }

    public long size() {
        return data.length;
    }

    /** Dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return Math.toIntExact(shape[axis < 0 ? shape.length + axis : axis]);
    }

    /** The same values as a FLOAT heap tensor. */
    public Tensor toTensor() {
        return Tensor.ofFloats(shape, data);
    }

    /** An NDArray of type float32 in {@code manager} (the caller owns it). */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(shape));
    }

    /** An NDArray of the given floating type in {@code manager} (the caller owns it). */
    public NDArray toNDArray(NDManager manager, DataType type) {
        NDArray a = toNDArray(manager);
        if (type == null || type == DataType.FLOAT32) {
            return a;
        }
        NDArray c = a.toType(type, false);
        a.close();
        return c;
    }

    /** The same values viewed with another shape of the same size. */
    public FloatArray reshape(long... newShape) {
        return new FloatArray(data, newShape.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatArray f && Arrays.equals(f.data, data) && Arrays.equals(f.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatArray" + Arrays.toString(shape);
    }
}
