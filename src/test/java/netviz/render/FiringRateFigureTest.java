package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FiringRateFigure}: a title longer than one chart is wrapped, not cut: its first and last
 * characters are drawn inside the image, with the figure's margin left free on both sides.
 */
class FiringRateFigureTest {
    static final int MARGIN = 12;

    @Test
    void aLongTitleOverOneChartIsWrappedInsideTheImage() {
        double[] rates = new double[64];
        double[] positional = new double[64];
        for (int c = 0; c < rates.length; c++) {
            rates[c] = 1;
            positional[c] = 0.1 + 0.005 * c;
        }
        FiringRateFigure.LayerRates l = new FiringRateFigure.LayerRates("conv2", rates, 0, positional)
                .withNearlyDead(0, 0.01);
        String title = "fashion-mnist-cnn: share of positions where each filter fires (activation > 0), over all "
                + "positions of 10,000 images";
        Figure f = FiringRateFigure.render(List.of(l), title, 20, FiringRateFigure.Measure.POSITIONS);
        BufferedImage img = f.image();
        Figure chart = Charts.histogram(Charts.Histogram.of(positional, 20, 0, 1),
                Charts.Style.of("t", FiringRateFigure.Measure.POSITIONS.axis(), "filters"));
        assertEquals(chart.width() + 2 * MARGIN, img.getWidth(), "the title does not widen the figure");
        int lines = FiringRateFigure.wrap(title, Canvas.bold(Layout.TITLE_SIZE), chart.width()).split("\n").length;
        assertTrue(lines >= 2, "wrapped into " + lines + " lines");
        int titleRows = MARGIN + lines * Canvas.lineHeight(Canvas.bold(Layout.TITLE_SIZE));
        int first = img.getWidth();
        int last = -1;
        for (int y = 0; y < titleRows; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    first = Math.min(first, x);
                    last = Math.max(last, x);
                }
            }
        }
        assertTrue(last >= 0, "the title is drawn");
        assertTrue(first >= MARGIN / 2 && last < img.getWidth() - MARGIN / 2,
                "title ink from column " + first + " to " + last + " in an image " + img.getWidth() + " wide");
    }

    @Test
    void wrapBreaksAtSpacesWithinTheWidth() {
        java.awt.Font f = Canvas.bold(Layout.TITLE_SIZE);
        String text = "one two three four five six seven eight nine ten eleven twelve";
        int width = Canvas.textWidth(f, "one two three four");
        String wrapped = FiringRateFigure.wrap(text, f, width);
        assertEquals(text, wrapped.replace('\n', ' '));
        for (String line : wrapped.split("\n")) {
            assertTrue(Canvas.textWidth(f, line) <= width, line);
        }
        assertEquals("unbreakable", FiringRateFigure.wrap("unbreakable", f, 5));
    }
}
