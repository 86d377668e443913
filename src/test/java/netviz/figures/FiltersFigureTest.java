package netviz.figures;

import static netviz.figures.ReportFigures.rerun;
import static netviz.figures.Surfaces.MODEL;
import static netviz.figures.Surfaces.assertSamePixels;
import static netviz.figures.Surfaces.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import netviz.NetvizException;
import netviz.Progress;
import netviz.render.FilterFigure;
import netviz.render.Png;
import netviz.server.NetvizServer;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FiltersFigure}: {@code netviz filters}, the web app's filters picture and the report's
 * parameters section draw the same pixels; the flags of {@code Options.arguments()} reproduce a
 * figure; the summary's statistics are those of the weights drawn.
 */
public class FiltersFigureTest {
    @TempDir
    Path dir;

    @Test
    void theCliTheWebAppAndTheReportDrawTheSameFilters() throws Exception {
        Path png = dir.resolve("cli.png");
        cli("filters", "--model", MODEL.toString(), "--layer", "conv1", "--out", png.toString());
        BufferedImage want = Png.read(png);
        try (Session s = Session.open(MODEL)) {
            BufferedImage recipe = FiltersFigure.make(s, FiltersFigure.Options.defaults().withLayer("conv1"),
                    Progress.NONE).figure().image();
            assertSamePixels(want, recipe, "recipe");
        }
        try (NetvizServer server = Surfaces.server(dir.resolve("cache"), 20)) {
            byte[] body = Surfaces.get(server, "/api/layers/conv1/filters.png").body();
            assertSamePixels(want, ImageIO.read(new ByteArrayInputStream(body)), "web app");
        }
        List<ReportFigures.Shown> shown = ReportFigures.of(dir.resolve("r"), 20,
                "parameters");
        ReportFigures.Shown first = shown.get(0);
        assertTrue(String.join(" ", first.command()).contains("--layer conv1"), first.command()::toString);
        assertSamePixels(want, Png.read(first.png()), "report");
        for (ReportFigures.Shown f : shown) {
            assertSamePixels(Png.read(f.png()), rerun(f.command(), dir.resolve("again.png")), "caption " + f.command());
        }
    }

    @Test
    void theArgumentsReproduceAFigureWithEveryOptionSet() throws Exception {
        FiltersFigure.Options o = FiltersFigure.Options.defaults().withLayer("conv2").withFilter(3).withChannel(1)
                .withScale(FilterFigure.Scale.LAYER).withColormap("diverging").withNormalize("symmetric")
                .withTileSize(20);
        assertEquals(List.of("--layer", "conv2", "--filter", "3", "--channel", "1", "--scale", "layer",
                "--colormap", "diverging", "--normalize", "symmetric", "--tile-size", "20"), o.arguments());
        assertEquals(List.of(), FiltersFigure.Options.defaults().arguments());
        Path png = dir.resolve("cli.png");
        List<String> args = new ArrayList<>(List.of("filters", "--model", MODEL.toString(), "--out", png.toString()));
        args.addAll(o.arguments());
        cli(args.toArray(String[]::new));
        try (Session s = Session.open(MODEL)) {
            assertSamePixels(Png.read(png), FiltersFigure.make(s, o, Progress.NONE).figure().image(), "all options");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStatisticsAreThoseOfTheWeightsDrawn() {
        try (Session s = Session.open(MODEL)) {
            FigureResult all = FiltersFigure.make(s, FiltersFigure.Options.defaults().withLayer("conv2"), Progress.NONE);
            RawArray w = all.arrays().get("weights");
            long[] shape = (long[]) all.summary().get("shape");
            assertArrayEquals(shape, w.shape());
            int per = (int) (shape[1] * shape[2] * shape[3]);
            List<Map<String, Object>> stats = (List<Map<String, Object>>) all.summary().get("filters");
            assertEquals(shape[0], stats.size());
            for (int k = 0; k < shape[0]; k++) {
                float[] f = Arrays.copyOfRange(w.values(), k * per, (k + 1) * per);
                double sq = 0;
                double sum = 0;
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (float v : f) {
                    sq += (double) v * v;
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                assertEquals(Math.sqrt(sq), (Double) stats.get(k).get("l2"), 1e-9);
                assertEquals(sum / per, (Double) stats.get(k).get("mean"), 1e-9);
                assertEquals(min, (Double) stats.get(k).get("min"), 0);
                assertEquals(max, (Double) stats.get(k).get("max"), 0);
            }
            FigureResult one = FiltersFigure.make(s, FiltersFigure.Options.defaults().withLayer("conv2").withFilter(5),
                    Progress.NONE);
            RawArray f5 = one.arrays().get("weights");
            assertArrayEquals(new long[] {shape[1], shape[2], shape[3]}, f5.shape());
            assertArrayEquals(Arrays.copyOfRange(w.values(), 5 * per, 6 * per), f5.values());
            assertEquals(5, one.summary().get("filter"));
        }
    }

    @Test
    void aBadTileSizeNamesTheFlag() {
        NetvizException e = assertThrows(NetvizException.class, () -> FiltersFigure.Options.defaults().withTileSize(0));
        assertTrue(e.getMessage().startsWith("--tile-size must be between 1 and 1024"), e.getMessage());
    }
}
