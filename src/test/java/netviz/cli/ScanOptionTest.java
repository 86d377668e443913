package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import netviz.BundledScan;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.TopImagesFigure;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --scan DIR}: each command drawn from a scan of the first 2,000 bundled test images gives the
 * numbers the same command gives by passing over those 2,000 images itself, and writes its picture;
 * a folder that is not a scan, a scan of another model, a layer the scan did not record and a
 * {@code --limit} that would cut its statistics are one line and exit code 2.
 */
class ScanOptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String data() {
        return BundledScan.data().toString();
    }

    private static String scan() {
        return BundledScan.scan().toString();
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    /**
     * {@code netviz COMMAND --json} passing over the 2,000 images, then drawing from their scan; both
     * pictures are written, the scan's is checked to be one.
     */
    private JsonNode[] passThenScan(String command) throws IOException {
        Path b = dir.resolve(command + "-scan.png");
        JsonNode pass = JSON.readTree(ok(command, "--data", data(), "--json", "--out",
                dir.resolve(command + "-pass.png").toString()).out());
        JsonNode fromScan = JSON.readTree(ok(command, "--scan", scan(), "--json", "--out", b.toString()).out());
        assertPicture(b);
        return new JsonNode[] {pass, fromScan};
    }

    @Test
    void deadFiltersFromTheScanAreThoseOfAPass() throws IOException {
        JsonNode[] r = passThenScan("dead-filters");
        assertEquals(BundledScan.IMAGES, r[1].get("images").asLong());
        assertSameJson(r[0], r[1], Set.of("data", "png", "out"), Set.of("mean"), false, "");
    }

    @Test
    void evaluationFromTheScanIsThatOfAPass() throws IOException {
        JsonNode[] r = passThenScan("evaluate");
        assertEquals(BundledScan.IMAGES, r[1].get("examples").asLong());
        assertSameJson(r[0], r[1], Set.of("data", "png", "seconds"), "");
    }

    @Test
    void topImagesFromTheScanAreThoseOfAPassPixelForPixel() throws IOException {
        TopImagesFigure.Options o = TopImagesFigure.Options.of("relu2").withChannels(0, 3, 7);
        FigureResult pass;
        FigureResult fromScan;
        try (Session s = Session.builder(BundledScan.MODEL).data(BundledScan.data()).build()) {
            pass = TopImagesFigure.make(s, o, Progress.NONE);
        }
        try (Session s = Session.builder(BundledScan.MODEL).scan(BundledScan.scan()).build()) {
            fromScan = TopImagesFigure.make(s, o, Progress.NONE);
        }
        assertEquals((long) BundledScan.IMAGES, fromScan.summary().get("scanned"));
        assertSameJson(JSON.valueToTree(pass.summary()), JSON.valueToTree(fromScan.summary()), Set.of("data"), "");
        assertEquals(pass.figures().size(), fromScan.figures().size());
        for (int i = 0; i < pass.figures().size(); i++) {
            assertSamePixels(pass.figures().get(i).image(), fromScan.figures().get(i).image(), "sheet " + i);
        }
        Path png = dir.resolve("top.png");
        Cli.Result r = ok("top-images", "--scan", scan(), "--layer", "relu2", "--channel", "3", "--k", "4",
                "--out", png.toString());
        assertTrue(r.out().contains("top 4 of 2,000 images for relu2"), r.out());
        assertPicture(png);
    }

    @Test
    void neighboursAndMapsFromTheScanUseTheSameFeatures() throws IOException {
        Path fa = dir.resolve("pass.npy");
        Path fb = dir.resolve("scan.npy");
        Cli.Result pass = ok("neighbors", "--data", data(), "--batch-size", "64", "--no-cache", "--index", "0", "17",
                "--k", "5", "--raw", fa.toString(), "--out", dir.resolve("n1.png").toString());
        Cli.Result fromScan = ok("neighbors", "--scan", scan(), "--data", data(), "--index", "0", "17", "--k", "5",
                "--raw", fb.toString(), "--out", dir.resolve("n2.png").toString());
        assertArrayEquals(Files.readAllBytes(fa), Files.readAllBytes(fb), "the features differ");
        assertEquals(neighbourLines(pass.out()), neighbourLines(fromScan.out()));
        assertPicture(dir.resolve("n2.png"));

        Path ca = dir.resolve("pca-pass.npy");
        Path cb = dir.resolve("pca-scan.npy");
        ok("embed", "--data", data(), "--batch-size", "64", "--no-cache", "--method", "pca", "--no-compare",
                "--limit", "500", "--raw", ca.toString(), "--out", dir.resolve("e1.png").toString());
        ok("embed", "--scan", scan(), "--data", data(), "--method", "pca", "--no-compare", "--limit", "500",
                "--raw", cb.toString(), "--out", dir.resolve("e2.png").toString());
        assertArrayEquals(Files.readAllBytes(ca), Files.readAllBytes(cb), "the PCA coordinates differ");
        assertPicture(dir.resolve("e2.png"));
    }

    @Test
    void aFolderThatIsNotAScanIsOneLine() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        oneLineError(List.of("dead-filters", "--scan", empty.toString()), "scan");
        Path file = Files.writeString(dir.resolve("scan.txt"), "no scan");
        oneLineError(List.of("top-images", "--scan", file.toString(), "--layer", "relu2", "--channel", "0"), "folder");
    }

    @Test
    void aScanOfAnotherModelIsOneLine() {
        String err = oneLineError(List.of("dead-filters", "--model", "models/fashion-mnist-generator.onnx", "--scan",
                scan()), "another model");
        assertTrue(err.contains("fashion-mnist-cnn"), err);
    }

    @Test
    void aLayerTheScanDidNotRecordIsOneLineNamingThoseItHolds() {
        String err = oneLineError(List.of("top-images", "--scan", scan(), "--layer", "conv1", "--channel", "0"),
                "holds no statistics of layer 'conv1'");
        assertTrue(err.contains("relu1") && err.contains("relu2"), err);
        oneLineError(List.of("dead-filters", "--scan", scan(), "--layer", "conv2"), "conv2");
        oneLineError(List.of("neighbors", "--scan", scan(), "--layer", "relu2", "--index", "0"), "relu3");
    }

    @Test
    void thumbnailsFromDataTheScanWasNotMadeOfAreOneLine() {
        // the bundled split holds the same first images, but under another file name: not the scan's source
        String err = oneLineError(List.of("neighbors", "--scan", scan(), "--index", "0", "--k", "3", "--out",
                dir.resolve("n.png").toString()), "give the --data the features were made of");
        assertTrue(err.contains("t10k-images-idx3-ubyte#"), err);
    }

    @Test
    void statisticsOfTheWholeScanCannotBeCut() {
        oneLineError(List.of("dead-filters", "--scan", scan(), "--limit", "100"), "--limit 100");
        oneLineError(List.of("top-images", "--scan", scan(), "--layer", "relu2", "--channel", "0", "--k", "10"),
                "--k 10");
    }

    /** Runs a command that must fail as a user error; returns its one line of stderr. */
    private static String oneLineError(List<String> args, String mentions) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(Main.EXIT_USER_ERROR, r.code(), r.toString());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "not one line: " + r);
        assertTrue(err.startsWith("netviz: error: ") && err.contains(mentions), r.toString());
        return err;
    }

    /** The lines that list neighbours (the first lines name the data source, the last the file written). */
    private static List<String> neighbourLines(String out) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("  ") || l.startsWith("nearest neighbours")) {
                lines.add(l);
            }
        }
        assertFalse(lines.isEmpty(), out);
        return lines;
    }

    private static void assertPicture(Path png) throws IOException {
        BufferedImage im = ImageIO.read(png.toFile());
        assertTrue(im != null && im.getWidth() > 50 && im.getHeight() > 50, png + " is not a picture");
        int first = im.getRGB(0, 0);
        for (int y = 0; y < im.getHeight(); y += 3) {
            for (int x = 0; x < im.getWidth(); x += 3) {
                if (im.getRGB(x, y) != first) {
                    return;
                }
            }
        }
        fail(png + " is a single colour");
    }

    private static void assertSamePixels(BufferedImage a, BufferedImage b, String what) {
        assertEquals(a.getWidth(), b.getWidth(), what);
        assertEquals(a.getHeight(), b.getHeight(), what);
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    fail(what + " differs at " + x + "," + y);
                }
            }
        }
    }

    /** Equal trees, keys in {@code ignore} left out at every depth; every number exactly equal. */
    static void assertSameJson(JsonNode a, JsonNode b, Set<String> ignore, String at) {
        assertSameJson(a, b, ignore, Set.of(), false, at);
    }

    /**
     * Equal trees, keys in {@code ignore} left out at every depth; numbers exactly equal, except below
     * a key in {@code approximate}: there to 1e-6 relative. (A pass averages each image's float32 mean
     * over its positions; the scan adds the float64 sums exactly, so the means of dead filters agree to
     * float32 rounding, not bit for bit.)
     */
    static void assertSameJson(JsonNode a, JsonNode b, Set<String> ignore, Set<String> approximate, boolean loose,
                               String at) {
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            double tol = loose ? 1e-6 * Math.max(Math.abs(x), Math.abs(y)) : 0;
            assertTrue(x == y || Math.abs(x - y) <= tol, at + ": " + x + " != " + y);
            return;
        }
        assertEquals(a.getNodeType(), b.getNodeType(), at);
        if (a.isObject()) {
            List<String> ka = keys(a, ignore);
            assertEquals(ka, keys(b, ignore), at);
            for (String k : ka) {
                assertSameJson(a.get(k), b.get(k), ignore, approximate, loose || approximate.contains(k), at + "." + k);
            }
        } else if (a.isArray()) {
            assertEquals(a.size(), b.size(), at);
            for (int i = 0; i < a.size(); i++) {
                assertSameJson(a.get(i), b.get(i), ignore, approximate, loose, at + "[" + i + "]");
            }
        } else {
            assertEquals(a, b, at);
        }
    }

    private static List<String> keys(JsonNode n, Set<String> ignore) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String s = it.next();
            if (!ignore.contains(s)) {
                k.add(s);
            }
        }
        return k;
    }
}
