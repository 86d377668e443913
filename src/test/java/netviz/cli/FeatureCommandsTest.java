package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netviz.io.FloatArray;
import netviz.io.Npy;
import netviz.methods.features.TinyCnn;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;

class FeatureCommandsTest {
    @TempDir
    static Path dir;
    static String model;
    static String cache;

    @BeforeAll
    static void writeModel() {
        Path p = dir.resolve("tiny.onnx");
        OnnxWriter.write(TinyCnn.build(5), p);
        model = p.toString();
        cache = dir.resolve("cache").toString();
    }

    @Test
    void neighborsDrawsOneRowPerQueryWithPixelSpaceAndUsesTheCache() {
        Path out = dir.resolve("nb.png");
        Path raw = dir.resolve("feat.npy");
        Cli.Result r = Cli.run("neighbors", "--model", model, "--limit", "300", "--index", "0", "7", "--k", "5",
                "--pixel-space", "--metric", "cosine", "--cache-dir", cache, "--raw", raw.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("nearest neighbours in feature space (relu3) (cosine distance)"), r.out());
        assertTrue(r.out().contains("nearest neighbours in pixel space"), r.out());
        assertTrue(r.out().contains("neighbours of the query's class"), r.out());
        var img = Png.read(out);
        assertTrue(img.getWidth() > 2 * 6 * 64 && img.getHeight() > 2 * 64, img.getWidth() + "x" + img.getHeight());
        FloatArray f = Npy.readFloats(raw);
        assertEquals(300, f.dim(0));
        assertEquals(16, f.dim(1));
        assertTrue(Files.exists(dir.resolve("feat-labels.npy")) && Files.exists(dir.resolve("feat-ids.txt")));
        Cli.Result again = Cli.run("neighbors", "--model", model, "--limit", "300", "--index", "3", "--cache-dir", cache,
                "--out", dir.resolve("nb2.png").toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("(from the cache)"), again.out());
    }

    @Test
    void neighborsOfAnImageFile() throws Exception {
        Path png = dir.resolve("query.png");
        var img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        var g = img.createGraphics();
        g.fillRect(8, 4, 12, 20);
        g.dispose();
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        Cli.Result r = Cli.run("neighbors", "--model", model, "--limit", "200", "--image", png.toString(), "--k", "3",
                "--cache-dir", cache, "--out", dir.resolve("nb3.png").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("query.png:"), r.out());
    }

    @Test
    void embedWritesTwoPicturesCoordinatesAndComparesTrustworthiness() {
        Path out = dir.resolve("map.png");
        Path raw = dir.resolve("coords.npy");
        Cli.Result r = Cli.run("embed", "--model", model, "--limit", "400", "--method", "tsne", "--perplexity", "15",
                "--iterations", "400", "--cache-dir", cache, "--raw", raw.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trustworthiness (k = 10):  t-SNE 0."), r.out());
        assertTrue(r.out().contains("PCA 0."), r.out());
        assertTrue(Files.exists(out) && Files.exists(dir.resolve("map-scatter.png")));
        FloatArray c = Npy.readFloats(raw);
        assertEquals(400, c.dim(0));
        assertEquals(2, c.dim(1));
        Cli.Result three = Cli.run("embed", "--model", model, "--limit", "300", "--method", "pca", "--dim", "3", "--no-compare",
                "--cache-dir", cache, "--out", dir.resolve("pca3.png").toString());
        assertEquals(0, three.code(), three.toString());
        assertTrue(three.out().contains("PCA "), three.out());
    }

    @Test
    void badInputIsOneLineAndExitCode2() {
        String o = dir.resolve("x.png").toString();
        Cli.Result k = Cli.run("neighbors", "--model", model, "--limit", "50", "--index", "0", "--k", "50", "--cache-dir", cache, "--out", o);
        assertEquals(2, k.code(), k.toString());
        assertTrue(k.err().contains("--k 50 is larger than the dataset allows"), k.err());
        assertEquals(1, k.err().strip().lines().count(), k.err());
        Cli.Result dim = Cli.run("embed", "--model", model, "--limit", "100", "--dim", "4", "--out", o);
        assertEquals(2, dim.code(), dim.toString());
        assertTrue(dim.err().contains("--dim must be 2 or 3"), dim.err());
        Cli.Result perp = Cli.run("embed", "--model", model, "--limit", "60", "--perplexity", "30", "--cache-dir", cache, "--out", o);
        assertEquals(2, perp.code(), perp.toString());
        assertTrue(perp.err().contains("perplexity 30 is too large for 60 points"), perp.err());
        Cli.Result layer = Cli.run("embed", "--model", model, "--limit", "60", "--layer", "nope", "--cache-dir", cache, "--out", o);
        assertEquals(2, layer.code(), layer.toString());
        Cli.Result noQuery = Cli.run("neighbors", "--model", model, "--out", o);
        assertEquals(2, noQuery.code(), noQuery.toString());
        assertTrue(noQuery.err().contains("--index"), noQuery.err());
    }
}
