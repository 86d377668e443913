package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixImageTest {
    @Test
    void cellsAreColouredByRowShare() {
        long[][] counts = {{10, 0, 0}, {0, 5, 5}, {0, 0, 0}};
        BufferedImage img = ConfusionMatrixImage.render(counts, List.of("cat", "dog", "emu"), "test");
        // find the matrix: the darkest pixels are the full cell (0,0); the white cells have the RAMP[0] colour
        int dark = ConfusionMatrixImage.color(1.0);
        int half = ConfusionMatrixImage.color(0.5);
        int none = ConfusionMatrixImage.color(0.0);
        int nDark = 0;
        int nHalf = 0;
        int nNone = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                nDark += rgb == dark ? 1 : 0;
                nHalf += rgb == half ? 1 : 0;
                nNone += rgb == none ? 1 : 0;
            }
        }
        // one full cell (minus its text and grid), two half cells, six empty cells (the empty row included)
        int cell = 56;
        assertTrue(nDark > cell * cell / 2, "dark pixels " + nDark);
        assertTrue(nHalf > 2 * cell * cell / 2 && nHalf < 2 * cell * cell + 1, "half pixels " + nHalf);
        assertTrue(nNone > 6 * cell * cell / 2, "empty pixels " + nNone);
    }

    @Test
    void scaleRunsFromWhiteToDarkBlue() {
        assertEquals(0xf7fbff, ConfusionMatrixImage.color(0));
        assertEquals(0x08306b, ConfusionMatrixImage.color(1));
        assertEquals(0xf7fbff, ConfusionMatrixImage.color(Double.NaN));
    }

    @Test
    void manyClassesStillRender() {
        long[][] counts = new long[1000][1000];
        for (int i = 0; i < 1000; i++) {
            counts[i][i] = 3;
        }
        BufferedImage img = ConfusionMatrixImage.render(counts, null, null);
        assertTrue(img.getWidth() < 1400 && img.getHeight() < 1400, img.getWidth() + "x" + img.getHeight());
    }
}
