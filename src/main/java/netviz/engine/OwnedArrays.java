package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Arrays whose memory libtorch owns, for every array that autograd may save or a view may outlive.
 *
 * <p>On CPU, DJL backs an array made from Java data ({@code manager.create(float[])},
 * {@code create(Number)}) with a direct ByteBuffer that only the Java {@code NDArray} object keeps
 * alive; libtorch merely borrows that memory. Closing the array (an {@code NDScope} closing an op's
 * temporaries, or DJL itself: {@code x.mul(2.0)}, {@code div(Number)}, {@code pow(Number)},
 * {@code minimum(Number)} … create the scalar from Java data and close it before returning) lets
 * the next garbage collection free the buffer while libtorch may still read it: autograd saves the
 * factor of a product, the divisor of a division or the indices of a gather for the backward pass,
 * and a reshaped or transposed view shares its base's memory. The backward pass then computes with
 * whatever the allocator wrote there. So, in code that autograd may record, multiply by
 * {@link #scalar} rather than by a Java number, and turn arrays made from Java data into
 * {@link #copyOf owned copies} before they can be closed while still in use.
 */
public final class OwnedArrays {
    private OwnedArrays() {
    }

    /**
     * A 0-d array holding {@code value} with {@code like}'s data type, device and manager, in memory
     * that libtorch allocated (safe for autograd to save after the array is closed).
     */
    public static NDArray scalar(NDArray like, double value) {
        return JniUtils.full((PtNDManager) like.getManager(), new Shape(), value, like.getDataType(),
                like.getDevice(), SparseFormat.DENSE);
    }

    /**
     * A copy of {@code javaBacked} in memory that libtorch allocated, in the same manager; closes
     * {@code javaBacked}. Use it for arrays made from Java data that autograd may save or a view may
     * share. (DJL's {@code duplicate()} does not do this: it copies into a new Java buffer.)
     */
    public static NDArray copyOf(NDArray javaBacked) {
        NDArray c = JniUtils.clone((PtNDArray) javaBacked);
        javaBacked.close();
        return c;
    }
}
