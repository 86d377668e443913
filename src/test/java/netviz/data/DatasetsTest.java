package netviz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.InputFormatException;
import netviz.ShapeMismatchException;
import netviz.engine.Tensor;
import netviz.image.Preprocessing;
import netviz.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image-folder and .npy datasets, batching, progress, and their errors. */
class DatasetsTest {
    @TempDir
    Path tmp;

    /** A w x h gray PNG whose pixels all equal {@code value}. */
    private Path png(Path file, int w, int h, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void imageFolderWithSortedClassesStreamedInBatches() throws IOException {
        Path root = tmp.resolve("folder");
        png(root.resolve("zebra/b.png"), 4, 4, 30);
        png(root.resolve("zebra/a.png"), 6, 4, 20);
        png(root.resolve("ant/x.png"), 4, 4, 10);
        png(root.resolve("ant/sub/y.PNG"), 4, 8, 15);
        Files.writeString(root.resolve("ant/readme.txt"), "not an image, skipped by extension");
        png(root.resolve(".hidden/z.png"), 4, 4, 99);
        png(root.resolve("ant/.z.png"), 4, 4, 99);
        Files.createDirectories(root.resolve("empty"));

        Dataset d = Datasets.open(root, Preprocessing.none().withSize(2).withCrop(2));
        assertInstanceOf(ImageFolderDataset.class, d);
        assertEquals(List.of("ant", "empty", "zebra"), d.classNames());
        assertEquals(4, d.size());
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        for (Batch b : d.batches(3)) {
            for (int i = 0; i < b.size(); i++) {
                ids.add(b.id(i));
                labels.add(b.label(i));
                values.add(b.images()[i * 4] * 255);
            }
        }
        String sep = root.getFileSystem().getSeparator();
        assertEquals(List.of("ant" + sep + "sub" + sep + "y.PNG", "ant" + sep + "x.png", "zebra" + sep + "a.png",
                "zebra" + sep + "b.png"), ids);
        assertEquals(List.of(0, 0, 2, 2), labels);
        assertEquals(15f, values.get(0), 1e-3);
        assertEquals(10f, values.get(1), 1e-3);
        assertEquals(20f, values.get(2), 1e-3);
        assertEquals(30f, values.get(3), 1e-3);
        Batch two = d.get(3, 1);
        assertArrayEquals(new int[] {2, 0}, two.labels());
        assertEquals(List.of("zebra" + sep + "b.png", "ant" + sep + "x.png"), two.ids());
        // from the middle: skipping into the second class
        Batch mid = d.batches(2, 2, 4).iterator().next();
        assertArrayEquals(new int[] {2, 2}, mid.labels());

        // without a crop, images of different sizes cannot share a batch
        Dataset raw = Datasets.imageFolder(root, Preprocessing.none());
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> raw.batches(4).iterator().next());
        assertTrue(e.getMessage().contains("--crop"), e.getMessage());

        // a flat folder is an unlabelled set
        Path flat = tmp.resolve("flat");
        png(flat.resolve("1.png"), 3, 3, 1);
        png(flat.resolve("2.bmp.png"), 3, 3, 2);
        Dataset f = Datasets.open(flat, Preprocessing.none());
        assertFalse(f.labeled());
        assertArrayEquals(new int[] {-1, -1}, f.batches(8).iterator().next().labels());
    }

    @Test
    void folderClassesAlignedToAModelsLabels() throws IOException {
        Path root = tmp.resolve("shoes");
        png(root.resolve("sneaker/1.png"), 4, 4, 1);
        png(root.resolve("Ankle_boot/2.png"), 4, 4, 2);
        png(root.resolve("ankle-boot/3.png"), 4, 4, 3);
        Dataset d = Datasets.open(root, Preprocessing.fashionMnist());
        assertEquals(List.of("Ankle_boot", "ankle-boot", "sneaker"), d.classNames());
        Dataset aligned = Datasets.alignTo(d, Labels.fashionMnist());
        assertEquals(Labels.FASHION_MNIST, aligned.classNames());
        assertArrayEquals(new int[] {9, 9, 7}, aligned.batches(3).iterator().next().labels());
        assertArrayEquals(new int[] {7}, aligned.get(2).labels());
        png(root.resolve("sandals/4.png"), 4, 4, 4);
        netviz.UnknownNameException e = assertThrows(netviz.UnknownNameException.class,
                () -> Datasets.alignTo(Datasets.open(root, Preprocessing.fashionMnist()), Labels.fashionMnist()));
        assertTrue(e.getMessage().contains("Sandal"), e.getMessage());
        // the test split already uses the model's order: returned as it is
        Dataset test = Datasets.bundledTestSplit(Preprocessing.fashionMnist());
        assertTrue(Datasets.alignTo(test, Labels.fashionMnist()) == test);
    }

    @Test
    void bundledSplitFoundThroughNetvizHome() throws IOException {
        Path home = tmp.resolve("home");
        Path dir = Files.createDirectories(home.resolve("data/fashion-mnist"));
        Files.copy(Datasets.bundledDir().resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.copy(Datasets.bundledDir().resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.setProperty("netviz.home", home.toString());
        try {
            assertEquals(dir, Datasets.bundledDir());
            // a gzip file without the .gz suffix is still read (gzip is detected from its bytes)
            assertEquals(10000, Datasets.open(null, Preprocessing.fashionMnist()).size());
        } finally {
            System.clearProperty("netviz.home");
        }
    }

    @Test
    void folderErrors() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing/inside"));
        InputFormatException e = assertThrows(InputFormatException.class, () -> Datasets.open(empty.getParent(), Preprocessing.none()));
        assertTrue(e.getMessage().contains("holds no images"), e.getMessage());
        assertThrows(InputFormatException.class, () -> Datasets.open(tmp.resolve("missing"), Preprocessing.none()));

        Path root = tmp.resolve("broken");
        png(root.resolve("a/good.png"), 4, 4, 1);
        Files.writeString(root.resolve("a/bad.png"), "garbage");
        Dataset d = Datasets.open(root, Preprocessing.none());
        InputFormatException bad = assertThrows(InputFormatException.class, () -> {
            for (Batch b : d.batches(1)) {
                assertEquals(1, b.size());
            }
        });
        assertTrue(bad.getMessage().contains("bad.png") && bad.getMessage().contains("not an image"), bad.getMessage());
        Files.writeString(root.resolve("a/notes.csv"), "x");
        assertThrows(InputFormatException.class, () -> Datasets.open(root.resolve("a/notes.csv"), Preprocessing.none()));
    }

    @Test
    void npyBatchWithLabels() throws IOException {
        int n = 5;
        float[] x = new float[n * 3 * 2 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / (float) x.length;
        }
        Path images = tmp.resolve("batch.npy");
        Npy.write(images, x, n, 3, 2, 2);
        Npy.write(tmp.resolve("batch-labels.npy"), Tensor.ofLongs(new long[] {n}, 4, 3, 2, 1, 0));
        Dataset d = Datasets.open(images, Preprocessing.none());
        assertTrue(d.labeled());
        assertEquals(n, d.size());
        List<Batch> batches = new ArrayList<>();
        d.batches(2).forEach(batches::add);
        assertEquals(3, batches.size());
        assertArrayEquals(new long[] {1, 3, 2, 2}, batches.get(2).shape());
        assertArrayEquals(new int[] {4, 3}, batches.get(0).labels());
        float[] all = new float[x.length];
        int off = 0;
        for (Batch b : batches) {
            System.arraycopy(b.images(), 0, all, off, b.images().length);
            off += b.images().length;
        }
        assertArrayEquals(x, all, 1e-6f); // floats are fed as they are under the 'none' preset
        assertEquals("batch.npy#4", d.get(4).id(0));

        // uint8 (N, H, W): 0..255 scale, one channel, normalised by the preprocessing
        Path u8 = tmp.resolve("u8.npy");
        Npy.write(u8, new Tensor(Tensor.ElementType.UINT8, new long[] {2, 1, 2},
                java.nio.ByteBuffer.wrap(new byte[] {0, (byte) 255, (byte) 51, (byte) 102})));
        Batch b = Datasets.npy(u8, null, Preprocessing.none().withMean(0.5f).withStd(0.5f)).get(0, 1);
        assertArrayEquals(new float[] {-1, 1, -0.6f, -0.2f}, b.images(), 1e-6f);
        assertArrayEquals(new long[] {2, 1, 1, 2}, b.shape());

        Npy.write(tmp.resolve("few.npy"), Tensor.ofLongs(new long[] {3}, 1, 2, 3));
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> Datasets.npy(images, tmp.resolve("few.npy"), Preprocessing.none()));
        assertTrue(e.getMessage().contains("label count mismatch"), e.getMessage());
        Npy.write(tmp.resolve("flat.npy"), new float[] {1, 2, 3}, 3);
        assertThrows(InputFormatException.class, () -> Datasets.open(tmp.resolve("flat.npy"), Preprocessing.none()));
        assertThrows(InputFormatException.class, () -> Datasets.npy(images, tmp.resolve("flat.npy"), Preprocessing.none()));
    }

    @Test
    void stoppingEarlyAndClosing() {
        Dataset d = Datasets.bundledTestSplit(Preprocessing.fashionMnist());
        try (Batches batches = d.batches(100)) {
            Iterator<Batch> it = batches.iterator();
            assertEquals(100, it.next().size());
        }
        assertThrows(netviz.NetvizException.class, () -> d.batches(0));
        assertThrows(netviz.NetvizException.class, () -> d.batches(10, 5, 20000));
        assertThrows(netviz.NetvizException.class, () -> d.get(10000));
    }
}
