package netviz.figures;

import static netviz.figures.ReportFigures.rerun;
import static netviz.figures.Surfaces.MODEL;
import static netviz.figures.Surfaces.assertSamePixels;
import static netviz.figures.Surfaces.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.render.Png;
import netviz.server.NetvizServer;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeadFiltersFigure}: {@code netviz dead-filters}, the web app's layer-stats job and the
 * report's dead-filters section draw the same histograms over the same images; firing rates and
 * dead filters match a brute-force count over the images one by one.
 */
public class DeadFiltersFigureTest {
    static final int IMAGES = 30;
    /** A nearly-dead threshold high enough that some filters of the bundled model fall under it at tolerance 0.5. */
    static final double NEARLY = 0.2;

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theCliTheWebAppAndTheReportDrawTheSameHistograms() throws Exception {
        Path png = dir.resolve("cli.png");
        cli("dead-filters", "--model", MODEL.toString(), "--layer", "relu2", "--limit", Integer.toString(IMAGES),
                "--no-progress", "--out", png.toString());
        try (NetvizServer server = Surfaces.server(dir.resolve("cache"), IMAGES)) {
            JsonNode job = Surfaces.job(server, "layer-stats", "{\"layer\":\"relu2\"}");
            assertSamePixels(Png.read(png), Surfaces.file(server, job, "firing.png"), "web app");
            // the job says which tensor it read and gives both rates of every channel
            JsonNode r = job.get("result");
            assertEquals("relu2", r.get("tensor").asText());
            assertEquals("Relu", r.get("op").asText());
            assertEquals("positions", r.get("histogram").asText());
            assertEquals(196, r.get("positions").asInt());
            assertEquals(DeadFiltersFigure.NEARLY_DEAD, r.get("nearlyDeadBelow").asDouble());
            try (Session s = Session.open(MODEL)) {
                FigureResult lib = DeadFiltersFigure.make(s, DeadFiltersFigure.Options.defaults()
                        .withLayers(List.of("relu2")).withLimit(IMAGES), Progress.NONE);
                Map<String, Object> l = ((List<Map<String, Object>>) lib.summary().get("layers")).get(0);
                double[] positional = (double[]) l.get("positionalRate");
                assertEquals(positional.length, r.get("channels").size());
                for (int c = 0; c < positional.length; c++) {
                    JsonNode ch = r.get("channels").get(c);
                    assertEquals(positional[c], ch.get("positionalRate").asDouble(), 1e-12);
                    assertEquals(((double[]) l.get("firingRate"))[c], ch.get("firingRate").asDouble(), 1e-12);
                    assertEquals(positional[c] > 0 && positional[c] < 0.01, ch.get("nearlyDead").asBoolean());
                }
                assertEquals(l.get("nearlyDead"), r.get("nearlyDead").size());
            }
        }
        List<ReportFigures.Shown> shown = ReportFigures.of(dir.resolve("r"), IMAGES,
                "dead-filters");
        ReportFigures.Shown f = shown.get(0);
        assertTrue(String.join(" ", f.command()).contains("--limit " + IMAGES), f.command()::toString);
        assertSamePixels(Png.read(f.png()), rerun(f.command(), dir.resolve("again.png")), "report");
    }

    @Test
    @SuppressWarnings("unchecked")
    void firingRatesAreCountedImageByImage() {
        try (Session s = Session.open(MODEL)) {
            double tolerance = 0.5;
            DeadFiltersFigure.Options o = DeadFiltersFigure.Options.defaults().withLayers(List.of("relu1", "relu2"))
                    .withTolerance(tolerance).withBatchSize(7).withLimit(IMAGES).withNearlyDead(NEARLY);
            FigureResult r = DeadFiltersFigure.make(s, o, Progress.NONE);
            assertEquals((long) IMAGES, r.summary().get("images"));
            int nearlyFound = 0;
            for (Map<String, Object> l : (List<Map<String, Object>>) r.summary().get("layers")) {
                String tensor = s.graph().resolveTensor((String) l.get("layer"));
                int filters = (Integer) l.get("filters");
                long[] fires = new long[filters];
                long[] firingPositions = new long[filters];
                long plane = 0;
                double[] max = new double[filters];
                java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
                for (int i = 0; i < IMAGES; i++) {
                    Picture p = s.datasetPicture(i);
                    try (NDManager scope = s.forward().newScope()) {
                        float[] y = s.forward().forward(scope, p.toNDArray(scope), tensor).get(tensor).toFloatArray();
                        plane = y.length / filters;
                        for (int c = 0; c < filters; c++) {
                            float m = -Float.MAX_VALUE;
                            for (int j = 0; j < plane; j++) {
                                m = Math.max(m, y[(int) (c * plane + j)]);
                                firingPositions[c] += y[(int) (c * plane + j)] > tolerance ? 1 : 0;
                            }
                            fires[c] += m > tolerance ? 1 : 0;
                            max[c] = Math.max(max[c], m);
                        }
                    }
                }
                double[] rate = (double[]) l.get("firingRate");
                double[] positional = (double[]) l.get("positionalRate");
                assertEquals(plane, l.get("positions"));
                List<Integer> dead = new ArrayList<>();
                List<Integer> nearly = new ArrayList<>();
                for (int c = 0; c < filters; c++) {
                    assertEquals((double) fires[c] / IMAGES, rate[c], 1e-12, l.get("layer") + " filter " + c);
                    double share = (double) firingPositions[c] / (IMAGES * plane);
                    assertEquals(share, positional[c], 1e-12, l.get("layer") + " filter " + c + " by positions");
                    if (firingPositions[c] > 0 && share < NEARLY) {
                        nearly.add(c);
                    }
                    assertEquals(max[c], ((double[]) l.get("max"))[c], 1e-5 * Math.max(1, Math.abs(max[c])));
                    if (fires[c] == 0) {
                        dead.add(c);
                    }
                }
                assertArrayEquals(dead.stream().mapToInt(Integer::intValue).toArray(), (int[]) l.get("deadFilters"));
                assertEquals(dead.size(), l.get("dead"));
                assertArrayEquals(nearly.stream().mapToInt(Integer::intValue).toArray(),
                        (int[]) l.get("nearlyDeadFilters"), l.get("layer") + " nearly dead");
                nearlyFound += nearly.size();
            }
            assertTrue(nearlyFound > 0, "the threshold puts some filters under it, so the list is tested");
            assertEquals(List.of("--layer", "relu1,relu2", "--tolerance", "0.5", "--limit", "30", "--nearly-dead",
                    "0.2"), o.arguments());
        }
    }

    @Test
    void conflictingOrBadOptionsNameTheirFlag() {
        DeadFiltersFigure.Options d = DeadFiltersFigure.Options.defaults();
        assertEquals("give either --layer or --all, not both",
                assertThrows(NetvizException.class, () -> d.withLayers(List.of("relu1")).withAll(true)).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> d.withTolerance(Double.NaN)).getMessage()
                .startsWith("--tolerance"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withBatchSize(0)).getMessage().startsWith("--batch-size"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withNearlyDead(1)).getMessage().startsWith("--nearly-dead"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withNearlyDead(-0.1)).getMessage().startsWith("--nearly-dead"));
    }
}
