package netviz.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import netviz.ModelFormatException;
import netviz.UnsupportedOperatorException;
import netviz.engine.Tensor;

/**
 * Converts ONNX TensorProto to and from {@link Tensor}: raw_data and the typed fields
 * (float_data, int32_data, int64_data, double_data, uint64_data), and data stored as external
 * files beside the model. Sizes are checked against the bytes actually present before anything is
 * allocated, so a header claiming absurd dimensions fails cleanly.
 */
public final class TensorProtos {
    /** Largest tensor netviz loads (2 GiB of elements would not fit a Java array anyway). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private TensorProtos() {
    }

    /**
     * @param baseDir folder of the model file, for external data; null when there is none
     */
    public static Tensor toTensor(OnnxMl.TensorProto t, Path baseDir) {
        String name = t.getName().isEmpty() ? "(unnamed)" : t.getName();
        Tensor.ElementType type = Tensor.ElementType.ofOnnx(t.getDataType());
        if (type == null) {
            throw new UnsupportedOperatorException("tensor '" + name + "' has element type "
                    + typeName(t.getDataType()) + "; netviz reads float, double, float16, bfloat16, int8/16/32/64,"
                    + " uint8/16/32/64 and bool tensors");
        }
        long[] shape = new long[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getDims(i);
            if (shape[i] < 0) {
                throw new ModelFormatException("tensor '" + name + "' has a negative dimension: " + t.getDimsList());
            }
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException("tensor '" + name + "' has absurd dimensions " + t.getDimsList());
            }
        }
        if (n > MAX_BYTES / type.bytes()) {
            throw new ModelFormatException("tensor '" + name + "' has " + n + " elements; netviz loads tensors of at most "
                    + (MAX_BYTES / type.bytes()) + " " + type + " elements");
        }
        int bytes = (int) (n * type.bytes());
        ByteBuffer buf;
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            buf = external(t, name, bytes, baseDir);
        } else if (!t.getRawData().isEmpty() || n == 0) {
            ByteString raw = t.getRawData();
            if (raw.size() != bytes) {
                throw new ModelFormatException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " and type "
                        + type + " needs " + bytes + " bytes of raw_data but has " + raw.size());
            }
            buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            raw.copyTo(buf);
            buf.flip();
        } else {
            buf = typed(t, type, name, (int) n);
        }
        return new Tensor(type, shape, buf);
    }

    private static ByteBuffer typed(OnnxMl.TensorProto t, Tensor.ElementType type, String name, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT:
                check(name, "float_data", t.getFloatDataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putFloat(t.getFloatData(i));
                }
                break;
            case DOUBLE:
                check(name, "double_data", t.getDoubleDataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putDouble(t.getDoubleData(i));
                }
                break;
            case INT64:
                check(name, "int64_data", t.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putLong(t.getInt64Data(i));
                }
                break;
            case UINT32:
                check(name, "uint64_data", t.getUint64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putInt((int) t.getUint64Data(i));
                }
                break;
            case UINT64:
                check(name, "uint64_data", t.getUint64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putLong(t.getUint64Data(i));
                }
                break;
            case INT32:
                check(name, "int32_data", t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putInt(t.getInt32Data(i));
                }
                break;
            case INT16: case UINT16: case FLOAT16: case BFLOAT16:
                check(name, "int32_data", t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.putShort((short) t.getInt32Data(i));
                }
                break;
            case INT8: case UINT8: case BOOL:
                check(name, "int32_data", t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    b.put((byte) t.getInt32Data(i));
                }
                break;
            default:
                throw new IllegalStateException(type.name());
        }
        b.flip();
        return b;
    }

    private static void check(String name, String field, int have, int need) {
        if (have != need) {
            throw new ModelFormatException("tensor '" + name + "' needs " + need + " values in " + field + " but has " + have);
        }
    }

    private static ByteBuffer external(OnnxMl.TensorProto t, String name, int bytes, Path baseDir) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location": location = e.getValue(); break;
                    case "offset": offset = Long.parseLong(e.getValue()); break;
                    case "length": length = Long.parseLong(e.getValue()); break;
                    default: break;
                }
            } catch (NumberFormatException ex) {
                throw new ModelFormatException("tensor '" + name + "': external data " + e.getKey() + " is not a number: "
                        + e.getValue());
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelFormatException("tensor '" + name + "' is stored externally but names no location");
        }
        if (baseDir == null) {
            throw new ModelFormatException("tensor '" + name + "' is stored in external file '" + location
                    + "', but the model was not loaded from a file");
        }
        Path dir = baseDir.toAbsolutePath().normalize();
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir)) {
            throw new ModelFormatException("tensor '" + name + "': external data location '" + location
                    + "' points outside the model's folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("tensor '" + name + "': external data file '" + file + "' is missing");
        }
        if (length >= 0 && length != bytes) {
            throw new ModelFormatException("tensor '" + name + "' needs " + bytes + " bytes but its external data length is "
                    + length);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (offset < 0 || offset + bytes > f.length()) {
                throw new ModelFormatException("tensor '" + name + "': external file '" + location + "' has " + f.length()
                        + " bytes; offset " + offset + " + " + bytes + " bytes does not fit");
            }
            byte[] data = new byte[bytes];
            f.seek(offset);
            f.readFully(data);
            return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException("tensor '" + name + "': cannot read external data file '" + file + "': "
                    + e.getMessage());
        }
    }

    /** A TensorProto with raw_data (little-endian), as the exporters write it. */
    public static OnnxMl.TensorProto toProto(String name, Tensor t) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(t.type().onnxCode());
        for (long d : t.shape()) {
            b.addDims(d);
        }
        b.setRawData(ByteString.copyFrom(t.data()));
        return b.build();
    }

    static String typeName(int code) {
        OnnxMl.TensorProto.DataType d = OnnxMl.TensorProto.DataType.forNumber(code);
        return d == null ? "#" + code : d.name();
    }
}
