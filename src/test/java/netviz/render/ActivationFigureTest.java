package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationFigureTest {

    static ActivationFigure.LayerMaps blobs(String title, int n, int size, int firstChannel) {
        float[][] maps = new float[n][size * size];
        int[] ch = new int[n];
        for (int i = 0; i < n; i++) {
            ch[i] = firstChannel + i;
            double cx = size * (0.2 + 0.6 * ((i * 7) % n) / n);
            double cy = size * (0.2 + 0.6 * ((i * 3) % n) / n);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    maps[i][y * size + x] = (float) (Math.exp(-d2 / (size * size / 20.0)) * (1 + i % 3));
                }
            }
        }
        return new ActivationFigure.LayerMaps(title, size, size, maps, ch, null);
    }

    @Test
    void tilesAreTheMapsThroughTheSharedScale() {
        ActivationFigure.LayerMaps early = blobs("conv1 (64 x 56 x 56)", 16, 56, 0);
        ActivationFigure.LayerMaps late = blobs("conv4 (256 x 7 x 7)", 16, 7, 100);
        BufferedImage input = Images.fromPlanes(FilterFigureTest.gaborBank(1, 3, 28), 3, 28, 28, null);
        Figure fig = ActivationFigure.render(input, List.of(early, late), ActivationFigure.Options.defaults());
        BufferedImage back = Png.read(Png.write(fig, RenderSamples.path("activations.png")));
        assertEquals(32, fig.regions().size());
        float[] all = new float[16 * 49];
        for (int i = 0; i < 16; i++) {
            System.arraycopy(late.maps()[i], 0, all, i * 49, 49);
        }
        ValueRange r = ValueRange.minMax(all);
        Figure.Region reg = null;
        for (Figure.Region g : fig.regions()) {
            if (g.index() == 105) {
                reg = g;
            }
        }
        Rectangle box = reg.box();
        int f = box.width / 7;
        assertTrue(f >= 8, "7 x 7 maps are enlarged");
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                int expected = Colormap.VIRIDIS.rgb(r.normalize(late.maps()[5][y * 7 + x]));
                assertEquals(expected, back.getRGB(box.x + x * f + f / 2, box.y + y * f + f / 2) & 0xffffff);
            }
        }
        // the layers' panels do not overlap
        Rectangle lastEarly = fig.regions().get(15).box();
        Rectangle firstLate = fig.regions().get(16).box();
        assertTrue(firstLate.x > lastEarly.x + lastEarly.width);
    }

    @Test
    void perMapScalesArePrinted() {
        ActivationFigure.LayerMaps m = blobs("fc-like maps", 5, 4, 0);
        Figure fig = ActivationFigure.render(null, List.of(m), ActivationFigure.Options.defaults()
                .withSharedScale(false).withColormap(Colormap.MAGMA));
        BufferedImage back = Png.read(Png.write(fig, RenderSamples.path("activations-per-map.png")));
        Rectangle box = fig.region(2).box();
        ValueRange r = ValueRange.minMax(m.maps()[2]);
        int f = box.width / 4;
        assertEquals(Colormap.MAGMA.rgb(r.normalize(m.maps()[2][0])), back.getRGB(box.x + f / 2, box.y + f / 2) & 0xffffff);
    }
}
