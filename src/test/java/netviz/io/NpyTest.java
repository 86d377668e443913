package netviz.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import netviz.InputFormatException;
import netviz.engine.Tensor;
import netviz.engine.Tensor.ElementType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy reader and writer. Fixtures under {@code src/test/resources/npy} were written by NumPy 2.4:
 * <pre>
 * np.save('f4_2x3.npy', (np.arange(6, dtype='&lt;f4').reshape(2,3) / 4).astype('&lt;f4'))
 * np.save('f8_be_2x2.npy', np.array([[1.5,-2],[3,1e300]], dtype='&gt;f8'))
 * np.save('i1.npy', np.array([-128,-1,0,127], 'i1')); np.save('u1.npy', np.array([0,1,255], 'u1'))
 * np.save('i2_be.npy', np.array([-32768, 1, 32767], '&gt;i2'))
 * np.save('i4.npy', np.array([-2**31, 7, 2**31-1], '&lt;i4')); np.save('i8.npy', np.array([-2**63, 5, 2**63-1], '&lt;i8'))
 * np.save('b1.npy', np.array([True, False, True]))
 * format.write_array(fh, np.arange(4, dtype='&lt;f4'), version=(2,0))            # v2.npy
 * format.write_array(fh, np.arange(4, dtype='&lt;f4').reshape(2,2), version=(3,0)) # v3.npy
 * np.save('fortran.npy', np.asfortranarray(np.arange(6, dtype='&lt;f4').reshape(2,3)))
 * np.save('scalar.npy', np.float32(3.5)); np.save('empty.npy', np.zeros((0,3), '&lt;f4'))
 * </pre>
 */
class NpyTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsFilesWrittenByNumpy() {
        Tensor f4 = Npy.read(fixture("f4_2x3.npy"));
        assertEquals(ElementType.FLOAT, f4.type());
        assertArrayEquals(new long[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {0f, .25f, .5f, .75f, 1f, 1.25f}, f4.toFloatArray());

        Tensor f8 = Npy.read(fixture("f8_be_2x2.npy"));
        assertEquals(ElementType.DOUBLE, f8.type());
        assertArrayEquals(new double[] {1.5, -2, 3, 1e300}, f8.toDoubleArray());

        assertArrayEquals(new double[] {-128, -1, 0, 127}, Npy.read(fixture("i1.npy")).toDoubleArray());
        assertEquals(ElementType.INT8, Npy.read(fixture("i1.npy")).type());
        assertArrayEquals(new double[] {0, 1, 255}, Npy.read(fixture("u1.npy")).toDoubleArray());
        assertEquals(ElementType.UINT8, Npy.read(fixture("u1.npy")).type());
        Tensor i2 = Npy.read(fixture("i2_be.npy"));
        assertEquals(ElementType.INT16, i2.type());
        assertArrayEquals(new double[] {-32768, 1, 32767}, i2.toDoubleArray());
        assertArrayEquals(new long[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE}, Npy.read(fixture("i4.npy")).toLongArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 5, Long.MAX_VALUE}, Npy.read(fixture("i8.npy")).toLongArray());
        Tensor b1 = Npy.read(fixture("b1.npy"));
        assertEquals(ElementType.BOOL, b1.type());
        assertArrayEquals(new double[] {1, 0, 1}, b1.toDoubleArray());

        assertArrayEquals(new float[] {0, 1, 2, 3}, Npy.read(fixture("v2.npy")).toFloatArray());
        assertEquals(2, Npy.readHeader(fixture("v2.npy")).major());
        Tensor v3 = Npy.read(fixture("v3.npy"));
        assertArrayEquals(new long[] {2, 2}, v3.shape());
        assertEquals(3, Npy.readHeader(fixture("v3.npy")).major());

        Tensor scalar = Npy.read(fixture("scalar.npy"));
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {3.5f}, scalar.toFloatArray());
        Tensor empty = Npy.read(fixture("empty.npy"));
        assertArrayEquals(new long[] {0, 3}, empty.shape());
        assertEquals(0, empty.size());
    }

    @Test
    void writesExactlyWhatNumpyWrites() throws IOException {
        // NumPy's np.save of the same array: header padded to 64 bytes, v1.0, '<f4', C order.
        Path out = tmp.resolve("f4.npy");
        Npy.write(out, new float[] {0f, .25f, .5f, .75f, 1f, 1.25f}, 2, 3);
        assertArrayEquals(Files.readAllBytes(fixture("f4_2x3.npy")), Files.readAllBytes(out));
        Path one = tmp.resolve("b1.npy");
        Npy.write(one, new Tensor(ElementType.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1})));
        assertArrayEquals(Files.readAllBytes(fixture("b1.npy")), Files.readAllBytes(one));
        Path i8 = tmp.resolve("i8.npy");
        Npy.write(i8, Tensor.ofLongs(new long[] {3}, Long.MIN_VALUE, 5, Long.MAX_VALUE));
        assertArrayEquals(Files.readAllBytes(fixture("i8.npy")), Files.readAllBytes(i8));
        Path scalar = tmp.resolve("scalar.npy");
        Npy.write(scalar, Tensor.ofFloats(new long[0], 3.5f));
        assertArrayEquals(Files.readAllBytes(fixture("scalar.npy")), Files.readAllBytes(scalar));
    }

    @Test
    void roundTripsEveryElementTypeAndShape() {
        Random r = new Random(7);
        for (ElementType t : new ElementType[] {ElementType.FLOAT, ElementType.DOUBLE, ElementType.INT8,
                ElementType.UINT8, ElementType.INT16, ElementType.UINT16, ElementType.INT32, ElementType.UINT32,
                ElementType.INT64, ElementType.UINT64, ElementType.BOOL, ElementType.FLOAT16}) {
            for (long[] shape : new long[][] {{}, {1}, {5}, {2, 3}, {2, 1, 4, 3}, {0, 2}}) {
                int n = (int) Tensor.size(shape);
                byte[] bytes = new byte[n * t.bytes()];
                r.nextBytes(bytes);
                if (t == ElementType.BOOL) {
                    for (int i = 0; i < n; i++) {
                        bytes[i] &= 1;
                    }
                }
                Tensor in = new Tensor(t, shape, ByteBuffer.wrap(bytes));
                Tensor back = Npy.fromBytes(Npy.toBytes(in), "x");
                assertEquals(t, back.type());
                assertArrayEquals(shape, back.shape());
                byte[] got = new byte[back.data().remaining()];
                back.data().get(got);
                assertArrayEquals(bytes, got, t + " " + Arrays.toString(shape));
            }
        }
        FloatArray f = FloatArray.of(new float[] {1, -2, 3.5f, Float.NaN}, 2, 2);
        Path p = tmp.resolve("sub/dir/f.npy");
        Npy.write(p, f);
        assertEquals(f, Npy.readFloats(p));
    }

    @Test
    void modelInputsAreRank4() {
        Path chw = tmp.resolve("chw.npy");
        Npy.write(chw, new float[12], 3, 2, 2);
        assertArrayEquals(new long[] {1, 3, 2, 2}, Npy.readBatch(chw).shape());
        Path u8 = tmp.resolve("nchw.npy");
        Npy.write(u8, new Tensor(ElementType.UINT8, new long[] {2, 1, 1, 2}, ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 255})));
        assertArrayEquals(new float[] {1, 2, 3, 255}, Npy.readBatch(u8).data());
        netviz.ShapeMismatchException e = assertThrows(netviz.ShapeMismatchException.class,
                () -> Npy.readBatch(fixture("f4_2x3.npy")));
        assertTrue(e.getMessage().contains("(N, C, H, W) or (C, H, W)"), e.getMessage());
    }

    @Test
    void headerLongerThan64KiBUsesVersion2() {
        long[] shape = new long[30000];
        Arrays.fill(shape, 1);
        byte[] bytes = Npy.toBytes(Tensor.ofFloats(shape, 2f));
        assertEquals(2, bytes[6]);
        assertEquals(0, (10 + 2 + ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) % 64);
        assertArrayEquals(shape, Npy.fromBytes(bytes, "big").shape());
    }

    @Test
    void readsHandMadeBytes() {
        // A minimal hand-written v1.0 file: no padding to 64, double quotes, no trailing comma, '>' i4.
        String dict = "{\"descr\":\">i4\",\"shape\":(2,),\"fortran_order\":False}\n";
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length());
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        b.order(ByteOrder.BIG_ENDIAN).putInt(-3).putInt(70000);
        Tensor t = Npy.fromBytes(b.array(), "hand");
        assertEquals(ElementType.INT32, t.type());
        assertArrayEquals(new long[] {-3, 70000}, t.toLongArray());
    }

    @Test
    void rejectsMalformedFilesWithClearMessages() throws IOException {
        byte[] good = Files.readAllBytes(fixture("f4_2x3.npy"));

        assertMessage(bytes("not numpy at all"), "is not a .npy file");
        assertMessage(new byte[] {(byte) 0x93, 'N', 'U'}, "is not a .npy file");
        assertMessage(Arrays.copyOf(good, 9), "truncated inside its header");
        assertMessage(Arrays.copyOf(good, 40), "truncated: its header declares");
        assertMessage(Arrays.copyOf(good, good.length - 1), "is truncated: shape [2, 3] of <f4 needs 24 bytes");
        assertMessage(Arrays.copyOf(good, good.length + 4), "longer than its header says");

        byte[] v9 = good.clone();
        v9[6] = 9;
        assertMessage(v9, "format version 9.0");

        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, 'shape': (200000, 100000, 100000), }"),
                "is truncated: shape [200000, 100000, 100000]");
        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"),
                "impossible shape");
        assertMessage(withDict(good, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }"),
                "element type '<c8'");
        assertMessage(withDict(good, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }"),
                "structured array");
        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, }"), "no 'shape'");
        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"),
                "invalid dimension -3");
        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}"),
                "unexpected header keys [x]");
        assertMessage(withDict(good, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3"), "malformed header");
        assertMessage(withDict(good, "[1, 2]"), "malformed header");

        byte[] hugeHeader = good.clone();
        hugeHeader[6] = 2;
        ByteBuffer.wrap(hugeHeader, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
        assertMessage(hugeHeader, "declares a header of 2147483647 bytes");

        InputFormatException fortran = assertThrows(InputFormatException.class, () -> Npy.read(fixture("fortran.npy")));
        assertTrue(fortran.getMessage().contains("Fortran-order") && fortran.getMessage().contains("ascontiguousarray"),
                fortran.getMessage());

        InputFormatException missing = assertThrows(InputFormatException.class, () -> Npy.read(tmp.resolve("nope.npy")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void fuzzedFilesGiveTypedErrorsOrValidArrays() throws IOException {
        byte[] good = Files.readAllBytes(fixture("f8_be_2x2.npy"));
        Random r = new Random(42);
        for (int k = 0; k < 2000; k++) {
            byte[] b = k % 3 == 0 ? Arrays.copyOf(good, r.nextInt(good.length + 8)) : good.clone();
            for (int j = 0; j < 1 + r.nextInt(4) && b.length > 0; j++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                Tensor t = Npy.fromBytes(b, "fuzz");
                assertEquals(Npy.toBytes(t).length >= 64, true);
            } catch (InputFormatException expected) {
                assertTrue(expected.getMessage().contains("fuzz"));
            }
        }
    }

    private void assertMessage(byte[] bytes, String expected) throws IOException {
        InputFormatException e = assertThrows(InputFormatException.class, () -> Npy.fromBytes(bytes, "x.npy"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        Path p = Files.write(tmp.resolve("bad.npy"), bytes);
        InputFormatException f = assertThrows(InputFormatException.class, () -> Npy.read(p));
        assertTrue(f.getMessage().contains(expected), f.getMessage());
        assertTrue(f.getMessage().contains(p.toString()), f.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The fixture's prefix with a different header dict (length field updated) and the same data. */
    private static byte[] withDict(byte[] good, String dict) {
        int oldLen = (good[8] & 0xff) | (good[9] & 0xff) << 8;
        byte[] data = Arrays.copyOfRange(good, 10 + oldLen, good.length);
        byte[] d = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + d.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(good, 0, 8).putShort((short) d.length).put(d).put(data);
        return b.array();
    }
}
