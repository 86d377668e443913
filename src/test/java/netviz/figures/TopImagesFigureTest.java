package netviz.figures;

import static netviz.figures.FigureTesting.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.Progress;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.methods.activations.DeadFilters;
import netviz.methods.neurons.TopImages;
import netviz.report.SectionReports;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopImagesFigure} on every surface: the report's sheets are what their caption's command
 * draws, and the web app's sheet is what the command with the same options draws, pixel for pixel;
 * the hits are those of a direct {@link TopImages} scan.
 */
class TopImagesFigureTest {
    static final int LIMIT = 120;

    @TempDir
    static Path dir;

    @Test
    void theReportsSheetsAreWhatTheirCaptionCommandDraws() throws Exception {
        Path index = SectionReports.generate(MODEL, dir.resolve("report"), LIMIT, "top-images");
        List<String[]> captions = NeuronSurfaces.captions(index);
        assertEquals(3, captions.size());
        List<String> args = new ArrayList<>(Arrays.asList(captions.get(0)[1].split(" ")));
        assertEquals("netviz", args.remove(0));
        assertTrue(args.containsAll(List.of("top-images", "--channel", "0,1,2", "--limit", Integer.toString(LIMIT))),
                args.toString());
        Path again = dir.resolve("cli-top.png");
        args.set(args.indexOf("--out") + 1, again.toString());
        args.add("--no-progress");
        NeuronSurfaces.cli(args);
        for (int c = 0; c < 3; c++) {
            assertEquals("figures/top-c" + c + ".png", captions.get(c)[0]);
            assertTrue(FigureTesting.same(NeuronSurfaces.png(dir.resolve("report").resolve(captions.get(c)[0])),
                    NeuronSurfaces.png(dir.resolve("cli-top-c" + c + ".png"))), "channel " + c);
        }
    }

    @Test
    void theWebAppsSheetIsTheCommandsAndHoldsTheBestImages() throws Exception {
        try (Session s = Session.open(MODEL);
             NetvizServer server = NetvizServer.start(ServerOptions.of(MODEL, null, dir.resolve("cache"))
                     .withPort(0).withLimit(LIMIT))) {
            List<String> convs = DeadFilters.convActivations(s.graph());
            String layer = convs.get(convs.size() - 1);
            JsonNode j = NeuronSurfaces.job(server, "top-images", "{\"layer\":\"" + layer + "\",\"channel\":5,\"k\":4}");
            TopImagesFigure.Options o = TopImagesFigure.Options.of(layer).withChannels(5).withK(4).withLimit(LIMIT);
            Path png = dir.resolve("cli-server.png");
            List<String> args = new ArrayList<>(List.of("top-images"));
            args.addAll(o.arguments());
            args.addAll(List.of("--out", png.toString(), "--no-progress"));
            String printed = NeuronSurfaces.cli(args);
            assertTrue(FigureTesting.same(NeuronSurfaces.png(png), NeuronSurfaces.file(server, j, "top.png")),
                    "web app and command line");

            // the hits: a direct scan of the same images, best first, each on the command's line
            TopImages want = new TopImages(s.forward(), layer, new int[] {5}, 4);
            try (Batches batches = s.dataset().batches(64, 0, LIMIT)) {
                for (Batch b : batches) {
                    want.add(b.images(), b.shape(), b.indices());
                }
            }
            FigureResult r = TopImagesFigure.make(s, o, Progress.NONE);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> hits = (List<Map<String, Object>>) ((List<Map<String, Object>>) r.summary()
                    .get("channels")).get(0).get("images");
            JsonNode images = j.get("result").get("images");
            for (int i = 0; i < 4; i++) {
                TopImages.Hit h = want.top(0).get(i);
                assertEquals(h.image(), hits.get(i).get("index"));
                assertEquals(h.image(), images.get(i).get("index").asInt());
                assertEquals(h.activation(), (Double) hits.get(i).get("activation"), 1e-6);
                assertTrue(printed.contains("#" + h.image() + " "), printed);
            }
            assertEquals(LIMIT, ((Number) r.summary().get("scanned")).intValue());
        }
    }
}
