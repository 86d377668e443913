package netviz.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @Test
    void histogramBinsAndBarHeights() {
        double[] v = {0, 0, 0, 0.04, 0.05, 0.5, 0.99, 1.0, 1.5, Double.NaN};
        Charts.Histogram h = Charts.Histogram.of(v, 20, 0, 1);
        long[] expected = new long[20];
        expected[0] = 4;
        expected[1] = 1;
        expected[10] = 1;
        expected[19] = 2;
        assertArrayEquals(expected, h.counts());
        Figure f = Charts.histogram(h, Charts.Style.of("t", "x", "y"));
        Rectangle b0 = f.region(0).box();
        Rectangle b1 = f.region(1).box();
        assertEquals(4.0, (double) b0.height / b1.height, 0.1);
        BufferedImage img = f.image();
        assertEquals(Canvas.ACCENT.getRGB() & 0xffffff, img.getRGB(b0.x + 1, b0.y + b0.height - 2) & 0xffffff);
    }

    @Test
    void firingRateFigureHighlightsDeadFilters() {
        double[] rates = new double[64];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = i < 5 ? 0 : Math.min(1, (i % 17) / 16.0 + 0.02);
        }
        double[] rates2 = new double[128];
        for (int i = 0; i < rates2.length; i++) {
            rates2[i] = (i * 37 % 100) / 100.0;
        }
        Figure f = FiringRateFigure.render(List.of(new FiringRateFigure.LayerRates("relu1", rates, 5),
                new FiringRateFigure.LayerRates("relu2", rates2, 1)), "firing rates over 1000 images", 20);
        BufferedImage back = Png.read(Png.write(f, RenderSamples.path("firing-rates.png")));
        Rectangle bin0 = f.regions().get(0).box();
        assertEquals(Canvas.ALERT.getRGB() & 0xffffff, back.getRGB(bin0.x + 1, bin0.y + bin0.height - 2) & 0xffffff);
    }

    /**
     * Every filter fires on every image (image rate 1: one bar), but at different fractions of the
     * positions: the positional histogram puts filters with rates 0.1·k + 0.025 into the 10 even bins, and
     * its bars are drawn where those bins are.
     */
    @Test
    void firingRateFigureDrawsTheSpreadOfThePositionalRate() {
        double[] images = new double[30];
        double[] positions = new double[30];
        for (int i = 0; i < 30; i++) {
            images[i] = 1;
            positions[i] = 0.025 + 0.1 * (i % 10);
        }
        FiringRateFigure.LayerRates l = new FiringRateFigure.LayerRates("relu2", images, 0, positions);
        Figure byImage = FiringRateFigure.render(List.of(l), "t", 20);
        Figure byPosition = FiringRateFigure.render(List.of(l), "t", 20, FiringRateFigure.Measure.POSITIONS);
        Png.write(byPosition, RenderSamples.path("firing-rates-positional.png"));
        assertEquals(1, drawnBars(byImage), "image rates: one bar");
        assertEquals(10, drawnBars(byPosition), "positional rates: one bar per 0.1 step");
        BufferedImage img = byPosition.image();
        for (int bin = 0; bin < 20; bin += 2) {
            Rectangle b = byPosition.regions().get(bin).box();
            assertEquals(Canvas.ACCENT.getRGB() & 0xffffff, img.getRGB(b.x + b.width / 2, b.y + b.height - 2) & 0xffffff,
                    "bin " + bin + " holds 3 filters");
        }
        Rectangle empty = byPosition.regions().get(1).box();
        assertTrue((img.getRGB(empty.x + empty.width / 2, empty.y - 3) & 0xffffff) != (Canvas.ACCENT.getRGB() & 0xffffff));
        assertThrows(IllegalArgumentException.class, () -> FiringRateFigure.render(
                List.of(new FiringRateFigure.LayerRates("x", images, 0)), "t", 20, FiringRateFigure.Measure.POSITIONS));
    }

    /** The number of bins whose bar has a non-zero count ("[a, b): n" regions with n > 0). */
    private static long drawnBars(Figure f) {
        return f.regions().stream().filter(r -> !r.label().endsWith(": 0")).count();
    }

    @Test
    void barsAndLayout() {
        Figure a = Charts.bars(List.of("cat", "dog", "a very long class name"), new double[] {3, 1.5, 0}, null,
                Charts.Style.of("bars", null, "score"));
        Figure b = Layout.titled("two", Layout.row(a, a));
        assertEquals(6, b.regions().size());
        assertTrue(b.regions().get(3).box().x >= a.width());
        Png.write(b, RenderSamples.path("bars.png"));
    }

    @Test
    void pngWriteIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sub/x.png");
        BufferedImage img = Canvas.blank(3, 2);
        img.setRGB(1, 1, 0x123456);
        Png.write(img, out);
        Png.write(img, out);
        assertEquals(0x123456, Png.read(out).getRGB(1, 1) & 0xffffff);
        try (var s = Files.list(out.getParent())) {
            assertEquals(List.of("x.png"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
