package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.methods.neurons.ReceptiveField;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * The gradient-support box against brute force: on a small conv net, perturb every input pixel
 * (one image per pixel, one forward pass) and keep the pixels whose perturbation moves the unit;
 * their bounding box must be the box computed from the gradient.
 */
class GradientSupportTest {
    private static final int SIDE = 11;
    private static final int C = 2;

    /**
     * x (N, 2, 11, 11) → conv1 (3, 3×3, pad 1) → [relu1] → conv2 (2, 3×3, stride 2, no pad): a unit
     * of conv2 sees a 5×5 window of the input, clipped by the padding at the border. Without the ReLU
     * the net is linear, so the pixels a unit depends on do not depend on the input.
     */
    static Graph net(boolean relu) {
        Random r = new Random(5);
        GraphBuilder g = new GraphBuilder("support", 13);
        String x = g.input("x", -1, C, SIDE, SIDE);
        String a = g.node("Conv", "conv1", List.of(x, g.initializer("w1", Tensor.ofFloats(new long[] {3, C, 3, 3},
                gauss(r, 3 * C * 9)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String h = relu ? g.node("Relu", "relu1", List.of(a)) : a;
        g.output(g.node("Conv", "conv2", List.of(h, g.initializer("w2", Tensor.ofFloats(new long[] {2, 3, 3, 3},
                gauss(r, 54)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2)));
        return g.build();
    }

    static float[] gauss(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Bounding box {y0, x0, y1, x1} of the pixels whose perturbation changes unit (c, y, x) of conv2; null if none. */
    static int[] bruteForce(Interpreter ip, float[] image, int c, int y, int x) {
        int per = C * SIDE * SIDE;
        float[] batch = new float[(per + 1) * per];
        for (int p = 0; p <= per; p++) {
            System.arraycopy(image, 0, batch, p * per, per);
            if (p < per) {
                batch[p * per + p] += 0.01f;
            }
        }
        double[] out;
        long[] s;
        // in float64: no float32 kernel (e.g. a Winograd convolution, which mixes rounding across a tile) can make
        // an input the unit does not see look as if it moved the unit
        try (Interpreter exact = Interpreter.of(ip.graph(), new Interpreter.Options(ai.djl.ndarray.types.DataType.FLOAT64));
             NDManager m = exact.newScope()) {
            String t = exact.graph().resolveTensor("conv2");
            NDArray v = exact.forward(m, m.create(batch, new Shape(per + 1, C, SIDE, SIDE)), t).get(t);
            s = v.getShape().getShape();
            out = v.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        }
        int stride = (int) (s[1] * s[2] * s[3]);
        int unit = (int) ((c * s[2] + y) * s[3] + x);
        double base = out[per * stride + unit];
        int[] box = null;
        for (int p = 0; p < per; p++) {
            if (Math.abs(out[p * stride + unit] - base) > 1e-9) {
                int py = p % (SIDE * SIDE) / SIDE;
                int px = p % SIDE;
                box = box == null ? new int[] {py, px, py, px}
                        : new int[] {Math.min(box[0], py), Math.min(box[1], px), Math.max(box[2], py), Math.max(box[3], px)};
            }
        }
        return box;
    }

    private static final int[][] UNITS = {{0, 0, 0}, {1, 2, 3}, {0, 4, 4}, {1, 4, 0}};

    @Test
    void theOrdinaryGradientsSupportIsThePixelsThatMoveTheUnit() {
        Random r = new Random(1);
        try (Interpreter ip = Interpreter.of(net(true)); NDManager m = ip.newScope()) {
            String t = ip.graph().resolveTensor("conv2");
            float[] images = gauss(r, 2 * C * SIDE * SIDE);
            NDArray x = m.create(images, new Shape(2, C, SIDE, SIDE));
            for (int[] u : UNITS) {
                int[][] got = GradientSupport.support(ip, x, Objective.neuron(t, u[0], u[1], u[2]), null);
                for (int n = 0; n < 2; n++) {
                    float[] one = java.util.Arrays.copyOfRange(images, n * C * SIDE * SIDE, (n + 1) * C * SIDE * SIDE);
                    assertArrayEquals(bruteForce(ip, one, u[0], u[1], u[2]), got[n], "unit " + java.util.Arrays.toString(u));
                }
            }
        }
    }

    @Test
    void boxesLetEveryReluPassSoTheyAreTheLinearNetsDependence() {
        Random r = new Random(2);
        try (Interpreter ip = Interpreter.of(net(true)); Interpreter linear = Interpreter.of(net(false));
             NDManager m = ip.newScope()) {
            String t = ip.graph().resolveTensor("conv2");
            float[] image = gauss(r, C * SIDE * SIDE);
            for (int i = 0; i < image.length; i++) {
                image[i] = -Math.abs(image[i]); // many ReLUs off: the ordinary gradient would be sparser
            }
            NDArray x = m.create(image, new Shape(1, C, SIDE, SIDE));
            List<int[]> expected = new ArrayList<>();
            List<int[]> got = new ArrayList<>();
            for (int[] u : UNITS) {
                expected.add(bruteForce(linear, image, u[0], u[1], u[2]));
                got.add(GradientSupport.boxes(ip, x, new Selection(t, new int[][] {u}))[0]);
            }
            for (int i = 0; i < UNITS.length; i++) {
                assertArrayEquals(expected.get(i), got.get(i), "unit " + java.util.Arrays.toString(UNITS[i]));
            }
            // a unit at stride 2 without padding: unit (y, x) sees input rows 2y-1 .. 2y+3 clipped to the image
            assertArrayEquals(new int[] {0, 0, 3, 3}, got.get(0));
            assertArrayEquals(new int[] {3, 5, 7, 9}, got.get(1));
        }
    }

    @Test
    void theEffectiveReceptiveFieldIsTheSameMeasureOnRandomInputs() {
        try (Interpreter linear = Interpreter.of(net(false))) {
            for (int[] u : UNITS) {
                int[] b = bruteForce(linear, new float[C * SIDE * SIDE], u[0], u[1], u[2]);
                ReceptiveField.Box e = ReceptiveField.effective(linear, "conv2", u[0], u[1], u[2], 3, 7);
                assertArrayEquals(b, new int[] {e.y0(), e.x0(), e.y1(), e.x1()});
            }
        }
    }

    @Test
    void aUnitThatIgnoresTheInputHasNoSupport() {
        GraphBuilder g = new GraphBuilder("constant", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String zero = g.node("Mul", "zero", List.of(x, g.initializer("z", Tensor.ofFloats(new long[] {1}, 0f))));
        g.output(zero);
        try (Interpreter ip = Interpreter.of(g.build()); NDManager m = ip.newScope()) {
            NDArray in = m.ones(new Shape(1, 1, 4, 4));
            String t = ip.graph().resolveTensor("zero");
            assertNull(GradientSupport.support(ip, in, Objective.neuron(t, 0, 1, 1), null)[0]);
            assertArrayEquals(new int[] {0, 0, 3, 3},
                    GradientSupport.boxes(ip, in, new Selection(t, new int[][] {{0, 1, 1}}))[0]);
            assertEquals(1, GradientSupport.boxes(ip, in, new Selection(t, new int[][] {{0, 1, 1}})).length);
        }
    }
}
