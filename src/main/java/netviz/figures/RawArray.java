package netviz.figures;

import java.nio.file.Path;
import netviz.io.Npy;

/** The numbers behind a figure (an attribution map, coordinates, activations) with their shape, row-major. */
public record RawArray(float[] values, long[] shape) {
    public RawArray {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
        shape = shape.clone();
    }

    /** Writes the array as a NumPy {@code .npy} file (float32). */
    public void writeNpy(Path file) {
        Npy.write(file, values, shape);
    }
}
