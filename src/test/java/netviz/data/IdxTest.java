package netviz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import netviz.InputFormatException;
import netviz.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDX reader on the real Fashion-MNIST test split (values checked with Python's gzip + NumPy:
 * {@code np.frombuffer(gzip.open(f).read()[16:], np.uint8)}) and on hand-made broken files.
 */
class IdxTest {
    @TempDir
    Path tmp;

    @Test
    void knownLabelsAndPixelsOfTheTestSplit() {
        Path dir = Datasets.bundledDir();
        Idx.UByteArray labels = Idx.read(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[] {10000}, labels.dims());
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) {
            first[i] = labels.get(i);
        }
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, first);
        int[] perClass = new int[10];
        for (int i = 0; i < 10000; i++) {
            perClass[labels.get(i)]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass);

        Idx.UByteArray images = Idx.read(dir.resolve("t10k-images-idx3-ubyte.gz"));
        assertArrayEquals(new int[] {10000, 28, 28}, images.dims());
        assertEquals(784, images.itemSize());
        int[] row14 = {0, 0, 0, 0, 0, 0, 2, 4, 1, 0, 0, 0, 98, 136, 110, 109, 110, 162, 135, 144, 149, 159, 167, 144,
            158, 169, 119, 0};
        for (int x = 0; x < 28; x++) {
            assertEquals(row14[x], images.get(14 * 28 + x));
        }
        assertEquals(33456, sum(images, 0));
        assertEquals(63457, sum(images, 1234));
        assertEquals(24390, sum(images, 9999));
    }

    private static long sum(Idx.UByteArray a, int item) {
        long s = 0;
        for (int i = 0; i < 784; i++) {
            s += a.get(item * 784 + i);
        }
        return s;
    }

    @Test
    void datasetStreamsTheTestSplitInBatches() {
        IdxDataset d = Datasets.bundledTestSplit(Preprocessing.fashionMnist());
        assertEquals(10000, d.size());
        assertEquals(Labels.FASHION_MNIST, d.classNames());
        int seen = 0;
        long pixelSum = 0;
        try (Batches batches = d.batches(1000)) {
            assertEquals(10, batches.count());
            for (Batch b : batches) {
                assertArrayEquals(new long[] {1000, 1, 28, 28}, b.shape());
                assertEquals(seen, b.index(0));
                if (seen == 0) {
                    assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(b.labels(), 5));
                    assertEquals(126 / 255f, b.images()[20 * 28 + 10], 1e-7);
                    assertEquals("t10k-images-idx3-ubyte.gz#3", b.id(3));
                }
                if (seen == 1000) {
                    for (int i = 234 * 784; i < 235 * 784; i++) {
                        pixelSum += Math.round(b.images()[i] * 255);
                    }
                }
                seen += b.size();
            }
        }
        assertEquals(10000, seen);
        assertEquals(63457, pixelSum);
        // random access, any order
        Batch some = d.get(9999, 0, 1234);
        assertArrayEquals(new int[] {5, 9, 4}, some.labels());
        assertArrayEquals(new int[] {9999, 0, 1234}, some.indices());
        // a range, and a preset that changes geometry and channels
        Batch rgb = Datasets.bundledTestSplit(Preprocessing.imagenet().withSize(32).withCrop(32))
                .batches(4, 2, 6).iterator().next();
        assertArrayEquals(new long[] {4, 3, 32, 32}, rgb.shape());
        assertArrayEquals(new int[] {1, 1, 6, 1}, rgb.labels());
    }

    @Test
    void badMagicWrongLengthAndLabelMismatch() throws IOException {
        byte[] images = idx(0x00000803, new int[] {3, 2, 2}, 12);
        byte[] labels = idx(0x00000801, new int[] {3}, 3);
        Path img = write("ok-images-idx3-ubyte", images, false);
        Path lab = write("ok-labels-idx1-ubyte", labels, false);
        assertEquals(3, Datasets.idx(img, lab, Preprocessing.none()).size());
        Path imgGz = write("gz-images-idx3-ubyte.gz", images, true);
        assertEquals(3, Datasets.idx(imgGz, lab, Preprocessing.none()).size());

        assertError(write("bad-images-idx3-ubyte", idx(0x00000903, new int[] {3, 2, 2}, 12), false),
                "bad magic number 0x00000903");
        assertError(write("short-images-idx3-ubyte", idx(0x00000803, new int[] {3, 2, 2}, 11), false),
                "is truncated: its header [3, 2, 2] needs 28 bytes but it holds 27");
        assertError(write("long-images-idx3-ubyte", idx(0x00000803, new int[] {3, 2, 2}, 13), false),
                "longer than its header says");
        assertError(write("short-images-idx3-ubyte.gz", idx(0x00000803, new int[] {3, 2, 2}, 11), true),
                "is truncated");
        assertError(write("huge-images-idx3-ubyte.gz", idx(0x00000803, new int[] {2000000000, 28, 28}, 12), true),
                "is truncated");
        byte[] gz = Files.readAllBytes(imgGz);
        assertError(write("cut-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length - 6), false), "gzip");
        assertError(write("tiny-images-idx3-ubyte", new byte[] {0, 0, 8}, false), "truncated inside its header");

        Path fewLabels = write("few-labels-idx1-ubyte", idx(0x00000801, new int[] {2}, 2), false);
        InputFormatException e = assertThrows(InputFormatException.class, () -> Datasets.idx(img, fewLabels, Preprocessing.none()));
        assertTrue(e.getMessage().contains("label count mismatch") && e.getMessage().contains("2 labels")
                && e.getMessage().contains("3 images"), e.getMessage());
        assertThrows(InputFormatException.class, () -> Datasets.idx(lab, lab, Preprocessing.none()));
        assertThrows(InputFormatException.class, () -> Idx.read(tmp.resolve("missing")));
    }

    private void assertError(Path file, String expected) {
        InputFormatException e = assertThrows(InputFormatException.class, () -> Datasets.open(file, Preprocessing.none()));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = tmp.resolve(name);
        if (gzip) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(content);
            }
            content = bytes.toByteArray();
        }
        return Files.write(p, content);
    }

    private static byte[] idx(int magic, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 20));
        }
        return b.array();
    }
}
