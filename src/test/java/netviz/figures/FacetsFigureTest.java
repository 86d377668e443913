package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import netviz.NetvizException;
import netviz.Progress;
import netviz.cli.Main;
import netviz.render.Png;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facets recipe draws one figure for every surface: {@code netviz facets} given
 * {@link FacetsFigure.Options#arguments()} writes the recipe's pictures, and the web app's facets job
 * with the same unit, facet count and images serves them, pixel for pixel. (The report's figure is
 * compared with its caption's command in {@code FacetsSectionTest}.)
 */
class FacetsFigureTest {
    static final Path MODEL = FigureTesting.MODEL;
    static final int LIMIT = 200;

    @TempDir
    Path dir;

    @Test
    void commandLineAndWebAppDrawTheRecipesPixels() throws Exception {
        // what the web app computes for {layer fc2, channel 3, facets 2} on the first 200 bundled test images
        FacetsFigure.Options o = FacetsFigure.Options.defaults().withLayer("fc2").withChannel(3).withFacets(2)
                .withLimit(LIMIT);
        FigureResult made;
        try (Session s = Session.open(MODEL)) {
            made = FacetsFigure.make(s, s.dataset(), o, Progress.NONE);
        }
        assertEquals(2 + 2, made.figures().size(), "sheet, map and one picture per facet");

        List<String> args = new ArrayList<>(List.of("facets", "--model", MODEL.toString(), "--data", "data/fashion-mnist"));
        args.addAll(o.arguments());
        args.addAll(List.of("--out", dir.resolve("cli").toString(), "--no-progress"));
        netviz(args);
        assertTrue(FigureTesting.same(made.figures().get(0).image(), Png.read(dir.resolve("cli/facets.png"))), "facets.png");
        assertTrue(FigureTesting.same(made.figures().get(1).image(), Png.read(dir.resolve("cli/scatter.png"))), "scatter.png");
        assertTrue(FigureTesting.same(made.figures().get(3).image(), Png.read(dir.resolve("cli/facet-2.png"))), "facet-2.png");

        try (NetvizServer server = NetvizServer.start(ServerOptions.of(MODEL, null, dir.resolve("cache")).withPort(0)
                .withLimit(LIMIT))) {
            Web web = new Web(server.uri());
            JsonNode job = web.run("facets", "{\"layer\":\"fc2\",\"channel\":3,\"facets\":2}");
            assertTrue(FigureTesting.same(made.figures().get(0).image(), web.png(job, "facets.png")), "web facets.png");
            assertTrue(FigureTesting.same(made.figures().get(1).image(), web.png(job, "scatter.png")), "web scatter.png");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> facets = (List<Map<String, Object>>) made.summary().get("facets");
            JsonNode served = job.get("result").get("facets");
            assertEquals(facets.size(), served.size());
            for (int i = 0; i < facets.size(); i++) {
                assertEquals((int) facets.get(i).get("size"), served.get(i).get("images").asInt());
                assertEquals((double) facets.get(i).get("activation"), served.get(i).get("activation").asDouble(), 1e-12);
            }
        }
    }

    @Test
    void argumentsNameExactlyTheSettingsThatDifferFromTheDefaults() {
        assertEquals(List.of("--target", "Bag"), FacetsFigure.Options.defaults().withTarget("Bag").arguments());
        FacetsFigure.Options o = FacetsFigure.Options.defaults().withLayer("relu2").withChannel(5)
                .withPosition(new int[] {3, 4}).withFacets(3).withLimit(600).withTopShare(0.14).withMeanOf(2)
                .withFeatureLayer("relu3").withIterations(10).withStep(0.02).withDecay(0.001).withBlur(0.5, 2)
                .withJitter(2).withCenterBias(false).withTsneIterations(250).withPerplexity(5).withSeed(7)
                .withExamples(6).withTile(64);
        assertEquals(List.of("--layer", "relu2", "--channel", "5", "--position", "3,4", "--facets", "3", "--limit", "600",
                "--top-share", "0.14", "--mean-of", "2", "--feature-layer", "relu3", "--iterations", "10", "--step", "0.02",
                "--decay", "0.001", "--blur", "0.5", "--blur-every", "2", "--jitter", "2", "--no-center-bias",
                "--tsne-iterations", "250", "--perplexity", "5", "--seed", "7", "--examples", "6", "--tile", "64"),
                o.arguments());
        assertEquals(List.of("--target", "8", "--top", "50"),
                FacetsFigure.Options.defaults().withTarget("8").withTop(50).arguments());
    }

    @Test
    void badSettingsAreOneLineNamingTheFlag() {
        FacetsFigure.Options d = FacetsFigure.Options.defaults();
        assertEquals("--top N and --top-share S both choose the top images; give one of them",
                assertThrows(NetvizException.class, () -> d.withTopShare(0.2).withTop(50)).getMessage());
        assertEquals("--facets must be between 1 and 64, not 0",
                assertThrows(NetvizException.class, () -> d.withFacets(0)).getMessage());
        assertEquals("--tsne-iterations must be between 1 and 100000, not 2000000000",
                assertThrows(NetvizException.class, () -> d.withTsneIterations(2_000_000_000)).getMessage());
        assertEquals("give either --target CLASS or --layer L --channel C",
                assertThrows(NetvizException.class, () -> d.checkUnit()).getMessage());
        assertEquals("--layer needs --channel C",
                assertThrows(NetvizException.class, () -> d.withLayer("relu2").checkUnit()).getMessage());
        assertEquals("--channel and --position need --layer",
                assertThrows(NetvizException.class, () -> d.withTarget("1").withChannel(2).checkUnit()).getMessage());
    }

    /** Runs {@code netviz args} in this process; fails with what it printed unless it exits with 0. */
    static void netviz(List<String> args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, args + ": " + err);
    }

    /** A small client of the web app's job API. */
    record Web(URI base) {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        static final ObjectMapper JSON = new ObjectMapper();

        byte[] send(HttpRequest.Builder b) throws Exception {
            HttpResponse<byte[]> r = HTTP.send(b.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + new String(r.body()));
            return r.body();
        }

        /** Posts a job, waits until it is done (at most two minutes), and returns its JSON. */
        JsonNode run(String kind, String params) throws Exception {
            String id = JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/api/jobs")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"kind\":\"" + kind + "\",\"params\":" + params + "}"))))
                    .get("id").asText();
            long end = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < end) {
                JsonNode j = JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + id)).GET()));
                String status = j.get("status").asText();
                if (status.equals("done")) {
                    return j;
                }
                assertTrue(!status.equals("failed"), j.toString());
                Thread.sleep(50);
            }
            throw new AssertionError("job " + kind + " did not finish in two minutes");
        }

        BufferedImage png(JsonNode job, String file) throws Exception {
            return ImageIO.read(new ByteArrayInputStream(send(HttpRequest.newBuilder(
                    base.resolve("/api/jobs/" + job.get("id").asText() + "/files/" + file)).GET())));
        }
    }
}
