package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import netviz.InputFormatException;
import netviz.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder input with two classes of real images, a .png of random bytes and a .txt: the scan
 * finishes, counts and lists both bad files; and the reader's one-line errors.
 */
class ScanFolderTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    @TempDir
    static Path tmp;
    static Session session;
    static Path root;
    static Path scan;
    static ScanManifest manifest;

    @BeforeAll
    static void scanFolder() throws Exception {
        session = Session.open(MODEL);
        root = tmp.resolve("images");
        int k = 0;
        try (ScanInputs bundled = ScanInputs.open(null)) {
            for (String cls : List.of("coats", "shoes")) {
                Files.createDirectories(root.resolve(cls));
                for (int i = 0; i < 5; i++) {
                    ScanInput in = bundled.next();
                    ImageIO.write(in.pixels().toBufferedImage(255f), "png", root.resolve(cls).resolve("img" + k++ + ".png").toFile());
                }
            }
        }
        byte[] noise = new byte[300];
        new Random(1).nextBytes(noise);
        Files.write(root.resolve("coats").resolve("zz-broken.png"), noise);
        Files.writeString(root.resolve("shoes").resolve("notes.txt"), "not an image\n");
        Files.writeString(root.resolve("shoes").resolve(".hidden.png"), "skipped");
        scan = tmp.resolve("scan");
        try (ScanInputs inputs = ScanInputs.open(root)) {
            assertEquals(12, inputs.size());
            ScanPlan plan = ScanPlan.resolve(session.forward(), session.preprocessing(), "fashion-mnist-cnn.onnx",
                    session.modelHash(), inputs.description(), inputs.classNames(), inputs.labeled(),
                    ScanPlan.Options.defaults().withBatchSize(4).withTopK(3));
            manifest = new Scanner(session.forward(), session.preprocessing(), plan).scanTo(scan, inputs, inputs.size(), null);
        }
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void badFilesAreCountedAndListedAndTheScanFinishes() {
        assertEquals(10, manifest.images());
        assertEquals(2, manifest.failed());
        assertEquals(List.of("coats", "shoes"), manifest.classes());
        ScanReader r = ScanReader.open(scan);
        List<ScanFailure> f = r.failures();
        assertEquals(List.of("coats/zz-broken.png", "shoes/notes.txt"), f.stream().map(ScanFailure::id).toList());
        for (ScanFailure x : f) {
            assertFalse(x.reason().isBlank());
            assertFalse(x.reason().contains("\n"), x.reason());
        }
        assertEquals(10, r.rows().size());
        // the failed inputs leave their indices unused: coats are 0..5 (5 = broken), shoes 6..11
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L), r.rows().stream().map(ImageRow::index).toList());
        assertEquals(10, r.confusion().total());
        assertEquals(5, r.confusion().support()[0]);
    }

    @Test
    void topImagesKeepTheFilesOwnBytes() throws Exception {
        ScanReader r = ScanReader.open(scan);
        ScanHit best = r.topHits("relu1", 0).get(0);
        assertEquals(3, r.topHits("relu1", 0).size());
        Path file = root.resolve(best.id());
        BufferedImage want = ImageIO.read(file.toFile());
        BufferedImage got = r.image(r.top("relu1", 0).get(0));
        assertEquals(want.getWidth(), got.getWidth());
        int[] a = want.getRaster().getPixels(0, 0, 28, 28, (int[]) null);
        int[] b = got.getRaster().getPixels(0, 0, 28, 28, (int[]) null);
        assertArrayEquals(a, b);
    }

    @Test
    void readerErrorsNameWhatIsWrong() throws Exception {
        String missing = assertThrows(InputFormatException.class, () -> ScanReader.open(tmp.resolve("nope"))).getMessage();
        assertTrue(missing.contains("does not exist"), missing);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String notScan = assertThrows(InputFormatException.class, () -> ScanReader.open(empty)).getMessage();
        assertTrue(notScan.contains("is not a scan"), notScan);
        String otherModel = assertThrows(InputFormatException.class, () -> ScanReader.open(scan, "ab".repeat(32))).getMessage();
        assertTrue(otherModel.contains("another model") && otherModel.contains("fashion-mnist-cnn.onnx"), otherModel);
        String json = Files.readString(scan.resolve(ScanManifest.FILE));
        Files.writeString(scan.resolve(ScanManifest.FILE), json.replace(ScanPlan.FORMAT, "netviz-scan/9"));
        try {
            String version = assertThrows(InputFormatException.class, () -> ScanReader.open(scan)).getMessage();
            assertTrue(version.contains("netviz-scan/9") && version.contains(ScanPlan.FORMAT), version);
            Files.delete(scan.resolve(ScanManifest.FILE));
            String unfinished = assertThrows(InputFormatException.class, () -> ScanReader.open(scan)).getMessage();
            assertTrue(unfinished.contains("unfinished scan"), unfinished);
        } finally {
            Files.writeString(scan.resolve(ScanManifest.FILE), json);
        }
        for (String m : List.of(missing, notScan, otherModel)) {
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void classFoldersNamedAfterTheModelsClassesTakeTheirIndices() throws Exception {
        Path named = tmp.resolve("named");
        Files.createDirectories(named.resolve("Sneaker"));
        Files.createDirectories(named.resolve("Trouser"));
        Files.writeString(named.resolve("Sneaker").resolve("a.png"), "x");
        Files.writeString(named.resolve("Trouser").resolve("b.png"), "y");
        try (ScanInputs in = ScanInputs.open(named)) {
            ScanInputs aligned = in.alignedTo(netviz.data.Labels.fashionMnist());
            assertEquals(netviz.data.Labels.fashionMnist().names(), aligned.classNames());
            assertEquals(7, aligned.next().label());
            assertEquals(1, aligned.next().label());
            assertFalse(aligned.hasNext());
        }
    }

    @Test
    void aScanFolderIsNotWrittenOverOtherFiles() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("thesis.tex"), "precious");
        String m = assertThrows(netviz.NetvizException.class, () -> ScanWriter.create(other)).getMessage();
        assertTrue(m.contains("thesis.tex"), m);
        assertTrue(Files.exists(other.resolve("thesis.tex")));
    }
}
