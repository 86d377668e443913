package netviz.figures;

import static netviz.figures.FigureTesting.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.Progress;
import netviz.io.Npy;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.unit.Unit;
import netviz.methods.unit.Units;
import netviz.report.SectionReports;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MaximizeFigure} on every surface: the report's grid is what its caption's command draws,
 * and the web app's image is what the command with the job's options draws, pixel for pixel; the
 * values it reports are the unit's values on the images it returns.
 */
class MaximizeFigureTest {
    @TempDir
    static Path dir;

    @Test
    void theReportsGridIsWhatItsCaptionCommandDraws() throws Exception {
        Path index = SectionReports.generate(MODEL, dir.resolve("report"), 50, "maximize");
        List<String[]> captions = NeuronSurfaces.captions(index);
        assertEquals(1, captions.size());
        List<String> args = new ArrayList<>(Arrays.asList(captions.get(0)[1].split(" ")));
        assertEquals("netviz", args.remove(0));
        assertTrue(args.containsAll(List.of("maximize", "--target", "0,1,2,3,4,5,6,7,8,9", "--iterations", "100")),
                args.toString());
        Path again = dir.resolve("cli-maximize.png");
        args.set(args.indexOf("--out") + 1, again.toString());
        args.add("--no-progress");
        NeuronSurfaces.cli(args);
        assertTrue(FigureTesting.same(NeuronSurfaces.png(dir.resolve("report").resolve(captions.get(0)[0])),
                NeuronSurfaces.png(again)), "report and command line");
    }

    @Test
    void theWebAppsImageIsTheCommandsAndItsValuesAreTheUnits() throws Exception {
        try (NetvizServer server = NetvizServer.start(ServerOptions.of(MODEL, null, dir.resolve("cache"))
                .withPort(0).withLimit(20))) {
            JsonNode j = NeuronSurfaces.job(server, "maximize", "{\"layer\":\"relu2\",\"channel\":5,\"preset\":\"simonyan\"}");
            JsonNode res = j.get("result");
            MaximizeFigure.Options o = MaximizeFigure.Options.of(Unit.channel(j.get("params").get("layer").asText(), 5))
                    .withIterations(200).withPreset("simonyan").withTile(224).withPreRelu(true);
            Path png = dir.resolve("cli-server.png");
            Path raw = dir.resolve("cli-server.npy");
            List<String> args = new ArrayList<>(List.of("maximize"));
            args.addAll(o.arguments());
            assertTrue(args.contains("--pre-relu"), args.toString());
            args.addAll(List.of("--out", png.toString(), "--raw", raw.toString(), "--no-progress"));
            NeuronSurfaces.cli(args);
            assertTrue(FigureTesting.same(NeuronSurfaces.png(png), NeuronSurfaces.file(server, j, "image.png")),
                    "web app and command line");

            // the reported values are the unit's own (not the ReLU input's) on the returned image and the mean image
            try (Session s = Session.open(MODEL)) {
                ActivationMaximization am = new ActivationMaximization(s.interpreter(), s.preprocessing().mean(),
                        s.preprocessing().std());
                netviz.io.FloatArray input = Npy.readFloats(raw);
                Units unit = Units.repeat(Unit.channel("relu2", 5), 1);
                assertEquals(am.values(unit, input.data(), input.shape())[0], res.get("activation").asDouble(), 1e-4);
                assertEquals(am.values(unit, new float[input.data().length], input.shape())[0],
                        res.get("startActivation").asDouble(), 1e-6);
                FigureResult r = MaximizeFigure.make(s, o.withIterations(5), Progress.NONE);
                assertTrue(!r.summary().get("objective").equals(r.summary().get("tensor")), r.summary().toString());
            }
        }
    }
}
