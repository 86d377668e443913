package netviz.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import netviz.NetvizException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FashionMnistSplitTest {
    @TempDir
    Path dir;

    /** Writes an unsigned-byte IDX file. */
    static void writeIdx(Path file, boolean gzip, int[] dims, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream os = gzip ? new GZIPOutputStream(raw) : raw;
             DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    /** Three images: all 0, all 255, pixel i = i % 256; labels 2, 0, 9. */
    private void writeTiny(String prefix, boolean gzip) throws IOException {
        byte[] px = new byte[3 * 784];
        for (int i = 0; i < 784; i++) {
            px[784 + i] = (byte) 255;
            px[2 * 784 + i] = (byte) (i % 256);
        }
        String ext = gzip ? ".gz" : "";
        writeIdx(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gzip, new int[] {3, 28, 28}, px);
        writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gzip, new int[] {3}, new byte[] {2, 0, 9});
    }

    @Test
    void readsGzippedAndPlainFilesAndNormalises() throws IOException {
        writeTiny("train", true);
        writeTiny("t10k", false);
        for (FashionMnistSplit s : new FashionMnistSplit[] {FashionMnistSplit.train(dir), FashionMnistSplit.test(dir)}) {
            assertEquals(3, s.count());
            assertEquals(2, s.label(0));
            assertEquals(9, s.label(2));
            float[] out = new float[2 * 784];
            s.normalised(new int[] {2, 1, 0}, 0, 2, 0.5f, 0.25f, out);
            // image 2 first: pixel 300 = 300 % 256 = 44 -> (44/255 - 0.5) / 0.25
            assertEquals((44 / 255f - 0.5f) / 0.25f, out[300], 1e-6f);
            // image 1 second: all 255 -> (1 - 0.5) / 0.25 = 2
            assertEquals(2f, out[784 + 17], 1e-6f);
        }
        FashionMnistSplit one = FashionMnistSplit.train(dir).limit(1);
        assertEquals(1, one.count());
        assertEquals(784, one.pixels().length);
        assertEquals(3, FashionMnistSplit.train(dir).limit(0).count());
    }

    @Test
    void meanAndStdMatchABruteForceLoop() throws IOException {
        writeTiny("train", true);
        FashionMnistSplit s = FashionMnistSplit.train(dir);
        double sum = 0;
        for (byte b : s.pixels()) {
            sum += (b & 0xff) / 255.0;
        }
        double mean = sum / s.pixels().length;
        double sq = 0;
        for (byte b : s.pixels()) {
            double d = (b & 0xff) / 255.0 - mean;
            sq += d * d;
        }
        double[] ms = s.pixelMeanStd();
        assertArrayEquals(new double[] {mean, Math.sqrt(sq / s.pixels().length)}, ms, 1e-12);
    }

    @Test
    void missingDirectoryOrFileIsOneClearLine() throws IOException {
        NetvizException e = assertThrows(NetvizException.class, () -> FashionMnistSplit.train(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("'" + dir.resolve("nope") + "' does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));

        writeTiny("train", true);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        e = assertThrows(NetvizException.class, () -> FashionMnistSplit.train(dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz' does not exist"), e.getMessage());
    }

    @Test
    void mismatchedOrMalformedFilesAreNamed() throws IOException {
        writeTiny("train", true);
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), true, new int[] {2}, new byte[] {1, 2});
        NetvizException e = assertThrows(NetvizException.class, () -> FashionMnistSplit.train(dir));
        assertTrue(e.getMessage().contains("holds 3 images but") && e.getMessage().contains("holds 2 labels"),
                e.getMessage());

        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), true, new int[] {3}, new byte[] {1, 12, 2});
        e = assertThrows(NetvizException.class, () -> FashionMnistSplit.train(dir));
        assertTrue(e.getMessage().contains("label 12 at index 1"), e.getMessage());

        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), true, new int[] {3, 14, 56}, new byte[3 * 784]);
        e = assertThrows(NetvizException.class, () -> FashionMnistSplit.train(dir));
        assertTrue(e.getMessage().contains("does not hold 28x28 images"), e.getMessage());
    }
}
