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
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.io.Npy;
import netviz.methods.activations.ActivationMaps;
import netviz.render.Png;
import netviz.server.NetvizServer;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ActivationsFigure}: {@code netviz activations}, the web app's activations job and the
 * report's activations section draw the same pixels for the same input; the summary's per-channel
 * mean and max are those of the layer's output computed by a plain forward pass.
 */
public class ActivationsFigureTest {
    @TempDir
    Path dir;

    @Test
    void theCliAndTheWebAppDrawTheSameMaps() throws Exception {
        String tensor;
        Path npy = dir.resolve("x.npy");
        try (Session s = Session.open(MODEL)) {
            tensor = s.graph().resolveTensor("relu1");
            Picture p = s.datasetPicture(6);
            Npy.write(npy, p.input(), p.shape());
        }
        Path png = dir.resolve("cli.png");
        cli("activations", "--model", MODEL.toString(), "--input", npy.toString(), "--layer", tensor,
                "--count", "64", "--out", png.toString());
        try (NetvizServer server = Surfaces.server(dir.resolve("cache"), 20)) {
            BufferedImage web = Surfaces.file(server,
                    Surfaces.job(server, "activations", "{\"image\":\"dataset:6\",\"layer\":\"relu1\"}"), "maps.png");
            assertSamePixels(Png.read(png), web, "web app");
        }
    }

    @Test
    void theReportDrawsWhatItsCaptionCommandDraws() throws Exception {
        List<ReportFigures.Shown> shown = ReportFigures.of(dir.resolve("r"), 20,
                "activations");
        assertEquals(3, shown.size());
        for (ReportFigures.Shown f : shown) {
            assertTrue(f.command().contains("--layer"), f.command()::toString);
            assertSamePixels(Png.read(f.png()), rerun(f.command(), dir.resolve("again.png")), "caption " + f.command());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMeansAndMaximaAreThoseOfTheLayersOutput() {
        try (Session s = Session.open(MODEL)) {
            Picture p = s.datasetPicture(3);
            ActivationsFigure.Options o = ActivationsFigure.Options.defaults().withLayers(List.of("relu2"))
                    .withCount(5).withSort(ActivationMaps.Order.MAX);
            FigureResult r = ActivationsFigure.make(s, p, o, Progress.NONE);
            Map<String, Object> layer = ((List<Map<String, Object>>) r.summary().get("layers")).get(0);
            String tensor = s.graph().resolveTensor("relu2");
            float[] y;
            long[] shape;
            try (NDManager scope = s.forward().newScope()) {
                var a = s.forward().forward(scope, p.toNDArray(scope), tensor).get(tensor);
                y = a.toFloatArray();
                shape = a.getShape().getShape();
            }
            int c = (int) shape[1];
            int plane = (int) (shape[2] * shape[3]);
            float[] mean = (float[]) layer.get("mean");
            float[] max = (float[]) layer.get("max");
            assertEquals(c, mean.length);
            float[] best = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                float m = -Float.MAX_VALUE;
                for (int i = 0; i < plane; i++) {
                    sum += y[ch * plane + i];
                    m = Math.max(m, y[ch * plane + i]);
                }
                assertEquals(sum / plane, mean[ch], 1e-4 * Math.max(1, Math.abs(sum / plane)));
                assertEquals(m, max[ch], 1e-6f * Math.max(1, Math.abs(m)));
                best[ch] = m;
            }
            int[] channels = (int[]) layer.get("channels");
            assertEquals(5, channels.length);
            for (int i = 1; i < channels.length; i++) {
                assertTrue(best[channels[i - 1]] >= best[channels[i]], "strongest first");
            }
            RawArray all = r.arrays().get("relu2");
            assertArrayEquals(java.util.Arrays.copyOfRange(shape, 1, shape.length), all.shape());
            assertArrayEquals(y, all.values());
            assertEquals(List.of("--layer", "relu2", "--count", "5", "--sort", "max"), o.arguments());
        }
    }

    @Test
    void spreadPicksFirstLastAndEvenlyBetween() {
        assertEquals(List.of(0, 3, 6, 9), ActivationsFigure.spread(10, 4));
        assertEquals(List.of(0, 1, 3, 4), ActivationsFigure.spread(5, 4));
        assertEquals(List.of(0, 1, 2), ActivationsFigure.spread(3, 4));
        assertEquals(List.of(), ActivationsFigure.spread(0, 4));
    }

    @Test
    void badOptionsNameTheirFlag() {
        ActivationsFigure.Options d = ActivationsFigure.Options.defaults();
        assertEquals("unknown --scale 'pixel'; use layer or map",
                assertThrows(NetvizException.class, () -> d.withScale("pixel")).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> d.withCount(-1)).getMessage().startsWith("--count"));
        assertTrue(assertThrows(NetvizException.class, () -> d.withExample(-2)).getMessage().startsWith("--example"));
    }
}
