package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FacetSheetTest {
    private static BufferedImage square(int v) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int g = (x + y) % 2 == 0 ? v : 255 - v;
                img.setRGB(x, y, new Color(g, g, g).getRGB());
            }
        }
        return img;
    }

    private static FacetSheet.Row row(int i, int examples) {
        List<BufferedImage> ex = new ArrayList<>();
        for (int j = 0; j < examples; j++) {
            ex.add(square(20 * j));
        }
        return new FacetSheet.Row("facet " + (i + 1), "logit 3.0", square(10), square(200), ex);
    }

    @Test
    void oneRowPerFacetFramedInTheScatterColours() {
        Figure one = FacetSheet.render(List.of(row(0, 5)), FacetSheet.Options.defaults("t"));
        Figure three = FacetSheet.render(List.of(row(0, 5), row(1, 5), row(2, 5)), FacetSheet.Options.defaults("t"));
        assertTrue(three.height() > 2.5 * (one.height() - 60), one.height() + " vs " + three.height());
        assertEquals(one.width(), three.width());
        // each synthesised image sits in a frame of its facet's colour, the one the scatter plot uses
        BufferedImage img = three.image();
        for (int r = 0; r < 3; r++) {
            int want = ClassColors.of(r, 3).getRGB();
            boolean found = false;
            for (int y = 0; y < img.getHeight() && !found; y++) {
                for (int x = 0; x < img.getWidth() / 4; x++) {
                    if (img.getRGB(x, y) == want) {
                        found = true;
                        break;
                    }
                }
            }
            assertTrue(found, "frame colour of facet " + r);
        }
        // fewer examples than asked shows what there is; more are cut at the option
        Figure capped = FacetSheet.render(List.of(row(0, 12)), new FacetSheet.Options(96, 4, null));
        Figure few = FacetSheet.render(List.of(row(0, 4)), new FacetSheet.Options(96, 4, null));
        assertEquals(few.width(), capped.width());
    }
}
