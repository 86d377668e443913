package netviz.methods.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ActivationMapsTest {

    static final int H = 6;

    static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** x (N,1,6,6) -> conv1 (3 filters 3x3, pad 1, bias) -> relu1 -> flatten -> fc (Gemm, 2 units). */
    static Graph model(float[] w, float[] b) {
        GraphBuilder g = new GraphBuilder("maps", 13);
        String x = g.input("x", -1, 1, H, H);
        String c = g.node("Conv", "conv1", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {3, 1, 3, 3}, w)),
                g.initializer("b", Tensor.ofFloats(new long[] {3}, b))), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r = g.node("Relu", "relu1", List.of(c));
        String f = g.node("Flatten", "flatten", List.of(r));
        float[] fw = new float[2 * 3 * H * H];
        for (int i = 0; i < fw.length; i++) {
            fw[i] = (i % 7) * 0.01f;
        }
        g.output(g.node("Gemm", "fc", List.of(f, g.initializer("fw", Tensor.ofFloats(new long[] {2, 3 * H * H}, fw))),
                Attribute.ofInt("transB", 1)));
        return g.build();
    }

    /** Brute-force 3x3 convolution with zero padding 1, in double. */
    static double conv(float[] img, float[] w, float[] b, int k, int y, int x) {
        double s = b[k];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int yy = y + i - 1;
                int xx = x + j - 1;
                if (yy >= 0 && yy < H && xx >= 0 && xx < H) {
                    s += w[k * 9 + i * 3 + j] * img[yy * H + xx];
                }
            }
        }
        return s;
    }

    @Test
    void mapsEqualTheTappedTensorsAndABruteForceConvolution() {
        Random r = new Random(11);
        float[] w = gaussian(r, 27, 0.5);
        float[] b = {0.1f, -0.3f, 0.05f};
        float[] img = gaussian(r, H * H, 1);
        Graph g = model(w, b);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            NDArray x = m.create(img, new Shape(1, 1, H, H));
            List<ActivationMaps.LayerMaps> out = ActivationMaps.compute(it, x, List.of("conv1", "relu1_out", "fc"),
                    ActivationMaps.Options.defaults().withCount(0));
            Values tapped = it.forward(m, x, "conv1", "relu1", "fc");
            ActivationMaps.LayerMaps conv = out.get(0);
            assertEquals("conv1", conv.layer());
            assertEquals("conv1_out", conv.tensor());
            assertArrayEquals(new long[] {1, 3, H, H}, conv.shape());
            assertArrayEquals(new int[] {0, 1, 2}, conv.channels());
            assertArrayEquals(tapped.get("conv1_out").toFloatArray(), conv.stacked());
            assertArrayEquals(tapped.get("relu1_out").toFloatArray(), out.get(1).stacked());
            for (int k = 0; k < 3; k++) {
                for (int y = 0; y < H; y++) {
                    for (int xx = 0; xx < H; xx++) {
                        double expected = conv(img, w, b, k, y, xx);
                        assertEquals(expected, conv.maps()[k][y * H + xx], 1e-5);
                        assertEquals(Math.max(0, expected), out.get(1).maps()[k][y * H + xx], 1e-5);
                    }
                }
            }
            ActivationMaps.LayerMaps fc = out.get(2);
            assertEquals(2, fc.channelCount());
            assertEquals(1, fc.height());
            assertArrayEquals(tapped.get("fc_out").toFloatArray(), new float[] {fc.maps()[0][0], fc.maps()[1][0]});
        }
    }

    @Test
    void strongestByMeanAndByMax() {
        // 5 channels of 2x2; means 1, 4, 2, 0, 3 and maxima 9, 4, 2, 8, 3
        float[] data = {
            -5, 9, 0, 0, // mean 1, max 9
            4, 4, 4, 4, // mean 4
            2, 2, 2, 2, // mean 2
            -8, 8, 0, 0, // mean 0, max 8
            3, 3, 3, 3, // mean 3
        };
        long[] shape = {1, 5, 2, 2};
        ActivationMaps.LayerMaps byMean = ActivationMaps.select("l", "t", data, shape,
                ActivationMaps.Options.defaults().withCount(3).withOrder(ActivationMaps.Order.MEAN));
        assertArrayEquals(new int[] {1, 4, 2}, byMean.channels());
        assertArrayEquals(new float[] {4, 4, 4, 4}, byMean.maps()[0]);
        ActivationMaps.LayerMaps byMax = ActivationMaps.select("l", "t", data, shape,
                ActivationMaps.Options.defaults().withCount(2).withOrder(ActivationMaps.Order.MAX));
        assertArrayEquals(new int[] {0, 3}, byMax.channels());
        assertArrayEquals(new float[] {1, 4, 2, 0, 3}, byMax.mean());
        ActivationMaps.LayerMaps first = ActivationMaps.select("l", "t", data, shape,
                ActivationMaps.Options.defaults().withCount(2));
        assertArrayEquals(new int[] {0, 1}, first.channels());
        assertEquals("l: 5 x 2 x 2, 2 strongest by max", ActivationMaps.describe(byMax, ActivationMaps.Order.MAX));
    }

    @Test
    void secondExampleOfABatchAndBadRequests() {
        Random r = new Random(5);
        Graph g = model(gaussian(r, 27, 0.5), new float[] {0, 0, 0});
        float[] two = gaussian(r, 2 * H * H, 1);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            NDArray x = m.create(two, new Shape(2, 1, H, H));
            ActivationMaps.LayerMaps second = ActivationMaps.compute(it, x, List.of("relu1"),
                    ActivationMaps.Options.defaults().withExample(1)).get(0);
            float[] all = it.forward(m, x, "relu1").get("relu1_out").toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 3 * H * H, 6 * H * H), second.stacked(), 1e-5f);
            assertThrows(ShapeMismatchException.class, () -> ActivationMaps.compute(it, x, List.of("relu1"),
                    ActivationMaps.Options.defaults().withExample(2)));
            UnknownNameException u = assertThrows(UnknownNameException.class,
                    () -> ActivationMaps.compute(it, x, List.of("relu"), ActivationMaps.Options.defaults()));
            assertEquals("relu1", u.suggestions().get(0));
        }
    }

    @Test
    void zooResNetMapsEqualTheTappedTensors() {
        netviz.zoo.ModelZoo.ZooModel z = netviz.zoo.ModelZoo.resnetV1(13, 1);
        Graph g = z.graph();
        List<String> convs = DeadFilters.convActivations(g);
        assertTrue(convs.size() >= 4);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            long[] in = z.inputShape().clone();
            in[0] = 1;
            int n = 1;
            for (long d : in) {
                n *= (int) d;
            }
            NDArray x = m.create(gaussian(new Random(2), n, 1), new Shape(in));
            List<ActivationMaps.LayerMaps> maps = ActivationMaps.compute(it, x, convs,
                    ActivationMaps.Options.defaults().withCount(5).withOrder(ActivationMaps.Order.MAX));
            Values v = it.forward(m, x, convs.toArray(new String[0]));
            for (int i = 0; i < convs.size(); i++) {
                ActivationMaps.LayerMaps lm = maps.get(i);
                float[] t = v.get(convs.get(i)).toFloatArray();
                assertArrayEquals(t, lm.all());
                int plane = lm.height() * lm.width();
                for (int k = 0; k < lm.channels().length; k++) {
                    int c = lm.channels()[k];
                    assertArrayEquals(java.util.Arrays.copyOfRange(t, c * plane, (c + 1) * plane), lm.maps()[k]);
                    for (int other = 0; other < lm.channelCount(); other++) {
                        boolean kept = false;
                        for (int kk : lm.channels()) {
                            kept |= kk == other;
                        }
                        if (!kept) {
                            assertTrue(lm.max()[other] <= lm.max()[lm.channels()[lm.channels().length - 1]],
                                    "a dropped channel is not stronger than a kept one");
                        }
                    }
                }
            }
        }
    }

    @Test
    void bundledModelMapsEqualTheTappedTensors() {
        Path model = Path.of("models/fashion-mnist-cnn.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(model), "the bundled model is not built yet");
        Graph g = OnnxLoader.load(model);
        List<String> convs = DeadFilters.convActivations(g);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            long[] in = g.inputs().get(0).dims().clone();
            in[0] = 1;
            Random r = new Random(1);
            float[] img = gaussian(r, (int) (in[1] * in[2] * in[3]), 1);
            NDArray x = m.create(img, new Shape(in));
            List<ActivationMaps.LayerMaps> maps = ActivationMaps.compute(it, x, convs,
                    ActivationMaps.Options.defaults().withCount(0));
            Values v = it.forward(m, x, convs.toArray(new String[0]));
            for (int i = 0; i < convs.size(); i++) {
                assertArrayEquals(v.get(convs.get(i)).toFloatArray(), maps.get(i).stacked());
                assertTrue(maps.get(i).channelCount() > 1);
            }
        }
    }
}
