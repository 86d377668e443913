package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Thin access to PyTorch's autograd without DJL's GradientCollector, whose "collecting" flag is
 * process-wide (two threads computing gradients would collide). Grad mode in PyTorch is per
 * thread, so {@link #record()} is safe to use from several threads at once.
 */
public final class Autograd {
    private Autograd() {
    }

    /** A scope with grad mode set as asked; closing restores the previous mode of this thread. */
    public static final class Mode implements AutoCloseable {
        private final boolean previous;

        private Mode(boolean on) {
            previous = JniUtils.isGradMode();
            JniUtils.setGradMode(on);
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }

    /** Turns grad mode on for this thread until the returned scope is closed. */
    public static Mode record() {
        return new Mode(true);
    }

    /** Turns grad mode off for this thread until the returned scope is closed (plain inference). */
    public static Mode pause() {
        return new Mode(false);
    }

    /** A new leaf that shares {@code x}'s data, is cut from any graph and requires a gradient. */
    public static NDArray leaf(NDArray x) {
        NDArray l = x.stopGradient();
        l.setRequiresGradient(true);
        return l;
    }

    public static boolean requiresGrad(NDArray x) {
        return JniUtils.requiresGrad((PtNDArray) x);
    }

    /**
     * Back-propagates {@code grad} (same shape as {@code target}) from {@code target}: the
     * vector-Jacobian product lands in the gradient of every leaf that requires one.
     */
    public static void backward(NDArray target, NDArray grad, boolean keepGraph) {
        JniUtils.backward((PtNDArray) target, (PtNDArray) grad, keepGraph, false);
    }

    /** Back-propagates from a scalar. */
    public static void backward(NDArray scalar) {
        try (NDArray one = scalar.onesLike()) {
            backward(scalar, one, false);
        }
    }

    /** The gradient accumulated in {@code leaf}, as a new array in the leaf's manager (zeros if none). */
    public static NDArray gradient(NDArray leaf) {
        NDArray g = leaf.getGradient();
        return g;
    }
}
