package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;
import netviz.engine.Tensor;

/** Small helpers shared by the operator classes of this package (axis handling, shape tensors, types). */
final class OpSupport {
    private OpSupport() {
    }

    /** The values of an integer (or boolean) tensor, e.g. a shape, axes or indices input. */
    static long[] longs(NDArray a) {
        if (a.getDataType() == DataType.INT64) {
            return a.toLongArray();
        }
        if (a.getDataType().isFloating()) {
            throw new IllegalArgumentException("expected an integer tensor, got " + a.getDataType());
        }
        try (NDArray c = a.toType(DataType.INT64, true)) {
            return c.toLongArray();
        }
    }

    /** One scalar of any numeric tensor, as a double. */
    static double scalarDouble(NDArray a) {
        if (a.getShape().size() != 1) {
            throw new IllegalArgumentException("expected a single value, got shape " + a.getShape());
        }
        try (NDArray c = a.toType(DataType.FLOAT64, true)) {
            return c.toDoubleArray()[0];
        }
    }

    /** A possibly negative axis turned into 0..rank-1 (accepting -rank..rank-1). */
    static int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Normalizes every axis and rejects repeats. */
    static int[] axes(long[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    throw new IllegalArgumentException("axis " + axes[i] + " is given twice in " + Arrays.toString(axes));
                }
            }
        }
        return out;
    }

    /** NumPy broadcast of two shapes (multidirectional broadcasting). */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    static long[] dims(NDArray a) {
        return a.getShape().getShape();
    }

    static Shape shape(long... dims) {
        return new Shape(dims);
    }

    /**
     * The DJL type of ONNX element type {@code code} as the interpreter holds it: floating types
     * become the interpreter's precision, unsigned and 16-bit integers widen (PyTorch lacks them).
     */
    static DataType holdType(Node node, long code, DataType floatType) {
        Tensor.ElementType t = Tensor.ElementType.ofOnnx((int) code);
        if (t == null) {
            throw new UnsupportedOperatorException("node '" + node.label() + "' (" + node.opType()
                    + "): element type " + code + " is not supported; supported: FLOAT, DOUBLE, FLOAT16, BFLOAT16, "
                    + "INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64, BOOL");
        }
        return t.isFloatingPoint() ? floatType : t.djlType();
    }

    /**
     * The most elements an operator that makes a tensor from a shape it reads at run time
     * (ConstantOfShape, Expand, Tile, Pad) may make: 2^28 (1 GiB of float32). A model that asks for
     * more (a hostile or corrupt one) fails on that node with one line instead of eating the machine.
     */
    static final long MAX_MADE_ELEMENTS = 1L << 28;

    /** Throws when {@code shape} has more than {@link #MAX_MADE_ELEMENTS} elements (or overflows). */
    static void checkMadeSize(String op, long[] shape) {
        double n = 1;
        for (long d : shape) {
            n *= Math.max(0, d);
        }
        if (n > MAX_MADE_ELEMENTS) {
            throw new IllegalArgumentException(op + " would make a tensor of shape " + Arrays.toString(shape) + " ("
                    + String.format(java.util.Locale.ROOT, "%.3g", n) + " elements); at most " + MAX_MADE_ELEMENTS
                    + " are supported");
        }
    }

    /** Rejects an element type code netviz cannot hold (checked at load time). */
    static void checkType(Node node, long code) {
        holdType(node, code, DataType.FLOAT32);
    }

    /** Brings a floating tensor made from a Constant/attribute to the interpreter's precision. */
    static NDArray toFloatType(NDArray a, DataType floatType) {
        if (a.getDataType().isFloating() && a.getDataType() != floatType) {
            return a.toType(floatType, false);
        }
        return a;
    }

    /** Whether the node reads its i-th input (present and not omitted). */
    static boolean has(NDArray[] in, int i) {
        return i < in.length && in[i] != null;
    }
}
