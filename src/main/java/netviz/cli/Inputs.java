package netviz.cli;

import java.nio.file.Path;
import netviz.InputFormatException;
import netviz.io.Npy;
import netviz.methods.Finite;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.engine.Tensor;

/** Reads input files into tensors for {@link InputOptions}. */
final class Inputs {
    private Inputs() {
    }

    /**
     * A .npy file as float32; float64 and float16 arrays are converted, integer arrays rejected, and
     * so are arrays with NaN or infinities (naming the first bad index) and empty arrays.
     */
    static Tensor readNpy(Path file) {
        Tensor t = Npy.read(file);
        if (t.type() != Tensor.ElementType.FLOAT) {
            if (!t.type().isFloatingPoint()) {
                throw new InputFormatException("input '" + file + "' holds " + t.type().name().toLowerCase(java.util.Locale.ROOT)
                        + " values; --input takes a float32 array of shape (N,C,H,W) or (C,H,W)");
            }
            t = Tensor.ofFloats(t.shape(), t.toFloatArray());
        }
        requireNonEmpty(t.shape(), file);
        Finite.requireInput(t.toFloatArray(), t.shape(), "input '" + file + "'");
        return t;
    }

    /** Refuses an array with a zero-length axis, e.g. an empty batch of shape (0,1,28,28). */
    static void requireNonEmpty(long[] shape, Path source) {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                throw new InputFormatException("input '" + source + "' has shape " + java.util.Arrays.toString(shape)
                        + (i == 0 && shape.length == 4 ? ": an empty batch" : ": it holds no values")
                        + "; give at least one example, (N,C,H,W) with N >= 1 or (C,H,W)");
            }
        }
    }


    /**
     * Adds the batch axis when the array lacks it: (C,H,W) becomes (1,C,H,W) for a model whose input
     * has rank 4 (or declares no shape); an array of the model's own rank is fed as it is, and the
     * interpreter checks its shape against the declared one.
     */
    static Tensor batched(Tensor t, Path source, Graph graph) {
        if (t.type() != Tensor.ElementType.FLOAT) {
            throw new InputFormatException("input '" + source + "' holds " + t.type()
                    + " values; netviz takes float32 arrays");
        }
        int rank = 4;
        if (graph.inputs().size() == 1 && graph.inputs().get(0).hasShape()) {
            rank = graph.inputs().get(0).dims().length;
        }
        if (t.rank() == rank - 1 && rank >= 2) {
            long[] s = t.shape();
            long[] b = new long[rank];
            b[0] = 1;
            System.arraycopy(s, 0, b, 1, s.length);
            return new Tensor(t.type(), b, t.data());
        }
        requireNonEmpty(t.shape(), source);
        if (t.rank() != rank) {
            String expected = graph.inputs().size() == 1 ? graph.inputs().get(0).shapeString() : "rank " + rank;
            throw new ShapeMismatchException("input '" + source + "' has shape " + java.util.Arrays.toString(t.shape())
                    + " but the model expects " + expected + (rank == 4 ? " (N,C,H,W) or (C,H,W)" : ""));
        }
        return t;
    }

    /**
     * For a channels-last model that netviz feeds as NCHW (see {@link netviz.engine.ModelView}): an
     * array given in the model's own layout (N, H, W, C) is transposed to (N, C, H, W); an array
     * already in NCHW is fed as it is.
     */
    static Tensor channelsFirst(Tensor t, Graph graph) {
        if (!netviz.engine.ModelView.isTransposed(graph) || t.rank() != 4 || graph.inputs().size() != 1) {
            return t;
        }
        long[] d = graph.inputs().get(0).dims();
        long[] s = t.shape();
        boolean nchw = s[1] == d[1] && (d[2] < 0 || s[2] == d[2]) && (d[3] < 0 || s[3] == d[3]);
        boolean nhwc = s[3] == d[1] && (d[2] < 0 || s[1] == d[2]) && (d[3] < 0 || s[2] == d[3]);
        if (nchw || !nhwc) {
            return t;
        }
        int n = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        int c = (int) s[3];
        float[] in = t.toFloatArray();
        float[] out = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        out[((i * c + k) * h + y) * w + x] = in[((i * h + y) * w + x) * c + k];
                    }
                }
            }
        }
        return Tensor.ofFloats(new long[] {n, c, h, w}, out);
    }
}
