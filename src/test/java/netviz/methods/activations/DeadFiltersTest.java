package netviz.methods.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import netviz.NetvizException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class DeadFiltersTest {

    static final int H = 6;
    static final int F = 5;

    /**
     * x (N,1,6,6) -> conv1 (5 filters 3x3, pad 1) -> relu1 -> conv2 (4 filters 1x1) -> out.
     * Filter 2 has bias -1000 (dead after the Relu); filter 4 has weights 1/9 and bias -0.55, so it
     * fires only on images with a bright 3x3 patch.
     */
    static Graph model() {
        Random r = new Random(17);
        float[] w = new float[F * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.5f;
        }
        Arrays.fill(w, 4 * 9, 5 * 9, 1f / 9);
        float[] b = {0.1f, -0.2f, -1000f, 0.3f, -0.55f};
        GraphBuilder g = new GraphBuilder("dead", 13);
        String x = g.input("x", -1, 1, H, H);
        String c = g.node("Conv", "conv1", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {F, 1, 3, 3}, w)),
                g.initializer("b", Tensor.ofFloats(new long[] {F}, b))), Attribute.ofInts("pads", 1, 1, 1, 1));
        String relu = g.node("Relu", "relu1", List.of(c));
        float[] w2 = new float[4 * F];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) r.nextGaussian();
        }
        String c2 = g.node("Conv", "conv2", List.of(relu, g.initializer("w2", Tensor.ofFloats(new long[] {4, F, 1, 1}, w2))));
        g.output(g.node("Relu", "relu2", List.of(c2)));
        return g.build();
    }

    static List<float[]> images(int n, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] img = new float[H * H];
            double brightness = r.nextDouble();
            for (int k = 0; k < img.length; k++) {
                img[k] = (float) (r.nextDouble() * brightness);
            }
            out.add(img);
        }
        return out;
    }

    @Test
    void deadFilterFoundAndStatisticsEqualABruteForceLoop() {
        Graph g = model();
        List<float[]> data = images(23, 2);
        try (Interpreter it = Interpreter.of(g)) {
            DeadFilters.Report rep = DeadFilters.scan(it, List.of("relu1", "relu2"), data.iterator(),
                    new long[] {1, H, H}, DeadFilters.Options.defaults().withBatchSize(5), null);
            assertEquals(23, rep.images());
            DeadFilters.LayerStats s = rep.layer("relu1");
            assertArrayEquals(new int[] {2}, s.dead(), "only the filter with bias -1000 is dead");
            assertTrue(s.firingRate()[4] > 0 && s.firingRate()[4] < 1, "filter 4 fires on some images only: "
                    + s.firingRate()[4]);

            // brute force: one image at a time, every position, in double
            for (String layer : List.of("relu1", "relu2")) {
                DeadFilters.LayerStats st = rep.layer(layer);
                int c = st.channels();
                double[] mean = new double[c];
                double[] max = new double[c];
                Arrays.fill(max, Double.NEGATIVE_INFINITY);
                int[] fires = new int[c];
                for (float[] img : data) {
                    try (NDManager m = it.newScope()) {
                        float[] a = it.forward(m, m.create(img, new Shape(1, 1, H, H)), layer).get(layer).toFloatArray();
                        int plane = a.length / c;
                        for (int ch = 0; ch < c; ch++) {
                            double sum = 0;
                            double mx = Double.NEGATIVE_INFINITY;
                            for (int p = 0; p < plane; p++) {
                                sum += a[ch * plane + p];
                                mx = Math.max(mx, a[ch * plane + p]);
                            }
                            mean[ch] += sum / plane / data.size();
                            max[ch] = Math.max(max[ch], mx);
                            if (mx > 0) {
                                fires[ch]++;
                            }
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    assertEquals(mean[ch], st.mean()[ch], 1e-5, layer + " mean " + ch);
                    assertEquals(max[ch], st.max()[ch], 1e-6, layer + " max " + ch);
                    assertEquals(fires[ch] / (double) data.size(), st.firingRate()[ch], 0, layer + " rate " + ch);
                    assertEquals(fires[ch] == 0, st.isDead(ch));
                }
            }
        }
    }

    @Test
    void toleranceDefaultLayersBatchesAndEmptyData() {
        Graph g = model();
        assertEquals(List.of("relu1_out", "relu2_out"), DeadFilters.convActivations(g));
        List<float[]> data = images(7, 4);
        try (Interpreter it = Interpreter.of(g)) {
            List<Long> progress = new ArrayList<>();
            DeadFilters.Report all = DeadFilters.scan(it, DeadFilters.convActivations(g), data.iterator(),
                    new long[] {1, H, H}, DeadFilters.Options.defaults().withBatchSize(3), progress::add);
            assertEquals(List.of(3L, 6L, 7L), progress);
            assertEquals("relu1", all.layers().get(0).layer());
            // a huge tolerance makes everything "dead"
            DeadFilters.Report strict = DeadFilters.scan(it, List.of("relu1"), data.iterator(), new long[] {1, H, H},
                    DeadFilters.Options.defaults().withTolerance(1e6), null);
            assertEquals(F, strict.layers().get(0).deadCount());
            // same numbers whatever the batch size
            DeadFilters.Report one = DeadFilters.scan(it, List.of("relu1"), data.iterator(), new long[] {1, H, H},
                    DeadFilters.Options.defaults().withBatchSize(1), null);
            assertArrayEquals(all.layers().get(0).firingRate(), one.layers().get(0).firingRate());
            assertArrayEquals(all.layers().get(0).mean(), one.layers().get(0).mean(), 1e-6);
            NetvizException empty = assertThrows(NetvizException.class, () -> DeadFilters.scan(it, List.of("relu1"),
                    Collections.<float[]>emptyIterator(), new long[] {1, H, H}, DeadFilters.Options.defaults(), null));
            assertEquals("the dataset has no images; nothing to scan", empty.getMessage());
        }
    }

    /**
     * Three 1×1 filters on 4×4 images, after a ReLU: filter 0 is x itself, filter 1 has bias −1000
     * (dead), filter 2 has bias −9 and fires only where x &gt; 9, planted at one pixel of one image.
     * Both rates are counted exactly: by images (somewhere &gt; 0) and by positions of all images.
     */
    @Test
    void imageAndPositionalRatesOfAPlantedDeadAndNearlyDeadFilter() {
        GraphBuilder g = new GraphBuilder("planted", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String c = g.node("Conv", "conv", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {3, 1, 1, 1}, 1, 1, 1)),
                g.initializer("b", Tensor.ofFloats(new long[] {3}, 0, -1000, -9))), Attribute.ofInts("kernel_shape", 1, 1));
        g.output(g.node("Relu", "relu", List.of(c)));
        Random r = new Random(5);
        List<float[]> data = new ArrayList<>();
        int positive = 0;
        int imagesWithPositive = 0;
        for (int i = 0; i < 7; i++) {
            float[] img = new float[16];
            boolean any = false;
            for (int p = 0; p < 16; p++) {
                img[p] = i == 6 ? -1 : (float) (r.nextDouble() * 2 - 1);
            }
            if (i == 3) {
                img[7] = 10;
            }
            for (float v : img) {
                positive += v > 0 ? 1 : 0;
                any |= v > 0;
            }
            imagesWithPositive += any ? 1 : 0;
            data.add(img);
        }
        try (Interpreter it = Interpreter.of(g.build())) {
            DeadFilters.LayerStats s = DeadFilters.scan(it, List.of("relu"), data.iterator(), new long[] {1, 4, 4},
                    DeadFilters.Options.defaults().withBatchSize(3), null).layer("relu");
            assertEquals(16, s.positions());
            assertArrayEquals(new double[] {imagesWithPositive / 7.0, 0, 1 / 7.0}, s.firingRate(), 0);
            assertArrayEquals(new double[] {positive / (7.0 * 16), 0, 1 / (7.0 * 16)}, s.positionalRate(), 0);
            assertTrue(imagesWithPositive == 6 && positive < 6 * 16, "image 6 is all negative; the others are mixed");
            assertArrayEquals(new int[] {1}, s.dead(), "the filter with bias -1000 is dead; the one firing once is not");
        }
    }
}
