package netviz.methods.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import netviz.NetvizException;
import netviz.UnknownNameException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.render.Colormap;
import netviz.render.FilterFigure;
import netviz.render.Figure;
import netviz.render.Png;
import netviz.render.ValueRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiltersTest {

    static float[] ramp(int n, float scale, float shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i * 0.37) * scale + shift;
        }
        return a;
    }

    /** x (1,3,8,8) -> conv1 (4 filters 3x3x3) -> relu1 -> conv2 (5 filters 4x3x3, no bias) -> out. */
    static Graph model(float[] w1, float[] w2) {
        GraphBuilder g = new GraphBuilder("hand", 13);
        String x = g.input("x", 1, 3, 8, 8);
        String a = g.initializer("w1", Tensor.ofFloats(new long[] {4, 3, 3, 3}, w1));
        String b = g.initializer("b1", Tensor.ofFloats(new long[] {4}, 0.1f, -0.2f, 0.3f, 0f));
        String c1 = g.node("Conv", "conv1", List.of(x, a, b), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r1 = g.node("Relu", "relu1", List.of(c1));
        String w = g.initializer("w2", Tensor.ofFloats(new long[] {5, 4, 3, 3}, w2));
        g.output(g.node("Conv", "conv2", List.of(r1, w)));
        return g.build();
    }

    @Test
    void firstConvolutionByDefaultAndLayersByAnyName() {
        float[] w1 = ramp(4 * 27, 1f, 0f);
        float[] w2 = ramp(5 * 36, 0.5f, 0.1f);
        Graph g = model(w1, w2);
        Filters.FilterBank f = Filters.of(g);
        assertEquals("conv1", f.layer());
        assertArrayEquals(new long[] {4, 3, 3, 3}, f.shape());
        assertArrayEquals(w1, f.weights());
        assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f, 0f}, f.bias());
        assertEquals(w1[((2 * 3 + 1) * 3 + 2) * 3 + 0], f.get(2, 1, 2, 0));
        for (String name : new String[] {"conv2", "conv2_out", "#2", "2"}) {
            Filters.FilterBank f2 = Filters.of(g, name);
            assertEquals("conv2", f2.layer());
            assertArrayEquals(w2, f2.weights());
            assertNull(f2.bias());
        }
        assertEquals(List.of("conv1", "conv2"), Filters.convolutions(g).stream().map(n -> n.label()).toList());
    }

    @Test
    void badLayersAndIndicesGiveOneClearLine() {
        Graph g = model(ramp(108, 1, 0), ramp(180, 1, 0));
        NetvizException notConv = assertThrows(NetvizException.class, () -> Filters.of(g, "relu1"));
        assertEquals("layer 'relu1' is a Relu node ('relu1'), not a convolution; convolutions: conv1, conv2",
                notConv.getMessage());
        UnknownNameException unknown = assertThrows(UnknownNameException.class, () -> Filters.of(g, "conv3"));
        assertTrue(unknown.getMessage().startsWith("unknown layer 'conv3'; did you mean: conv"), unknown.getMessage());
        NetvizException input = assertThrows(NetvizException.class, () -> Filters.of(g, "x"));
        assertTrue(input.getMessage().contains("model input"));
        Filters.FilterBank f = Filters.of(g);
        NetvizException range = assertThrows(NetvizException.class, () -> f.checkFilter(4));
        assertEquals("filter 4 is out of range: layer 'conv1' has 4 filters (0..3)", range.getMessage());
        assertThrows(NetvizException.class, () -> f.checkChannel(3));

        GraphBuilder b = new GraphBuilder("noconv", 13);
        b.output(b.node("Relu", "r", List.of(b.input("x", 1, 4))));
        NetvizException none = assertThrows(NetvizException.class, () -> Filters.of(b.build()));
        assertTrue(none.getMessage().startsWith("the model 'noconv' has no convolution"), none.getMessage());
    }

    @Test
    void pngTilePixelsEqualTheNormalisedWeights(@TempDir Path dir) {
        Random r = new Random(3);
        float[] w1 = new float[4 * 27];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) r.nextGaussian();
        }
        Graph g = model(w1, ramp(180, 1, 0));
        Filters.FilterBank f = Filters.of(g);

        // colour tiles, each filter min-max scaled: channel value = round(255 (w - min_k) / (max_k - min_k))
        Figure fig = FilterFigure.render(f.weights(), f.filters(), f.channels(), f.height(), f.width(),
                FilterFigure.Options.defaults());
        BufferedImage png = Png.read(Png.write(fig, dir.resolve("rgb.png")));
        for (int k = 0; k < 4; k++) {
            float[] filter = f.filter(k);
            ValueRange range = ValueRange.minMax(filter);
            Rectangle box = fig.region(k).box();
            int s = box.width / 3;
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    int px = png.getRGB(box.x + x * s + s / 2, box.y + y * s + s / 2);
                    for (int c = 0; c < 3; c++) {
                        double norm = (f.get(k, c, y, x) - range.lo()) / (range.hi() - range.lo());
                        assertEquals(Math.round(255 * norm), (px >> (16 - 8 * c)) & 255,
                                "filter " + k + " channel " + c + " at " + y + "," + x);
                    }
                }
            }
        }

        // one filter of conv2, layer scale, gray: gray level = round(255 (w - min) / (max - min)) over the layer
        Filters.FilterBank f2 = Filters.of(g, "conv2");
        Figure one = FilterFigure.render(f2.weights(), f2.filters(), f2.channels(), f2.height(), f2.width(),
                FilterFigure.Options.defaults().withFilter(3).withScale(FilterFigure.Scale.LAYER)
                        .withColormap(Colormap.GRAY));
        BufferedImage png2 = Png.read(Png.write(one, dir.resolve("gray.png")));
        ValueRange layer = ValueRange.minMax(f2.weights());
        for (int c = 0; c < 4; c++) {
            Rectangle box = one.region(c).box();
            int s = box.width / 3;
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    long level = Math.round(255 * (f2.get(3, c, y, x) - layer.lo()) / (layer.hi() - layer.lo()));
                    int px = png2.getRGB(box.x + x * s + s / 2, box.y + y * s + s / 2) & 0xffffff;
                    assertEquals(level << 16 | level << 8 | level, px);
                }
            }
        }
    }
}
