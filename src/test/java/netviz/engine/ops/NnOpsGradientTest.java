package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import netviz.engine.Attribute;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the neural-network operators through autograd, against central finite
 * differences in float64 (along coordinates and random directions), with respect to the input and to parameters; and
 * the rule-based backward mode (default rules) against autograd. The objective is a random
 * weighting of the output, {@code sum(y * r)}, so that no gradient is trivially zero.
 */
class NnOpsGradientTest {

    /** A single-node graph, its float inputs (random) and the parameters to differentiate. */
    private static final class Fixture {
        final GraphBuilder b;
        final Map<String, double[]> values = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();
        final List<String> feeds = new ArrayList<>();
        final Random rnd = new Random(5);

        Fixture(int opset) {
            b = new GraphBuilder("grad", opset);
        }

        double[] random(long[] shape, double lo, double hi) {
            double[] v = new double[(int) Tensor.size(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = lo + (hi - lo) * rnd.nextDouble();
            }
            return v;
        }

        Fixture input(String name, long... shape) {
            b.input(name, shape);
            values.put(name, random(shape, -2, 2));
            shapes.put(name, shape);
            feeds.add(name);
            return this;
        }

        /** A parameter, differentiated by feeding a replacement value. */
        Fixture param(String name, double lo, double hi, long... shape) {
            double[] v = random(shape, lo, hi);
            b.initializer(name, Tensor.ofDoubles(shape, v));
            values.put(name, v);
            shapes.put(name, shape);
            return this;
        }

        Fixture constant(String name, Tensor t) {
            b.initializer(name, t);
            return this;
        }
    }

    private static void check(Fixture f, String op, List<String> inputs, List<String> wrt, Attribute... attrs) {
        f.b.node(op, "op", inputs, List.of("y"), attrs);
        f.b.output("y");
        Graph g = f.b.build();
        try (Interpreter it = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            for (String n : f.feeds) {
                feeds.put(n, m.create(f.values.get(n), new Shape(f.shapes.get(n))));
            }
            NDArray y0 = it.forward(m, feeds, List.of()).get("y");
            NDArray r = m.create(f.random(y0.getShape().getShape(), -1, 1), y0.getShape());
            Objective obj = Objective.of("sum(y * r)", Set.of("y"), v -> v.get("y").mul(r).sum());
            Gradients auto = it.gradient(m, feeds, obj, wrt);
            Gradients rule = it.backward(m, feeds, obj, wrt, BackwardRules.none());
            for (String w : wrt) {
                double[] grad = auto.wrt(w).toDoubleArray();
                assertArrayEquals(grad, rule.wrt(w).toDoubleArray(), 1e-10, op + ": backward modes differ for " + w);
                // central differences along 6 coordinates and 4 random directions: d = (f(x+hu) - f(x-hu)) / 2h
                double[] base = f.values.get(w);
                List<double[]> dirs = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    double[] u = new double[base.length];
                    if (k < 6) {
                        u[f.rnd.nextInt(base.length)] = 1;
                    } else {
                        for (int i = 0; i < u.length; i++) {
                            u[i] = f.rnd.nextGaussian();
                        }
                    }
                    dirs.add(u);
                }
                double h = 1e-6;
                double num = 0;
                double den = 0;
                for (double[] u : dirs) {
                    double[] plus = base.clone();
                    double[] minus = base.clone();
                    double analytic = 0;
                    for (int i = 0; i < u.length; i++) {
                        plus[i] += h * u[i];
                        minus[i] -= h * u[i];
                        analytic += grad[i] * u[i];
                    }
                    double fd = (objective(it, feeds, w, plus, f.shapes.get(w), r)
                            - objective(it, feeds, w, minus, f.shapes.get(w), r)) / (2 * h);
                    num += (analytic - fd) * (analytic - fd);
                    den += fd * fd;
                }
                double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
                assertTrue(den > 0, op + ": the finite-difference gradient for " + w + " is zero");
                assertTrue(rel < 1e-6, op + ": gradient for " + w + " has relative error " + rel);
            }
        }
    }

    private static double objective(Interpreter it, Map<String, NDArray> feeds, String name, double[] value,
                                    long[] shape, NDArray r) {
        try (NDManager s = it.newScope()) {
            Map<String, NDArray> f = new LinkedHashMap<>(feeds);
            f.put(name, s.create(value, new Shape(shape)));
            return it.forward(s, f, List.of()).get("y").mul(r).sum().getDouble();
        }
    }

    @Test
    void convWithGroupsDilationsStridesAndAsymmetricPads() {
        Fixture f = new Fixture(13).input("x", 2, 4, 7, 6).param("w", -1, 1, 4, 2, 3, 2).param("b", -1, 1, 4);
        check(f, "Conv", List.of("x", "w", "b"), List.of("x", "w", "b"), Attribute.ofInt("group", 2),
                Attribute.ofInts("dilations", 2, 1), Attribute.ofInts("strides", 2, 1),
                Attribute.ofInts("pads", 1, 0, 2, 1));
    }

    @Test
    void depthwiseConvSameLowerEvenKernel() {
        Fixture f = new Fixture(13).input("x", 1, 3, 6, 5).param("w", -1, 1, 3, 1, 2, 2);
        check(f, "Conv", List.of("x", "w"), List.of("x", "w"), Attribute.ofInt("group", 3),
                Attribute.ofInts("strides", 2, 2), Attribute.ofString("auto_pad", "SAME_LOWER"));
    }

    @Test
    void conv1dAnd3d() {
        Fixture f = new Fixture(13).input("x", 2, 2, 9).param("w", -1, 1, 3, 2, 3);
        check(f, "Conv", List.of("x", "w"), List.of("x", "w"), Attribute.ofInts("pads", 2, 1));
        Fixture f3 = new Fixture(13).input("x", 1, 2, 4, 3, 4).param("w", -1, 1, 2, 2, 2, 2, 3);
        check(f3, "Conv", List.of("x", "w"), List.of("x"), Attribute.ofInts("pads", 1, 0, 1, 0, 1, 1));
    }

    @Test
    void convTransposeWithGroupsStridesAndPads() {
        Fixture f = new Fixture(13).input("x", 2, 4, 3, 3).param("w", -1, 1, 4, 1, 3, 2).param("b", -1, 1, 2);
        check(f, "ConvTranspose", List.of("x", "w", "b"), List.of("x", "w", "b"), Attribute.ofInt("group", 2),
                Attribute.ofInts("strides", 2, 3), Attribute.ofInts("dilations", 1, 2),
                Attribute.ofInts("pads", 1, 0, 0, 2), Attribute.ofInts("output_padding", 1, 0));
    }

    @Test
    void maxPoolCeilModeWithAsymmetricPads() {
        Fixture f = new Fixture(12).input("x", 2, 2, 7, 6);
        check(f, "MaxPool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 0, 1, 1, 0),
                Attribute.ofInt("ceil_mode", 1));
    }

    @Test
    void maxPoolFusedAndDilated() {
        Fixture f = new Fixture(12).input("x", 2, 2, 8, 8);
        check(f, "MaxPool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInt("ceil_mode", 1));
        Fixture d = new Fixture(12).input("x", 1, 2, 7, 7);
        check(d, "MaxPool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("dilations", 2, 2), Attribute.ofInts("pads", 1, 0, 0, 1));
    }

    @Test
    void averagePoolExcludingPadding() {
        // PyTorch's padding divided by the pooled mask
        Fixture f = new Fixture(11).input("x", 2, 2, 7, 7);
        check(f, "AveragePool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInt("ceil_mode", 1));
        // explicit asymmetric padding
        Fixture a = new Fixture(11).input("x", 2, 2, 6, 7);
        check(a, "AveragePool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 0, 1, 2, 0),
                Attribute.ofInt("ceil_mode", 1));
    }

    @Test
    void averagePoolIncludingPaddingAndDilated() {
        Fixture f = new Fixture(19).input("x", 1, 2, 8, 7);
        check(f, "AveragePool", List.of("x"), List.of("x"), Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("dilations", 2, 2), Attribute.ofInts("pads", 1, 0, 2, 1),
                Attribute.ofInt("count_include_pad", 1));
    }

    @Test
    void batchNormalization() {
        Fixture f = new Fixture(15).input("x", 3, 2, 3, 3).param("s", -1, 1, 2).param("b", -1, 1, 2)
                .param("mean", -1, 1, 2).param("var", 0.5, 2, 2);
        check(f, "BatchNormalization", List.of("x", "s", "b", "mean", "var"), List.of("x", "s", "b"));
    }

    @Test
    void instanceNormalization() {
        Fixture f = new Fixture(6).input("x", 2, 3, 2, 3).param("s", -1, 1, 3).param("b", -1, 1, 3);
        check(f, "InstanceNormalization", List.of("x", "s", "b"), List.of("x", "s", "b"));
    }

    @Test
    void layerNormalization() {
        Fixture f = new Fixture(17).input("x", 2, 3, 4).param("s", -1, 1, 3, 4).param("b", -1, 1, 4);
        check(f, "LayerNormalization", List.of("x", "s", "b"), List.of("x", "s", "b"), Attribute.ofInt("axis", -2));
    }

    @Test
    void lrn() {
        Fixture f = new Fixture(13).input("x", 2, 5, 2, 3);
        check(f, "LRN", List.of("x"), List.of("x"), Attribute.ofInt("size", 4), Attribute.ofFloat("alpha", 0.5f),
                Attribute.ofFloat("beta", 0.75f), Attribute.ofFloat("bias", 2f));
    }

    @Test
    void gemm() {
        Fixture f = new Fixture(13).input("a", 4, 3).input("bm", 5, 4).param("c", -1, 1, 3, 1);
        check(f, "Gemm", List.of("a", "bm", "c"), List.of("a", "bm", "c"), Attribute.ofInt("transA", 1),
                Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 0.7f), Attribute.ofFloat("beta", -1.5f));
        Fixture fc = new Fixture(13).input("a", 2, 3).param("w", -1, 1, 4, 3).param("c", -1, 1, 4);
        check(fc, "Gemm", List.of("a", "w", "c"), List.of("a", "w", "c"), Attribute.ofInt("transB", 1));
    }

    @Test
    void matMulBatched() {
        Fixture f = new Fixture(13).input("a", 2, 1, 3, 4).input("bm", 3, 4, 2);
        check(f, "MatMul", List.of("a", "bm"), List.of("a", "bm"));
    }

    @Test
    void softmaxAndLogSoftmaxBothAxisRules() {
        check(new Fixture(11).input("x", 2, 3, 2, 2), "Softmax", List.of("x"), List.of("x"),
                Attribute.ofInt("axis", 1));
        check(new Fixture(13).input("x", 2, 3, 2, 2), "Softmax", List.of("x"), List.of("x"),
                Attribute.ofInt("axis", 1));
        check(new Fixture(11).input("x", 2, 3, 4), "LogSoftmax", List.of("x"), List.of("x"));
        check(new Fixture(13).input("x", 2, 3, 4), "LogSoftmax", List.of("x"), List.of("x"),
                Attribute.ofInt("axis", 0));
    }

    @Test
    void padModes() {
        for (String mode : new String[] {"constant", "reflect", "edge", "wrap"}) {
            Fixture f = new Fixture(19).input("x", 1, 2, 3, 4)
                    .constant("p", Tensor.ofLongs(new long[] {8}, 0, 0, 2, -1, 0, 0, 1, 2));
            check(f, "Pad", List.of("x", "p"), List.of("x"), Attribute.ofString("mode", mode));
        }
    }

    @Test
    void globalPoolsAndFlatten() {
        check(new Fixture(13).input("x", 2, 3, 3, 2), "GlobalAveragePool", List.of("x"), List.of("x"));
        check(new Fixture(13).input("x", 2, 3, 3, 2), "GlobalMaxPool", List.of("x"), List.of("x"));
        check(new Fixture(13).input("x", 2, 3, 2), "Flatten", List.of("x"), List.of("x"), Attribute.ofInt("axis", 2));
    }
}
