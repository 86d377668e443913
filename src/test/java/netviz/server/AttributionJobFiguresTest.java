package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import netviz.render.Png;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's attribution and occlusion pictures are the panels of the command line's figure for
 * the same image and options, pixel for pixel: both are drawn by the same recipe.
 */
class AttributionJobFiguresTest {
    @TempDir
    static Path tmp;
    static TestServer s;
    static Path image;

    @BeforeAll
    static void start() {
        s = new TestServer(tmp.resolve("cache"), 50);
        image = Png.write(s.session().datasetImage(5).picture(), tmp.resolve("five.png"));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static BufferedImage file(JsonNode job, String name) {
        TestServer.Reply r = s.get("/api/jobs/" + job.get("id").asText() + "/files/" + name);
        assertEquals(200, r.status(), r.text());
        return r.png();
    }

    static BufferedImage cli(String command, String... args) throws Exception {
        Path out = tmp.resolve(command + ".png");
        List<String> all = new ArrayList<>(List.of(command, "--model", TestServer.MODEL.toString(), "--image",
                image.toString(), "--out", out.toString()));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), all.toArray(String[]::new)),
                err::toString);
        return ImageIO.read(out.toFile());
    }

    /** Whether {@code part} appears, pixel for pixel, inside {@code whole}. */
    static boolean contains(BufferedImage whole, BufferedImage part) {
        int pw = part.getWidth();
        int ph = part.getHeight();
        int[] want = part.getRGB(0, 0, pw, ph, null, 0, pw);
        int w = whole.getWidth();
        int[] have = whole.getRGB(0, 0, w, whole.getHeight(), null, 0, w);
        for (int oy = 0; oy + ph <= whole.getHeight(); oy++) {
            for (int ox = 0; ox + pw <= w; ox++) {
                boolean same = true;
                for (int y = 0; y < ph && same; y++) {
                    for (int x = 0; x < pw && same; x++) {
                        same = have[(oy + y) * w + ox + x] == want[y * pw + x];
                    }
                }
                if (same) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void attributionPanelsAreTheCommandLinesPanels() throws Exception {
        String[][] cases = {
            {"saliency", "saliency"},
            {"smoothgrad", "saliency", "--smooth", "50"},
            {"integrated-gradients", "integrated-gradients"},
            {"grad-cam", "grad-cam"},
            {"grad-cam-plus-plus", "grad-cam-plus-plus"},
            {"score-cam", "score-cam"},
        };
        for (String[] c : cases) {
            JsonNode j = s.run(c[0], "{\"image\":\"dataset:5\",\"target\":\"2\"}");
            String[] args = new String[c.length - 2 + 2];
            System.arraycopy(c, 2, args, 0, c.length - 2);
            args[args.length - 2] = "--target";
            args[args.length - 1] = "2";
            BufferedImage figure = cli(c[1], args);
            assertTrue(contains(figure, file(j, "map.png")), c[0] + " map");
            assertTrue(contains(figure, file(j, "overlay.png")), c[0] + " overlay");
        }
        JsonNode sc = s.run("score-cam", "{\"image\":\"dataset:5\",\"layer\":\"relu1\"}");
        BufferedImage figure = cli("score-cam", "--layer", "relu1");
        assertTrue(contains(figure, file(sc, "map.png")) && contains(figure, file(sc, "overlay.png")), "score-cam at relu1");
        assertEquals("relu1", sc.get("result").get("layer").asText());
        JsonNode gb = s.run("guided-backprop", "{\"image\":\"dataset:5\"}");
        assertTrue(contains(cli("guided-backprop"), file(gb, "map.png")), "the signed gradient");
    }

    @Test
    void occlusionPanelsAreTheCommandLinesPanels() throws Exception {
        JsonNode j = s.run("occlusion", "{\"image\":\"dataset:5\",\"patch\":6,\"stride\":3}");
        BufferedImage figure = cli("occlusion", "--window", "6", "--stride", "3");
        assertTrue(contains(figure, file(j, "heatmap.png")), "p at each pixel");
        assertTrue(contains(figure, file(j, "overlay.png")), "the drop over the picture");
        assertEquals("drop", j.get("params").get("show").asText(), "the drop of p by default");
        JsonNode p = s.run("occlusion", "{\"image\":\"dataset:5\",\"patch\":6,\"stride\":3,\"show\":\"probability\"}");
        BufferedImage probability = cli("occlusion", "--window", "6", "--stride", "3", "--show", "probability");
        assertTrue(contains(probability, file(p, "heatmap.png")), "p itself at each pixel");
        assertTrue(!contains(figure, file(p, "heatmap.png")), "p is not the drop");
        assertEquals("p(class) when each region is hidden", p.get("result").get("shows").asText());
    }
}
