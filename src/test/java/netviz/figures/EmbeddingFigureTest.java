package netviz.figures;

import static netviz.figures.Surfaces.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.Pca;
import netviz.methods.features.Trustworthiness;
import netviz.render.ImageMap;
import netviz.report.SectionReport;
import netviz.server.NetvizServer;
import netviz.session.Session;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmbeddingFigure} on every surface: the PCA and t-SNE scatter plots of the report, of the
 * command line and of the web app's embedding job are the same pixels, the report's captions
 * reproduce its figures, and the PCA map and its trustworthiness are those computed directly.
 */
class EmbeddingFigureTest {
    static final int LIMIT = 300;

    @TempDir
    static Path dir;

    @Test
    void theScattersAreTheSameOnTheCommandLineTheWebAppAndTheReport() throws Exception {
        Path report = dir.resolve("report");
        Document doc = SectionReport.generate(MODEL, report, LIMIT, 1, "embedding");
        Path cache = dir.resolve("cache");
        Surfaces.cli("embed", "--method", "pca", "--no-compare", "--limit", Integer.toString(LIMIT), "--cache-dir",
                cache.toString(), "--no-progress", "--out", dir.resolve("pca.png").toString());
        Surfaces.assertSamePixels(Surfaces.png(report.resolve("figures/pca-scatter.png")),
                Surfaces.png(dir.resolve("pca-scatter.png")), "PCA: report and command line");
        // the t-SNE figures as the report's caption command draws them
        Element fig = doc.select("section#embedding figure").stream()
                .filter(e -> e.selectFirst("img").attr("src").equals("figures/tsne.png")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(Arrays.asList(fig.selectFirst("figcaption code").text().split(" ")));
        assertEquals("netviz", args.remove(0));
        args.set(args.indexOf("--out") + 1, dir.resolve("tsne.png").toString());
        args.addAll(List.of("--cache-dir", cache.toString(), "--no-progress"));
        assertTrue(fig.selectFirst("figcaption").text().contains("all " + LIMIT + " images drawn, one per cell"),
                fig.selectFirst("figcaption").text());
        String printed = Surfaces.cli(args.toArray(String[]::new));
        assertTrue(printed.contains("trustworthiness (k = 10):  t-SNE 0."), printed);
        Surfaces.assertSamePixels(Surfaces.png(report.resolve("figures/tsne.png")), Surfaces.png(dir.resolve("tsne.png")),
                "t-SNE image map: report and command line");
        Surfaces.assertSamePixels(Surfaces.png(report.resolve("figures/tsne-scatter.png")),
                Surfaces.png(dir.resolve("tsne-scatter.png")), "t-SNE: report and command line");
        try (NetvizServer server = Surfaces.server(dir.resolve("serve"), LIMIT)) {
            JsonNode pca = Surfaces.job(server, "embedding", "{\"method\":\"pca\",\"n\":" + LIMIT + "}");
            Surfaces.assertSamePixels(Surfaces.png(report.resolve("figures/pca-scatter.png")),
                    Surfaces.file(server, pca, "scatter.png"), "PCA: report and web app");
            JsonNode tsne = Surfaces.job(server, "embedding", "{\"method\":\"tsne\",\"n\":" + LIMIT + "}");
            Surfaces.assertSamePixels(Surfaces.png(report.resolve("figures/tsne-scatter.png")),
                    Surfaces.file(server, tsne, "scatter.png"), "t-SNE: report and web app");
        }
    }

    @Test
    void thePcaMapAndItsScoreAreThoseComputedDirectly() {
        try (Session s = Session.builder(MODEL).alignDataset(false).build()) {
            EmbeddingFigure.Options o = EmbeddingFigure.Options.defaults().withMethod(EmbeddingFigure.Method.PCA)
                    .withCompare(false).withLimit(120);
            FigureResult r = EmbeddingFigure.make(s, o, Progress.NONE);
            Features f;
            // the features as the session's forward pass computes them (the one the recipe uses)
            f = FeatureExtractor.extract(s.forward(), s.dataset(), null, new FeatureExtractor.Options(100, 120),
                    Progress.NONE);
            double[] want = Pca.fit(f.values(), f.dim(), 2).transform(f.values());
            assertArrayEquals(want, (double[]) r.summary().get("coordinates"), 1e-9);
            float[] y = new float[want.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) want[i];
            }
            Map<?, ?> map = (Map<?, ?>) ((List<?>) r.summary().get("maps")).get(0);
            assertEquals(Trustworthiness.of(f.values(), f.dim(), y, 2, 10), (Double) map.get("trustworthiness"), 1e-12);
            assertEquals(List.of("--method", "pca", "--limit", "120", "--no-compare"), o.arguments());
            assertEquals(2, r.figures().size());
            assertArrayEquals(new long[] {120, 2}, r.arrays().get("coordinates").shape());
        }
    }

    /**
     * The image map draws every image once: the summary's count of drawn images is n, equal to the
     * cells that an independent assignment of the drawn coordinates fills, also when the asked grid is
     * too small for n (it grows to ⌈√n⌉), and the map's title says so.
     */
    @Test
    void theImageMapDrawsEveryImageAndSaysHowMany() {
        try (Session s = Session.builder(MODEL).alignDataset(false).build()) {
            int n = 150;
            for (int grid : new int[] {40, 5}) {
                EmbeddingFigure.Options o = EmbeddingFigure.Options.defaults().withMethod(EmbeddingFigure.Method.PCA)
                        .withCompare(false).withLimit(n).withGrid(grid);
                FigureResult r = EmbeddingFigure.make(s, o, Progress.NONE);
                Map<?, ?> m = (Map<?, ?>) r.summary().get("imageMap");
                int side = Math.max(grid, 13);   // ⌈√150⌉ = 13
                assertEquals(side, m.get("grid"));
                assertEquals("assignment", m.get("placing"));
                assertEquals(n, m.get("drawn"));
                assertEquals(n, ImageMap.assigned((double[]) r.summary().get("plane"), side).shown());
                assertEquals("all 150 images drawn, one per cell of a " + side + " x " + side + " grid (optimal assignment)",
                        m.get("note"));
                assertTrue(r.figures().get(0).image().getHeight() > side * 28, "one 28-pixel cell per grid row, and the title");
            }
        }
        assertEquals("2,310 of 10,000 images drawn on a 40 x 40 grid (in each cell the one nearest its centre; more than"
                + " 2,000 images are not assigned)", EmbeddingFigure.drawnNote(2310, 10_000, 40));
    }

    @Test
    void badOptionsAreOneLineNamingTheFlag() {
        EmbeddingFigure.Options d = EmbeddingFigure.Options.defaults();
        assertEquals("--dim must be 2 or 3, got 4", assertThrows(NetvizException.class, () -> d.withDim(4)).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> d.withGrid(1)).getMessage().startsWith("--grid"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withIterations(0)).getMessage().startsWith("--iterations"));
        String m = assertThrows(NetvizException.class, () -> EmbeddingFigure.Method.parse("umap")).getMessage();
        assertTrue(m.contains("umap") && m.contains("pca") && m.contains("tsne"), m);
        assertEquals(List.of("--method", "tsne", "--perplexity", "12.5", "--seed", "3", "--init", "random", "--pixels"),
                d.withPerplexity(12.5).withSeed(3).withInit(netviz.methods.features.Tsne.Init.RANDOM).withPixels(true)
                        .arguments());
        try (Session s = Session.builder(MODEL).build()) {
            NetvizException few = assertThrows(NetvizException.class, () -> EmbeddingFigure.make(s,
                    d.withMethod(EmbeddingFigure.Method.PCA).withCompare(false).withLimit(20), Progress.NONE));
            assertTrue(few.getMessage().startsWith("embed needs more than 20 examples"), few.getMessage());
        }
    }
}
