package netviz.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.engine.Tensor;
import netviz.engine.Tensor.ElementType;

/**
 * Reads and writes the NumPy {@code .npy} format (format versions 1.0, 2.0 and 3.0), as specified in
 * {@code numpy/lib/format.py}: the magic string {@code \x93NUMPY}, a major and minor version byte, a
 * little-endian header length (2 bytes in 1.0, 4 bytes in 2.0 and 3.0), an ASCII (UTF-8 in 3.0) Python
 * dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }} padded
 * with spaces to a multiple of 64 bytes and ended by a newline, then the raw array data.
 *
 * <p>Element types read: {@code f2 f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1}, little-endian ({@code <}),
 * big-endian ({@code >}, converted on reading) or byte-order free ({@code |}). Arrays are read in C
 * (row-major) order; Fortran-order arrays of rank 2 or more are rejected with a message that says how
 * to convert them. Structured and object dtypes are rejected.
 *
 * <p>Every size is checked against the file before anything is allocated: a header that claims
 * more data than the file holds (or less: trailing bytes) is an {@link InputFormatException}.
 *
 * <p>Writing always produces little-endian, C-order, version 1.0 files (2.0 when the header does
 * not fit 65,535 bytes), which every NumPy since 1.0 loads with {@code numpy.load}. Files are written
 * to a temporary sibling and moved into place, so a failed write leaves nothing half-written.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Largest header accepted (numpy itself refuses headers over 10,000 bytes by default). */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** Largest array loaded at once: one Java byte buffer. */
    static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 64;

    private Npy() {
    }

    /**
     * What a .npy header says.
     *
     * @param major       format major version (1, 2 or 3)
     * @param minor       format minor version
     * @param descr       the dtype string as written, e.g. {@code "<f4"}
     * @param type        the element type it names
     * @param bigEndian   whether the data are stored big-endian
     * @param shape       the array's shape (empty for a scalar)
     * @param dataOffset  the byte offset at which the data begin
     */
    public record Header(int major, int minor, String descr, ElementType type, boolean bigEndian, long[] shape,
                         long dataOffset) {
        /** Number of elements. */
        public long count() {
            return Tensor.size(shape);
        }

        /** Bytes of data the header announces. */
        public long dataBytes() {
            return Math.multiplyExact(count(), (long) type.bytes());
        }

        @Override
        public String toString() {
            return "npy v" + major + "." + minor + " " + descr + " " + Arrays.toString(shape);
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads a whole .npy file into a heap tensor (little-endian, C order). */
    public static Tensor read(Path file) {
        try (FileChannel ch = open(file)) {
            Header h = readHeader(ch, file.toString(), ch.size());
            checkLoadable(h, file.toString());
            ByteBuffer data = ByteBuffer.allocate((int) h.dataBytes());
            ch.position(h.dataOffset());
            while (data.hasRemaining()) {
                if (ch.read(data) < 0) {
                    throw truncated(file.toString(), h, h.dataOffset() + data.position());
                }
            }
            data.flip();
            return toTensor(h, data);
        } catch (IOException e) {
            throw new InputFormatException("cannot read .npy file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Reads a .npy file and converts its values to float, whatever the element type. */
    public static FloatArray readFloats(Path file) {
        return FloatArray.of(read(file));
    }

    /**
     * Reads a model input: a .npy array of shape (N, C, H, W), or (C, H, W) which gets a batch axis of 1,
     * converted to float whatever its element type.
     *
     * @throws netviz.ShapeMismatchException for any other rank, saying the shapes accepted
     */
    public static FloatArray readBatch(Path file) {
        FloatArray a = readFloats(file);
        if (a.rank() == 3) {
            long[] s = a.shape();
            return a.reshape(1, s[0], s[1], s[2]);
        }
        if (a.rank() != 4) {
            throw new netviz.ShapeMismatchException(".npy input '" + file + "' has shape " + Arrays.toString(a.shape())
                    + "; a model input is (N, C, H, W) or (C, H, W)");
        }
        return a;
    }

    /** Parses .npy bytes held in memory; {@code name} is used in error messages. */
    public static Tensor fromBytes(byte[] bytes, String name) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Header h = parseHeader(buf, name, bytes.length);
        checkLoadable(h, name);
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) h.dataOffset(), (int) h.dataBytes()).slice();
        return toTensor(h, data);
    }

    /**
     * Reads only the header of a .npy file, checking that the file is exactly as long as the header
     * says. Used to stream arrays too large to load at once (see {@code netviz.data.Datasets}).
     */
    public static Header readHeader(Path file) {
        try (FileChannel ch = open(file)) {
            return readHeader(ch, file.toString(), ch.size());
        } catch (IOException e) {
            throw new InputFormatException("cannot read .npy file '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * Converts {@code count} elements of raw stored data (in the header's byte order and type) to
     * floats. {@code raw} is read from its position.
     */
    public static void decodeFloats(Header h, ByteBuffer raw, float[] dst, int offset, int count) {
        ByteBuffer b = raw.slice().order(h.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            dst[offset + i] = (float) element(h.type(), b, i);
        }
    }

    /** Converts {@code count} stored integer (or bool) elements to longs; floats are truncated. */
    public static void decodeLongs(Header h, ByteBuffer raw, long[] dst, int offset, int count) {
        ByteBuffer b = raw.slice().order(h.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            dst[offset + i] = h.type() == ElementType.INT64 || h.type() == ElementType.UINT64
                    ? b.getLong(i * 8) : (long) element(h.type(), b, i);
        }
    }

    private static double element(ElementType t, ByteBuffer b, int i) {
        switch (t) {
            case FLOAT: return b.getFloat(i * 4);
            case DOUBLE: return b.getDouble(i * 8);
            case INT8: return b.get(i);
            case UINT8: case BOOL: return b.get(i) & 0xff;
            case INT16: return b.getShort(i * 2);
            case UINT16: return b.getShort(i * 2) & 0xffff;
            case INT32: return b.getInt(i * 4);
            case UINT32: return Integer.toUnsignedLong(b.getInt(i * 4));
            case INT64: return b.getLong(i * 8);
            case UINT64: {
                long v = b.getLong(i * 8);
                return v >= 0 ? v : (double) (v >>> 1) * 2.0;
            }
            case FLOAT16: return half(b.getShort(i * 2));
            default: throw new IllegalStateException(t.name());
        }
    }

    private static float half(short h) {
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

    private static FileChannel open(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new InputFormatException("'" + file + "' is a directory, not a .npy file");
            }
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new InputFormatException("'" + file + "' is not a regular file (a device, FIFO or socket); "
                        + "give a .npy file that is a regular file");
            }
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new InputFormatException(".npy file '" + file + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new InputFormatException("cannot read .npy file '" + file + "': permission denied");
        } catch (IOException e) {
            throw new InputFormatException("cannot open .npy file '" + file + "': " + e.getMessage(), e);
        }
    }

    private static Header readHeader(FileChannel ch, String name, long fileLength) throws IOException {
        int prefix = (int) Math.min(fileLength, 12);
        ByteBuffer start = ByteBuffer.allocate(prefix);
        readFully(ch, start, 0);
        start.flip();
        int headerLen = headerLength(start, name, fileLength);
        int lenBytes = start.get(6) == 1 ? 2 : 4;
        ByteBuffer all = ByteBuffer.allocate(6 + 2 + lenBytes + headerLen);
        readFully(ch, all, 0);
        all.flip();
        return parseHeader(all, name, fileLength);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                break;
            }
        }
    }

    /** Validates magic and version and returns the header length, checked against the file length. */
    private static int headerLength(ByteBuffer b, String name, long fileLength) {
        if (b.limit() < MAGIC.length) {
            throw new InputFormatException("'" + name + "' is not a .npy file: it is only " + fileLength
                    + " bytes long (a .npy file starts with the 6-byte magic \\x93NUMPY)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw new InputFormatException("'" + name + "' is not a .npy file: it does not start with the"
                        + " magic string \\x93NUMPY");
            }
        }
        if (b.limit() < 8) {
            throw new InputFormatException(".npy file '" + name + "' is truncated inside its header");
        }
        int major = b.get(6) & 0xff;
        int minor = b.get(7) & 0xff;
        if (major < 1 || major > 3) {
            throw new InputFormatException(".npy file '" + name + "' has format version " + major + "." + minor
                    + "; netviz reads versions 1.0, 2.0 and 3.0");
        }
        int lenBytes = major == 1 ? 2 : 4;
        if (b.limit() < 8 + lenBytes) {
            throw new InputFormatException(".npy file '" + name + "' is truncated inside its header");
        }
        long len = major == 1
                ? (b.get(8) & 0xff) | (b.get(9) & 0xff) << 8
                : (b.get(8) & 0xffL) | (b.get(9) & 0xffL) << 8 | (b.get(10) & 0xffL) << 16 | (b.get(11) & 0xffL) << 24;
        if (len > MAX_HEADER_BYTES) {
            throw new InputFormatException(".npy file '" + name + "' declares a header of " + len
                    + " bytes; netviz accepts headers up to " + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + lenBytes + len > fileLength) {
            throw new InputFormatException(".npy file '" + name + "' is truncated: its header declares " + len
                    + " bytes but the file is only " + fileLength + " bytes long");
        }
        return (int) len;
    }

    private static Header parseHeader(ByteBuffer b, String name, long fileLength) {
        int headerLen = headerLength(b, name, fileLength);
        int major = b.get(6) & 0xff;
        int minor = b.get(7) & 0xff;
        int start = major == 1 ? 10 : 12;
        byte[] text = new byte[headerLen];
        b.get(start, text);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> map;
        try {
            map = new DictParser(dict).parse();
        } catch (IllegalArgumentException e) {
            throw new InputFormatException(".npy file '" + name + "' has a malformed header (" + e.getMessage()
                    + "): " + abbreviate(dict.strip()));
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!map.containsKey(key)) {
                throw new InputFormatException(".npy file '" + name + "' has no '" + key + "' in its header: "
                        + abbreviate(dict.strip()));
            }
        }
        if (map.size() != 3) {
            List<String> extra = new ArrayList<>(map.keySet());
            extra.removeAll(List.of("descr", "fortran_order", "shape"));
            throw new InputFormatException(".npy file '" + name + "' has unexpected header keys " + extra
                    + " (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
        }
        Object descrObj = map.get("descr");
        if (!(descrObj instanceof String descr)) {
            throw new InputFormatException(".npy file '" + name + "' holds a structured array (descr " + descrObj
                    + "); netviz reads plain numeric arrays (" + SUPPORTED + ")");
        }
        if (!(map.get("fortran_order") instanceof Boolean fortran)) {
            throw new InputFormatException(".npy file '" + name + "' has a non-boolean 'fortran_order' in its header");
        }
        if (!(map.get("shape") instanceof List<?> dims)) {
            throw new InputFormatException(".npy file '" + name + "' has a 'shape' that is not a tuple of integers");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new InputFormatException(".npy file '" + name + "' has an invalid dimension " + dims.get(i)
                        + " in its shape " + dims);
            }
            shape[i] = d;
        }
        boolean bigEndian;
        ElementType type;
        if (descr.length() < 2) {
            throw unsupported(name, descr);
        }
        char order = descr.charAt(0);
        String code = descr.substring(1);
        if (order == '<' || order == '=' || order == '|') {
            bigEndian = false;
        } else if (order == '>') {
            bigEndian = true;
        } else {
            order = 0;
            code = descr;
            bigEndian = false;
        }
        type = typeOf(code);
        if (type == null) {
            throw unsupported(name, descr);
        }
        if (type.bytes() == 1) {
            bigEndian = false;
        }
        if (fortran) {
            long nonUnit = Arrays.stream(shape).filter(d -> d != 1).count();
            if (nonUnit > 1) {
                throw new InputFormatException(".npy file '" + name + "' holds a Fortran-order (column-major) array of"
                        + " shape " + Arrays.toString(shape) + "; netviz reads C-order arrays: save"
                        + " numpy.ascontiguousarray(a) instead");
            }
        }
        long offset = start + headerLen;
        Header h = new Header(major, minor, descr, type, bigEndian, shape, offset);
        long need;
        try {
            need = h.dataBytes();
        } catch (ArithmeticException e) {
            throw new InputFormatException(".npy file '" + name + "' claims an impossible shape "
                    + Arrays.toString(shape));
        }
        long have = fileLength - offset;
        if (have < need) {
            throw truncated(name, h, fileLength);
        }
        if (have > need) {
            throw new InputFormatException(".npy file '" + name + "' is longer than its header says: shape "
                    + Arrays.toString(shape) + " of " + descr + " needs " + need + " bytes of data but the file has "
                    + have);
        }
        return h;
    }

    private static final String SUPPORTED = "f2 f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1";

    private static ElementType typeOf(String code) {
        switch (code) {
            case "f2": case "e": return ElementType.FLOAT16;
            case "f4": case "f": return ElementType.FLOAT;
            case "f8": case "d": return ElementType.DOUBLE;
            case "i1": case "b": return ElementType.INT8;
            case "u1": case "B": return ElementType.UINT8;
            case "i2": case "h": return ElementType.INT16;
            case "u2": case "H": return ElementType.UINT16;
            case "i4": case "i": return ElementType.INT32;
            case "u4": case "I": return ElementType.UINT32;
            case "i8": case "q": return ElementType.INT64;
            case "u8": case "Q": return ElementType.UINT64;
            case "b1": case "?": return ElementType.BOOL;
            default: return null;
        }
    }

    private static InputFormatException unsupported(String name, String descr) {
        return new InputFormatException(".npy file '" + name + "' has element type '" + descr
                + "', which netviz does not read; supported: " + SUPPORTED + " (with < > or | byte order)");
    }

    private static InputFormatException truncated(String name, Header h, long fileLength) {
        return new InputFormatException(".npy file '" + name + "' is truncated: shape " + Arrays.toString(h.shape())
                + " of " + h.descr() + " needs " + h.dataBytes() + " bytes of data after the " + h.dataOffset()
                + "-byte header, but the file is " + fileLength + " bytes long");
    }

    private static void checkLoadable(Header h, String name) {
        if (h.dataBytes() > MAX_DATA_BYTES) {
            throw new NetvizException(".npy file '" + name + "' holds " + h.dataBytes() + " bytes; netviz loads at most "
                    + MAX_DATA_BYTES + " bytes at once (open it as a dataset to stream it in batches)");
        }
    }

    private static Tensor toTensor(Header h, ByteBuffer data) {
        ByteBuffer le = data;
        if (h.bigEndian()) {
            int w = h.type().bytes();
            byte[] swapped = new byte[data.remaining()];
            data.get(data.position(), swapped);
            for (int i = 0; i < swapped.length; i += w) {
                for (int a = i, z = i + w - 1; a < z; a++, z--) {
                    byte t = swapped[a];
                    swapped[a] = swapped[z];
                    swapped[z] = t;
                }
            }
            le = ByteBuffer.wrap(swapped);
        }
        return new Tensor(h.type(), h.shape(), le.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    // ------------------------------------------------------------------ writing

    /** Writes a tensor as a .npy file (BFLOAT16, which NumPy lacks, is written as float32). */
    public static void write(Path file, Tensor tensor) {
        writeAtomically(file, out -> write(out, tensor));
    }

    /** Writes float32 values of the given shape as a .npy file. */
    public static void write(Path file, float[] data, long... shape) {
        write(file, Tensor.ofFloats(shape, data));
    }

    /** Writes an NDArray (copied to the heap) as a .npy file of its element type. */
    public static void write(Path file, ai.djl.ndarray.NDArray array) {
        write(file, Tensor.of(array));
    }

    /** Writes a float array as a .npy float32 file. */
    public static void write(Path file, FloatArray array) {
        write(file, array.toTensor());
    }

    /** The .npy encoding of a tensor. */
    public static byte[] toBytes(Tensor tensor) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            write(out, tensor);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Writes the .npy encoding of a tensor to a stream (not closed). */
    public static void write(OutputStream out, Tensor tensor) throws IOException {
        Tensor t = tensor.type() == ElementType.BFLOAT16 ? Tensor.ofFloats(tensor.shape(), tensor.toFloatArray()) : tensor;
        writeHeader(out, t.type(), t.shape());
        ByteBuffer data = t.data();
        byte[] chunk = new byte[1 << 16];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /**
     * Writes only the .npy header of an array of {@code type} and {@code shape}; the caller then
     * writes the values, little-endian, in C order (to stream an array too large to hold).
     */
    public static void writeHeader(OutputStream out, ElementType type, long[] shape) throws IOException {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descrOf(type))
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(shape[i]).append(i == 0 && shape.length == 1 ? ",)" : i < shape.length - 1 ? ", " : ")");
        }
        if (shape.length == 0) {
            dict.append(")");
        }
        dict.append(", }");
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        int major = text.length + 1 + 10 > 65535 ? 2 : 1;
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + text.length + 1 + 63) / 64 * 64;
        int headerLen = total - prefix;
        ByteBuffer head = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            head.putShort((short) headerLen);
        } else {
            head.putInt(headerLen);
        }
        head.put(text);
        while (head.position() < total - 1) {
            head.put((byte) ' ');
        }
        head.put((byte) '\n');
        out.write(head.array());
    }

    /** Writes float32 values little-endian (the data of a {@code '<f4'} array). */
    public static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.min(values.length, 1 << 14) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; ) {
            b.clear();
            int n = Math.min(values.length - i, b.capacity() / 4);
            b.asFloatBuffer().put(values, i, n);
            out.write(b.array(), 0, n * 4);
            i += n;
        }
    }

    private static String descrOf(ElementType t) {
        switch (t) {
            case FLOAT: return "<f4";
            case DOUBLE: return "<f8";
            case FLOAT16: return "<f2";
            case INT8: return "|i1";
            case UINT8: return "|u1";
            case INT16: return "<i2";
            case UINT16: return "<u2";
            case INT32: return "<i4";
            case UINT32: return "<u4";
            case INT64: return "<i8";
            case UINT64: return "<u8";
            case BOOL: return "|b1";
            default: throw new IllegalArgumentException("no NumPy dtype for " + t);
        }
    }

    interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    static void writeAtomically(Path file, StreamWriter writer) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = netviz.io.TempFiles.createFile(dir, "." + file.getFileName(), ".tmp");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new NetvizException("cannot write '" + file + "': " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    // ------------------------------------------------------------------ header dict literal

    /** Parses the Python literal subset used in .npy headers: dicts, tuples, lists, strings, ints, booleans. */
    static final class DictParser {
        private final String s;
        private int i;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            Object v = value();
            skipSpace();
            if (i != s.length()) {
                throw new IllegalArgumentException("unexpected text after the dict at character " + i);
            }
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("the header is not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            return m;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            skipSpace();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at character " + i);
            }
            i++;
        }

        private Object value() {
            char c = peek();
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (peek() != '}') {
                    Object k = value();
                    if (!(k instanceof String key)) {
                        throw new IllegalArgumentException("a dict key is not a string");
                    }
                    expect(':');
                    if (m.put(key, value()) != null) {
                        throw new IllegalArgumentException("duplicate key '" + key + "'");
                    }
                    if (peek() == ',') {
                        i++;
                    } else if (peek() != '}') {
                        throw new IllegalArgumentException("expected ',' or '}' at character " + i);
                    }
                }
                i++;
                return m;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                i++;
                List<Object> list = new ArrayList<>();
                while (peek() != close) {
                    list.add(value());
                    if (peek() == ',') {
                        i++;
                    } else if (peek() != close) {
                        throw new IllegalArgumentException("expected ',' or '" + close + "' at character " + i);
                    }
                }
                i++;
                return list;
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String str = s.substring(i + 1, end);
                i = end + 1;
                return str;
            }
            int j = i;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '-' || s.charAt(j) == '_')) {
                j++;
            }
            String word = s.substring(i, j);
            if (word.isEmpty()) {
                throw new IllegalArgumentException("unexpected character '" + c + "' at character " + i);
            }
            i = j;
            switch (word) {
                case "True": return Boolean.TRUE;
                case "False": return Boolean.FALSE;
                case "None": return null;
                default:
                    String digits = word.endsWith("L") ? word.substring(0, word.length() - 1) : word;
                    try {
                        return Long.parseLong(digits);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("unexpected word '" + word + "'");
                    }
            }
        }
    }
}
