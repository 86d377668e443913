package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import netviz.ModelFormatException;

/**
 * A tensor held on the Java heap: an ONNX element type, a shape and little-endian bytes. This is
 * how initializers, Constant attributes and .npy files are held before they become NDArrays.
 */
public final class Tensor {

    /** ONNX element types (TensorProto.DataType numbers) that netviz reads. */
    public enum ElementType {
        FLOAT(1, 4, DataType.FLOAT32), UINT8(2, 1, DataType.UINT8), INT8(3, 1, DataType.INT8),
        UINT16(4, 2, DataType.INT32), INT16(5, 2, DataType.INT32), INT32(6, 4, DataType.INT32),
        INT64(7, 8, DataType.INT64), BOOL(9, 1, DataType.BOOLEAN), FLOAT16(10, 2, DataType.FLOAT16),
        DOUBLE(11, 8, DataType.FLOAT64), UINT32(12, 4, DataType.INT64), UINT64(13, 8, DataType.INT64),
        BFLOAT16(16, 2, DataType.FLOAT32);

        private final int onnx;
        private final int bytes;
        private final DataType djl;

        ElementType(int onnx, int bytes, DataType djl) {
            this.onnx = onnx;
            this.bytes = bytes;
            this.djl = djl;
        }

        public int onnxCode() {
            return onnx;
        }

        public int bytes() {
            return bytes;
        }

        /**
         * The DJL type an NDArray of this element type gets (unsigned and 16-bit ints widen; BFLOAT16
         * widens to FLOAT32 because DJL 0.36 aborts the JVM when it makes a BFLOAT16 array).
         */
        public DataType djlType() {
            return djl;
        }

        public boolean isFloatingPoint() {
            return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
        }

        public static ElementType ofOnnx(int code) {
            for (ElementType t : values()) {
                if (t.onnx == code) {
                    return t;
                }
            }
            return null;
        }

        public static ElementType ofDjl(DataType type) {
            switch (type) {
                case FLOAT32: return FLOAT;
                case FLOAT64: return DOUBLE;
                case FLOAT16: return FLOAT16;
                case BFLOAT16: return BFLOAT16;
                case INT8: return INT8;
                case UINT8: return UINT8;
                case INT32: return INT32;
                case INT64: return INT64;
                case BOOLEAN: return BOOL;
                default: throw new IllegalArgumentException("no ONNX element type for " + type);
            }
        }
    }

    private final ElementType type;
    private final long[] shape;
    private final ByteBuffer data;

    /** @param data little-endian bytes, exactly {@code size(shape) * type.bytes()} of them */
    public Tensor(ElementType type, long[] shape, ByteBuffer data) {
        this.type = type;
        this.shape = shape.clone();
        long n = size(shape);
        if (data.remaining() != n * type.bytes()) {
            throw new ModelFormatException("tensor of shape " + Arrays.toString(shape) + " and type " + type
                    + " needs " + n * type.bytes() + " bytes but has " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static Tensor ofFloats(long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(ElementType.FLOAT, shape, b);
    }

    public static Tensor ofDoubles(long[] shape, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return new Tensor(ElementType.DOUBLE, shape, b);
    }

    public static Tensor ofLongs(long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(ElementType.INT64, shape, b);
    }

    public static Tensor ofInts(long[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new Tensor(ElementType.INT32, shape, b);
    }

    /** Copies an NDArray to the heap. */
    public static Tensor of(NDArray array) {
        ElementType t = ElementType.ofDjl(array.getDataType());
        ByteBuffer b = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer copy = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(b).flip();
        return new Tensor(t, array.getShape().getShape(), copy);
    }

    public ElementType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long size() {
        return size(shape);
    }

    /** The raw little-endian bytes (a read-only view). */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Values as doubles, whatever the element type. */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(size());
        double[] out = new double[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT: out[i] = b.getFloat(i * 4); break;
                case DOUBLE: out[i] = b.getDouble(i * 8); break;
                case INT64: case UINT64: out[i] = b.getLong(i * 8); break;
                case INT32: out[i] = b.getInt(i * 4); break;
                case UINT32: out[i] = Integer.toUnsignedLong(b.getInt(i * 4)); break;
                case INT16: out[i] = b.getShort(i * 2); break;
                case UINT16: out[i] = Short.toUnsignedInt(b.getShort(i * 2)); break;
                case INT8: out[i] = b.get(i); break;
                case UINT8: case BOOL: out[i] = Byte.toUnsignedInt(b.get(i)); break;
                case FLOAT16: out[i] = halfToFloat(b.getShort(i * 2)); break;
                case BFLOAT16: out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); break;
                default: throw new IllegalStateException(type.name());
            }
        }
        return out;
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits >>> 15) << 31;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public float[] toFloatArray() {
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Values as longs (integer types exactly; floating types truncated). */
    public long[] toLongArray() {
        int n = Math.toIntExact(size());
        long[] out = new long[n];
        ByteBuffer b = data();
        if (type == ElementType.INT64 || type == ElementType.UINT64) {
            for (int i = 0; i < n; i++) {
                out[i] = b.getLong(i * 8);
            }
            return out;
        }
        double[] d = toDoubleArray();
        for (int i = 0; i < n; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }

    /**
     * Makes an NDArray in {@code manager}. Unsigned and 16-bit integer types are widened (PyTorch has
     * no uint16/uint32/uint64); FLOAT becomes {@code floatType} when that is given (FLOAT64 for
     * double-precision evaluation).
     */
    public NDArray toNDArray(NDManager manager, DataType floatType) {
        Shape s = new Shape(shape);
        NDArray a;
        switch (type) {
            case FLOAT: case DOUBLE: case INT64: case INT32: case INT8: case UINT8: case BOOL:
            case FLOAT16:
                a = manager.create(data(), s, type.djlType());
                break;
            case BFLOAT16: // widened in Java: DJL aborts the JVM on a BFLOAT16 array
                a = manager.create(toFloatArray(), s);
                break;
            case INT16: case UINT16: {
                double[] d = toDoubleArray();
                int[] v = new int[d.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (int) d[i];
                }
                a = manager.create(v, s);
                break;
            }
            case UINT32: case UINT64:
                a = manager.create(toLongArray(), s);
                break;
            default:
                throw new IllegalStateException(type.name());
        }
        if (floatType != null && type == ElementType.FLOAT && floatType != DataType.FLOAT32) {
            NDArray c = a.toType(floatType, false);
            a.close();
            a = c;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Tensor(" + type + ", " + Arrays.toString(shape) + ")";
    }
}
