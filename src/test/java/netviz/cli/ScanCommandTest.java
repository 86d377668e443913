package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import netviz.methods.scan.ScanReader;
import netviz.methods.scan.ScanTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
    @TempDir
    Path dir;

    @Test
    void scansAnImageFolderIntoAScanTheReaderOpens() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 5; i++) {
            img.getRaster().setSample(3 + i, 10, 0, 255);
            javax.imageio.ImageIO.write(img, "png", data.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(data.resolve("readme.txt"), "hello");
        Path out = dir.resolve("scan");
        Cli.Result r = Cli.run("scan", "--data", data.toString(), "--out", out.toString(), "--top-k", "2",
                "--batch-size", "2", "--no-progress");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("5 images scanned, 1 failed"), r.out());
        ScanReader scan = ScanReader.open(out);
        assertEquals(5, scan.manifest().images());
        assertEquals(2, scan.topHits("relu1", 0).size());
        assertEquals("readme.txt", scan.failures().get(0).id());
        assertTrue(ScanTables.parts(out.resolve("images")).size() == 1);
        assertTrue(r.err().isBlank(), "nothing on stderr (no Hadoop warnings): " + r.err());
    }

    @Test
    void aBadOptionIsOneLine() {
        Cli.Result r = Cli.run("scan", "--out", dir.resolve("s").toString(), "--top-k", "0");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--top-k"), r.err());
    }
}
