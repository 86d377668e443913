package netviz.figures;

import static netviz.figures.Surfaces.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.engine.Interpreter;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.report.SectionReport;
import netviz.server.NetvizServer;
import netviz.session.Session;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NeighborsFigure} on every surface: the report's figure is what its caption's command
 * draws, pixel for pixel; the recipe's neighbours are the brute-force nearest feature vectors; the
 * web app's {@code /api/neighbors} finds the same ones.
 */
class NeighborsFigureTest {
    static final int LIMIT = 300;

    @TempDir
    static Path dir;

    @Test
    void theReportsFigureIsWhatItsCaptionCommandDraws() throws Exception {
        Path report = dir.resolve("report");
        Document doc = SectionReport.generate(MODEL, report, LIMIT, 3, "neighbors");
        Element fig = doc.selectFirst("section#neighbors figure:has(img)");
        String cmd = fig.selectFirst("figcaption code").text();
        assertTrue(cmd.contains("--limit " + LIMIT) && cmd.contains("--pixel-space") && cmd.contains("--index"), cmd);
        List<String> args = new ArrayList<>(Arrays.asList(cmd.split(" ")));
        assertEquals("netviz", args.remove(0));
        Path again = dir.resolve("cli-neighbors.png");
        args.set(args.indexOf("--out") + 1, again.toString());
        args.addAll(List.of("--cache-dir", dir.resolve("cache").toString(), "--no-progress"));
        String printed = Surfaces.cli(args.toArray(String[]::new));
        assertTrue(printed.contains("nearest neighbours in pixel space"), printed);
        Surfaces.assertSamePixels(Surfaces.png(report.resolve(fig.selectFirst("img").attr("src"))), Surfaces.png(again),
                "report and command line");
    }

    @Test
    void theNeighboursAreTheNearestFeatureVectorsAlsoInTheWebApp() throws Exception {
        int query = 3;
        try (Session s = Session.builder(MODEL).alignDataset(false).build();
             NetvizServer server = Surfaces.server(dir.resolve("serve"), LIMIT)) {
            FigureResult r = NeighborsFigure.make(s, List.of(query), List.of(), NeighborsFigure.Options.defaults()
                    .withLimit(LIMIT), Progress.NONE);
            Map<?, ?> space = (Map<?, ?>) ((List<?>) r.summary().get("spaces")).get(0);
            List<?> found = (List<?>) ((Map<?, ?>) ((List<?>) space.get("queries")).get(0)).get("neighbors");
            assertEquals(8, found.size());
            Features f;
            try (Interpreter ip = Interpreter.of(s.graph())) {
                f = FeatureExtractor.extract(ip, s.dataset(), null, new FeatureExtractor.Options(100, LIMIT), Progress.NONE);
            }
            // brute force: every distance, sorted
            Integer[] order = new Integer[f.count()];
            double[] dist = new double[f.count()];
            float[] q = f.row(query);
            for (int i = 0; i < f.count(); i++) {
                order[i] = i;
                float[] row = f.row(i);
                double d = 0;
                for (int j = 0; j < row.length; j++) {
                    d += (row[j] - (double) q[j]) * (row[j] - (double) q[j]);
                }
                dist[i] = Math.sqrt(d);
            }
            Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
            JsonNode api = Surfaces.getJson(server, "/api/neighbors?image=dataset:" + query + "&k=8").get("neighbors");
            int same = 0;
            for (int t = 0; t < 8; t++) {
                Map<?, ?> nb = (Map<?, ?>) found.get(t);
                int want = order[t + 1];   // order[0] is the query itself
                assertEquals(want, nb.get("index"), "rank " + t);
                assertEquals(dist[want], (Double) nb.get("distance"), 1e-4);
                assertEquals(want, api.get(t).get("index").asInt(), "web app, rank " + t);
                assertEquals(dist[want], api.get(t).get("distance").asDouble(), 1e-4);
                same += f.labels()[want] == f.labels()[query] ? 1 : 0;
            }
            assertEquals(same, space.get("same"));
            assertEquals(8, space.get("judged"));
        }
    }

    @Test
    void badOptionsAreOneLineNamingTheFlag() {
        NeighborsFigure.Options d = NeighborsFigure.Options.defaults();
        assertTrue(assertThrows(NetvizException.class, () -> d.withTile(4)).getMessage().startsWith("--tile must be at least 8"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withTile(5000)).getMessage().startsWith("--tile must be between"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withK(0)).getMessage().startsWith("--k must be between 1 and"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withBatchSize(0)).getMessage().startsWith("--batch-size"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withLimit(-1)).getMessage().startsWith("--limit"));
        assertEquals(List.of("--limit", "50", "--k", "3", "--metric", "cosine", "--pixel-space", "--tile", "32"),
                d.withLimit(50).withK(3).withMetric(netviz.methods.features.NearestNeighbors.Metric.COSINE)
                        .withPixelSpace(true).withTile(32).arguments());
        try (Session s = Session.builder(MODEL).build()) {
            NetvizException e = assertThrows(NetvizException.class,
                    () -> NeighborsFigure.make(s, List.of(), List.of(), d, Progress.NONE));
            assertTrue(e.getMessage().contains("--index"), e.getMessage());
            NetvizException k = assertThrows(NetvizException.class,
                    () -> NeighborsFigure.make(s, List.of(0), List.of(), d.withLimit(5), Progress.NONE));
            assertTrue(k.getMessage().startsWith("--k 8 is larger than the dataset allows"), k.getMessage());
        }
    }
}
