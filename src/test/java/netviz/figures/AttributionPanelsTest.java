package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Layout;
import netviz.render.ValueRange;
import org.junit.jupiter.api.Test;

/**
 * Map panels say what they show: an all-zero map is drawn in the colour of 0 with a one-colour bar
 * and the line "empty map (all 0)", and laid over the input it leaves the input unchanged; a real
 * map carries its min and max.
 */
class AttributionPanelsTest {
    static final int[] DISPLAY = AttributionPanels.size(4, 4);

    /** A 224×224 picture with a gradient, so that any tint would show. */
    static BufferedImage picture() {
        BufferedImage img = new BufferedImage(DISPLAY[1], DISPLAY[0], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, (x & 255) << 16 | (y & 255) << 8 | 90);
            }
        }
        return img;
    }

    static boolean samePixels(BufferedImage a, BufferedImage b, int w, int h) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The rows of {@code img} below {@code top} hold something other than white: a line of text. */
    static boolean hasTextBelow(BufferedImage img, int top) {
        for (int y = top; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void anEmptyMapOverTheInputLeavesTheInputUnchangedAndSaysSo() {
        BufferedImage pic = picture();
        float[] zero = new float[16];
        Figure over = AttributionPanels.overlay(pic, zero, 4, 4, AttributionPanels.zeroToMax(zero), Colormap.MAGMA);
        assertTrue(samePixels(over.image(), pic, DISPLAY[1], DISPLAY[0]), "the input, pixel for pixel");
        assertTrue(over.height() > DISPLAY[0] && hasTextBelow(over.image(), DISPLAY[0]), "a line under the picture");
        assertLineUnder(over.image(), "empty map (all 0)");
        float[] some = new float[16];
        some[5] = 2;
        Figure tinted = AttributionPanels.overlay(pic, some, 4, 4, AttributionPanels.zeroToMax(some), Colormap.MAGMA);
        assertTrue(!samePixels(tinted.image(), pic, DISPLAY[1], DISPLAY[0]), "a real map tints the input");
        assertLineUnder(tinted.image(), "min 0, max 2");
    }

    @Test
    void anEmptyHeatmapIsTheColourOfZeroWithAOneColourBarAtZero() {
        float[] zero = new float[16];
        ValueRange range = AttributionPanels.zeroToMax(zero);
        assertEquals(new ValueRange(0, 0), range, "the true range, not a made-up [0, 1]");
        BufferedImage heat = AttributionPanels.heat(zero, 4, 4, DISPLAY, range, Colormap.MAGMA, "").image();
        int black = Colormap.MAGMA.rgb(0);
        for (int y = 0; y < DISPLAY[0]; y += 7) {
            for (int x = 0; x < DISPLAY[1]; x += 7) {
                assertEquals(black, heat.getRGB(x, y) & 0xffffff, "the colour of 0 at " + x + "," + y);
            }
        }
        // the bar's strip (right of the heatmap, after the gap) holds one colour: that of 0
        Set<Integer> strip = new HashSet<>();
        int x = DISPLAY[1] + Layout.GAP + 8;
        for (int y = 0; y < DISPLAY[0]; y++) {
            int c = heat.getRGB(x, y) & 0xffffff;
            if (c != 0xffffff && (c >> 16) == ((c >> 8) & 255) && (c & 255) == (c >> 16) && c != black) {
                continue; // the grey frame
            }
            if (c != 0xffffff) {
                strip.add(c);
            }
        }
        assertEquals(Set.of(black), strip);
        assertLineUnder(heat, "empty map (all 0)");
        // on a diverging scale 0 is the white centre
        BufferedImage signed = AttributionPanels.heat(zero, 4, 4, DISPLAY, ValueRange.symmetric(zero),
                Colormap.DIVERGING, "").image();
        assertEquals(0xffffff, signed.getRGB(100, 100) & 0xffffff);
        // the summary's max of an empty saliency map is 0, not 1
        assertEquals(0.0, AttributionPanels.zeroToMax(zero).hi());
    }

    @Test
    void theLineUnderAMapNamesItsRange() {
        float[] some = new float[16];
        some[3] = 0.0055f;
        assertLineUnder(AttributionPanels.heat(some, 4, 4, DISPLAY, AttributionPanels.zeroToMax(some),
                Colormap.MAGMA, "").image(), "min 0, max 0.0055");
        float[] flat = {0.999f, 0.9999f, 0.9995f, 0.999f};
        assertLineUnder(AttributionPanels.heat(flat, 2, 2, DISPLAY, ValueRange.minMax(flat), Colormap.VIRIDIS, "")
                .image(), "near-constant map\nmin 0.999, max 0.9999");
        float[] signed = new float[3 * 16];
        assertLineUnder(AttributionPanels.signed(signed, 3, 4, 4, DISPLAY).image(), "empty map (all 0)");
        signed[7] = -0.25f;
        signed[40] = 0.5f;
        assertLineUnder(AttributionPanels.signed(signed, 3, 4, 4, DISPLAY).image(), "min -0.25, max 0.5");
    }

    /** The bottom of {@code img} is the caption {@code label}, as {@link Layout#captioned} writes it at that width. */
    static void assertLineUnder(BufferedImage img, String label) {
        BufferedImage want = Layout.captioned(Figure.of(new BufferedImage(img.getWidth(), 1,
                BufferedImage.TYPE_INT_RGB)), label).image();
        assertEquals(img.getWidth(), want.getWidth(), "the line '" + label + "' fits under the panel");
        int lines = want.getHeight() - 1;
        for (int y = 1; y <= lines; y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                assertEquals(want.getRGB(x, want.getHeight() - y), img.getRGB(x, img.getHeight() - y),
                        "the line '" + label + "' at " + x + "," + (img.getHeight() - y));
            }
        }
    }
}
