package netviz.cli;

import java.nio.file.Path;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.engine.Tensor;

/** Reads input files into tensors for {@link InputOptions}. */
final class Inputs {
    private Inputs() {
    }

    static Tensor readNpy(Path file) {
        throw new NetvizException("cannot read '" + file + "': NumPy input needs netviz.io.Npy, which this build lacks");
    }

    static Tensor readImage(Path file, Graph graph, InputOptions.Flags flags) {
        throw new NetvizException("cannot read '" + file + "': image input needs netviz.image, which this build lacks");
    }

    /** (C,H,W) becomes (1,C,H,W); (N,C,H,W) stays; anything else is rejected. */
    static Tensor batched(Tensor t, Path source) {
        if (t.type() != Tensor.ElementType.FLOAT) {
            throw new ShapeMismatchException("input '" + source + "' holds " + t.type()
                    + " values; netviz takes float32 arrays");
        }
        if (t.rank() == 3) {
            long[] s = t.shape();
            return new Tensor(t.type(), new long[] {1, s[0], s[1], s[2]}, t.data());
        }
        if (t.rank() != 4) {
            throw new ShapeMismatchException("input '" + source + "' has shape " + java.util.Arrays.toString(t.shape())
                    + "; netviz takes (N,C,H,W) or (C,H,W)");
        }
        return t;
    }
}
