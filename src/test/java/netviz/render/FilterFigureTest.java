package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FilterFigureTest {

    /** Smooth oriented-edge-like filters so the picture is recognisable. */
    static float[] gaborBank(int filters, int channels, int k) {
        float[] w = new float[filters * channels * k * k];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int f = 0; f < filters; f++) {
            double theta = Math.PI * f / filters;
            double freq = 0.3 + 0.5 * rnd.nextDouble();
            double[] tint = {rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5};
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        double u = (x - k / 2.0) * Math.cos(theta) + (y - k / 2.0) * Math.sin(theta);
                        double env = Math.exp(-((x - k / 2.0) * (x - k / 2.0) + (y - k / 2.0) * (y - k / 2.0)) / (k * k / 6.0));
                        double v = env * Math.cos(freq * u * 2) * (0.5 + tint[c % 3]);
                        w[((f * channels + c) * k + y) * k + x] = (float) (v * (f + 1) / filters);
                    }
                }
            }
        }
        return w;
    }

    /** Reads back tile {@code index}: the pixel at the centre of each enlarged weight. */
    static int pixel(BufferedImage img, Rectangle box, int kh, int kw, int y, int x) {
        int f = box.width / kw;
        assertEquals(box.height / kh, f, "square enlargement");
        return img.getRGB(box.x + x * f + f / 2, box.y + y * f + f / 2) & 0xffffff;
    }

    @Test
    void rgbTilesEqualPerFilterMinMaxNormalisedWeights() {
        int F = 64;
        int C = 3;
        int K = 11;
        float[] w = gaborBank(F, C, K);
        Figure fig = FilterFigure.render(w, F, C, K, K, FilterFigure.Options.defaults().withTitle("conv1: 64 x 3 x 11 x 11"));
        Path p = Png.write(fig, RenderSamples.path("filters-rgb.png"));
        BufferedImage back = Png.read(p);
        assertEquals(F, fig.regions().size());
        for (int k : new int[] {0, 17, 63}) {
            Rectangle box = fig.region(k).box();
            ValueRange r = ValueRange.minMax(w, k * C * K * K, C * K * K);
            for (int y = 0; y < K; y += 3) {
                for (int x = 0; x < K; x += 2) {
                    int px = pixel(back, box, K, K, y, x);
                    for (int c = 0; c < 3; c++) {
                        double t = r.normalize(w[((k * C + c) * K + y) * K + x]);
                        int expected = (int) Math.round(255 * t);
                        assertEquals(expected, (px >> (16 - 8 * c)) & 255, "filter " + k + " channel " + c);
                    }
                }
            }
        }
        // 8 x 8 grid: tile 8 starts a second row, same x as tile 0
        assertEquals(fig.region(0).box().x, fig.region(8).box().x);
        assertTrue(fig.region(8).box().y > fig.region(7).box().y);
    }

    @Test
    void grayTilesWithLayerScaleAndDivergingChannelsOfOneFilter() {
        int F = 6;
        int C = 1;
        int K = 5;
        float[] w = gaborBank(F, C, K);
        Figure fig = FilterFigure.render(w, F, C, K, K, FilterFigure.Options.defaults()
                .withScale(FilterFigure.Scale.LAYER).withTitle("gray, layer scale"));
        BufferedImage back = Png.read(Png.write(fig, RenderSamples.path("filters-gray-layer.png")));
        ValueRange r = ValueRange.minMax(w);
        for (int k = 0; k < F; k++) {
            for (int y = 0; y < K; y++) {
                for (int x = 0; x < K; x++) {
                    int expected = Images.level(r.normalize(w[(k * K + y) * K + x]));
                    assertEquals(expected << 16 | expected << 8 | expected, pixel(back, fig.region(k).box(), K, K, y, x));
                }
            }
        }

        int F2 = 8;
        int C2 = 16;
        float[] w2 = gaborBank(F2, C2, 3);
        for (int i = 0; i < w2.length; i++) {
            w2[i] -= 0.05f;
        }
        Figure one = FilterFigure.render(w2, F2, C2, 3, 3, FilterFigure.Options.defaults()
                .withFilter(5).withColormap(Colormap.DIVERGING).withTitle("filter 5, diverging"));
        BufferedImage b2 = Png.read(Png.write(one, RenderSamples.path("filters-one-diverging.png")));
        assertEquals(C2, one.regions().size());
        ValueRange sym = ValueRange.symmetric(w2, 5 * C2 * 9, C2 * 9);
        assertEquals(-sym.hi(), sym.lo());
        for (int c = 0; c < C2; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    int expected = Colormap.DIVERGING.rgb(sym.normalize(w2[((5 * C2 + c) * 3 + y) * 3 + x]));
                    assertEquals(expected, pixel(b2, one.region(c).box(), 3, 3, y, x));
                }
            }
        }
        Figure many = FilterFigure.render(w2, F2, C2, 3, 3, FilterFigure.Options.defaults().withChannel(2)
                .withTitle("channel 2 of each filter"));
        assertNotNull(Png.write(many, RenderSamples.path("filters-channel2.png")));
        assertEquals(F2, many.regions().size());
    }

    @Test
    void badArgumentsAreRefused() {
        float[] w = new float[2 * 3 * 2 * 2];
        assertThrows(IllegalArgumentException.class, () -> FilterFigure.render(w, 2, 3, 2, 3, FilterFigure.Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> FilterFigure.render(w, 2, 3, 2, 2,
                FilterFigure.Options.defaults().withFilter(2)));
    }
}
