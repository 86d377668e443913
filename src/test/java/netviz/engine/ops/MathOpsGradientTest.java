package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.function.BiFunction;
import java.util.stream.Stream;
import netviz.engine.Attribute;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Gradients of the math and shape operators, checked against central finite differences in
 * FLOAT64 on one-node (or few-node) graphs with a batch of two. The objective is a random
 * weighted sum of every output, sum_k <W_k, y_k>, so that each output element is checked, not
 * just their sum. Both backward modes (autograd over the whole pass, and node-by-node VJPs) must
 * match the finite differences for every input element.
 */
class MathOpsGradientTest {
    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    /** A case: builds the node(s) reading graph input "x" and returns the outputs to weight. */
    record Case(String name, int opset, long[] shape, double lo, double hi,
                BiFunction<GraphBuilder, String, List<String>> build) {
    }

    static Tensor t(long[] shape, double... v) {
        return Tensor.ofDoubles(shape, v);
    }

    static Tensor ints(long... v) {
        return Tensor.ofLongs(new long[] {v.length}, v);
    }

    static Case unary(String op, double lo, double hi, Attribute... attrs) {
        return new Case(op, 17, new long[] {2, 3, 2}, lo, hi, (b, x) -> List.of(b.node(op, "n", List.of(x), attrs)));
    }

    static List<Case> cases() {
        long[] s = {2, 3, 2};
        List<Case> c = new ArrayList<>();
        for (String op : List.of("Exp", "Neg", "Sigmoid", "Tanh", "Softplus", "Erf", "HardSwish", "Identity")) {
            c.add(unary(op, -1.5, 1.5));
        }
        c.add(unary("Sqrt", 0.2, 2));
        c.add(unary("Log", 0.2, 2));
        c.add(unary("Reciprocal", 0.3, 2));
        c.add(unary("Abs", -1.5, 1.5));
        c.add(unary("Relu", -1.5, 1.5));
        c.add(unary("LeakyRelu", -1.5, 1.5, Attribute.ofFloat("alpha", 0.1f)));
        c.add(unary("Elu", -1.5, 1.5, Attribute.ofFloat("alpha", 0.7f)));
        c.add(unary("Selu", -1.5, 1.5));
        c.add(unary("HardSigmoid", -1.5, 1.5, Attribute.ofFloat("alpha", 0.3f), Attribute.ofFloat("beta", 0.4f)));
        c.add(unary("Cast", -1.5, 1.5, Attribute.ofInt("to", 1)));
        c.add(new Case("Cast to DOUBLE", 17, s, -1.5, 1.5,
                (b, x) -> List.of(b.node("Cast", "n", List.of(x), Attribute.ofInt("to", 11)))));
        c.add(new Case("Clip (inputs)", 13, s, -1.5, 1.5, (b, x) -> List.of(b.node("Clip", "n",
                List.of(x, b.initializer("lo", t(new long[0], -0.6)), b.initializer("hi", t(new long[0], 0.8)))))));
        c.add(new Case("Clip (attributes)", 9, s, -1.5, 1.5, (b, x) -> List.of(b.node("Clip", "n", List.of(x),
                Attribute.ofFloat("min", -0.6f), Attribute.ofFloat("max", 0.8f)))));
        Tensor w = t(new long[] {3, 1}, 0.5, -1.25, 2.0);
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Max", "Min")) {
            c.add(new Case(op + " (broadcast)", 17, s, 0.2, 1.5,
                    (b, x) -> List.of(b.node(op, "n", List.of(x, b.initializer("w", w))))));
        }
        c.add(new Case("Div (x in divisor)", 17, s, 0.3, 1.5,
                (b, x) -> List.of(b.node("Div", "n", List.of(b.initializer("w", w), x)))));
        c.add(new Case("Pow", 17, s, 0.3, 1.5, (b, x) -> List.of(b.node("Pow", "n",
                List.of(x, b.initializer("w", t(new long[] {2}, 1.5, -0.5)))))));
        c.add(new Case("Pow (x in exponent)", 17, s, -1, 1, (b, x) -> List.of(b.node("Pow", "n",
                List.of(b.initializer("w", t(new long[] {2}, 1.5, 0.7)), x)))));
        c.add(new Case("Add (legacy broadcast, opset 6)", 6, s, -1, 1, (b, x) -> List.of(b.node("Add", "n",
                List.of(x, b.initializer("w", t(new long[] {3}, 1, 2, 3))), Attribute.ofInt("broadcast", 1),
                Attribute.ofInt("axis", 1)))));
        c.add(new Case("PRelu", 17, s, -1.5, 1.5, (b, x) -> List.of(b.node("PRelu", "n",
                List.of(x, b.initializer("slope", w))))));
        c.add(new Case("Sum/Mean/Max of three", 17, s, -1.5, 1.5, (b, x) -> {
            String e = b.node("Exp", "e", List.of(x));
            String t = b.node("Tanh", "t", List.of(x));
            return List.of(b.node("Sum", "sum", List.of(x, e, t)), b.node("Mean", "mean", List.of(x, e, t)),
                    b.node("Max", "max", List.of(x, t, b.initializer("w", w))));
        }));
        c.add(new Case("Where", 17, s, -1.5, 1.5, (b, x) -> {
            String cond = b.node("Greater", "g", List.of(x, b.initializer("z", t(new long[0], 0.1))));
            String sq = b.node("Mul", "sq", List.of(x, x));
            return List.of(b.node("Where", "n", List.of(cond, sq, x)));
        }));
        c.add(new Case("ReduceMean (axes attribute)", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceMean", "n",
                List.of(x), Attribute.ofInts("axes", 1, -1), Attribute.ofInt("keepdims", 0)))));
        c.add(new Case("ReduceMean (axes input)", 18, s, -1, 1, (b, x) -> List.of(b.node("ReduceMean", "n",
                List.of(x, b.initializer("axes", ints(2, 1)))))));
        c.add(new Case("ReduceSum", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceSum", "n",
                List.of(x, b.initializer("axes", ints(0)))))));
        c.add(new Case("ReduceMax", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceMax", "n", List.of(x),
                Attribute.ofInts("axes", 0, 2)))));
        c.add(new Case("ReduceMin", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceMin", "n", List.of(x),
                Attribute.ofInts("axes", 1), Attribute.ofInt("keepdims", 0)))));
        c.add(new Case("ReduceProd", 13, s, 0.5, 1.5, (b, x) -> List.of(b.node("ReduceProd", "n", List.of(x),
                Attribute.ofInts("axes", 1, 2)))));
        c.add(new Case("ReduceL2", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceL2", "n", List.of(x),
                Attribute.ofInts("axes", 1)))));
        c.add(new Case("ReduceLogSumExp", 13, s, -1, 1, (b, x) -> List.of(b.node("ReduceLogSumExp", "n",
                List.of(x), Attribute.ofInts("axes", 1, 2), Attribute.ofInt("keepdims", 0)))));
        c.add(new Case("Gather (negative indices)", 13, s, -1, 1, (b, x) -> List.of(b.node("Gather", "n",
                List.of(x, b.initializer("i", Tensor.ofLongs(new long[] {2, 2}, -1, 0, 0, 2))),
                Attribute.ofInt("axis", 1)))));
        c.add(new Case("Gather (scalar index)", 13, s, -1, 1, (b, x) -> List.of(b.node("Gather", "n",
                List.of(x, b.initializer("i", Tensor.ofLongs(new long[0], 1))), Attribute.ofInt("axis", -1)))));
        c.add(new Case("Unsqueeze/Squeeze/Reshape/Transpose", 13, s, -1, 1, (b, x) -> {
            String u = b.node("Unsqueeze", "u", List.of(x, b.initializer("ua", ints(0, -1))));
            String q = b.node("Squeeze", "q", List.of(u, b.initializer("qa", ints(0))));
            String r = b.node("Reshape", "r", List.of(q, b.initializer("shape", ints(0, -1, 2))));
            return List.of(b.node("Transpose", "tr", List.of(r), Attribute.ofInts("perm", 2, 0, 1)));
        }));
        c.add(new Case("Split/Concat", 13, s, -1, 1, (b, x) -> {
            b.node("Split", "sp", List.of(x, b.initializer("parts", ints(1, 2))), List.of("p0", "p1"),
                    Attribute.ofInt("axis", 1));
            String e = b.node("Exp", "e", List.of("p0"));
            return List.of(b.node("Concat", "cat", List.of("p1", e, x), Attribute.ofInt("axis", 1)));
        }));
        c.add(new Case("Split (num_outputs, uneven)", 18, new long[] {2, 5}, -1, 1, (b, x) -> {
            b.node("Split", "sp", List.of(x), List.of("p0", "p1", "p2"), Attribute.ofInt("axis", 1),
                    Attribute.ofInt("num_outputs", 3));
            return List.of("p0", "p1", "p2");
        }));
        c.add(new Case("Slice (negative step, clamped)", 13, new long[] {2, 3, 5}, -1, 1, (b, x) -> List.of(
                b.node("Slice", "n", List.of(x, b.initializer("st", ints(-1, 100)), b.initializer("en", ints(-100, 0)),
                        b.initializer("ax", ints(2, 1)), b.initializer("sp", ints(-2, -1)))))));
        c.add(new Case("Slice (opset 9 attributes)", 9, new long[] {2, 3, 5}, -1, 1, (b, x) -> List.of(
                b.node("Slice", "n", List.of(x), Attribute.ofInts("starts", 1, 1), Attribute.ofInts("ends", 3, 1000),
                        Attribute.ofInts("axes", 1, 2)))));
        c.add(new Case("Expand/Tile", 13, new long[] {2, 1, 3}, -1, 1, (b, x) -> List.of(
                b.node("Expand", "ex", List.of(x, b.initializer("es", ints(2, 1, 4, 1)))),
                b.node("Tile", "ti", List.of(x, b.initializer("reps", ints(1, 3, 2)))))));
        // transformer and modern-CNN operators
        c.add(new Case("Gelu (erf)", 20, s, -1.5, 1.5, (b, x) -> List.of(b.node("Gelu", "n", List.of(x)))));
        c.add(new Case("Gelu (tanh)", 20, s, -1.5, 1.5, (b, x) -> List.of(b.node("Gelu", "n", List.of(x),
                Attribute.ofString("approximate", "tanh")))));
        c.add(new Case("Mod (fmod=1, both operands)", 13, s, 0.3, 2.5, (b, x) -> {
            String d = b.initializer("d", t(new long[] {2}, 0.7, -0.9));
            return List.of(b.node("Mod", "n", List.of(x, d), Attribute.ofInt("fmod", 1)),
                    b.node("Mod", "m", List.of(b.initializer("a", t(new long[] {2}, 2.3, -1.7)), x), Attribute.ofInt("fmod", 1)));
        }));
        c.add(new Case("ScatterND (x as data and as updates; add, mul)", 18, new long[] {3, 2}, -1.5, 1.5, (b, x) -> {
            String base = b.initializer("base", t(new long[] {4, 2}, 1, 2, 3, 4, 5, 6, 7, 8));
            String idx = b.initializer("idx", Tensor.ofLongs(new long[] {3, 1}, 2, 0, -1));
            String dup = b.initializer("dup", Tensor.ofLongs(new long[] {3, 1}, 1, 1, 2));
            String part = b.initializer("part", Tensor.ofLongs(new long[] {2, 2}, 0, 1, 2, 0));
            String vals = b.initializer("vals", t(new long[] {2}, 0.5, -2));
            return List.of(b.node("ScatterND", "upd", List.of(base, idx, x)),
                    b.node("ScatterND", "add", List.of(base, dup, x), Attribute.ofString("reduction", "add")),
                    b.node("ScatterND", "mul", List.of(base, dup, x), Attribute.ofString("reduction", "mul")),
                    b.node("ScatterND", "data", List.of(x, part, vals)));
        }));
        c.add(new Case("Einsum (attention patterns)", 13, new long[] {2, 3, 4}, -1, 1, (b, x) -> {
            String k = b.initializer("k", t(new long[] {2, 5, 4}, java.util.stream.IntStream.range(0, 40)
                    .mapToDouble(i -> Math.sin(i * 0.7)).toArray()));
            String sc = b.node("Einsum", "qk", List.of(x, k), Attribute.ofString("equation", "bid,bjd->bij"));
            String sq = b.node("Einsum", "xx", List.of(x, x), Attribute.ofString("equation", "bid,bjd->bij"));
            return List.of(sc, sq, b.node("Einsum", "ctx", List.of(sc, k), Attribute.ofString("equation", "...ij,...jd->...id")),
                    b.node("Einsum", "tr", List.of(x), Attribute.ofString("equation", "bid->dbi")));
        }));
        for (String mode : List.of("nearest", "linear", "cubic")) {
            c.add(new Case("Resize " + mode, 13, new long[] {1, 2, 3, 4}, -1, 1, (b, x) -> List.of(
                    b.node("Resize", "up", List.of(x, "", b.initializer("s", t(new long[] {4}, 1, 1, 2, 1.5)))
                            , Attribute.ofString("mode", mode)),
                    b.node("Resize", "down", List.of(x, "", "", b.initializer("sz", ints(1, 2, 2, 3))),
                            Attribute.ofString("mode", mode), Attribute.ofString("coordinate_transformation_mode",
                                    "align_corners")))));
        }
        c.add(new Case("Upsample linear (opset 9)", 9, new long[] {1, 2, 3, 4}, -1, 1, (b, x) -> List.of(
                b.node("Upsample", "up", List.of(x, b.initializer("s", t(new long[] {4}, 1, 1, 2, 2.5))),
                        Attribute.ofString("mode", "linear")))));
        c.add(new Case("Dropout (training_mode, ratio 0)", 13, s, -1, 1, (b, x) -> List.of(b.node("Dropout", "n",
                List.of(x, b.initializer("r", t(new long[0], 0)), b.initializer("tm", boolScalar()))))));
        return c;
    }

    static Tensor boolScalar() {
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1).put((byte) 1);
        one.flip();
        return new Tensor(Tensor.ElementType.BOOL, new long[0], one);
    }

    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name, () -> check(k)));
    }

    static void check(Case k) {
        GraphBuilder b = new GraphBuilder("grad-" + k.name, k.opset);
        String x = b.input("x", Tensor.ElementType.DOUBLE, k.shape);
        List<String> outs = k.build.apply(b, x);
        outs.forEach(b::output);
        Graph g = b.build();
        Random rnd = new Random(k.name.hashCode());
        try (Interpreter it = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            int n = (int) Tensor.size(k.shape);
            double[] xs = new double[n];
            for (int i = 0; i < n; i++) {
                double v;
                do {
                    v = k.lo + (k.hi - k.lo) * rnd.nextDouble();
                } while (Math.abs(v) < 0.05); // keep away from the kinks at 0
                xs[i] = v;
            }
            Values shapes = it.forward(m, Map.of("x", m.create(xs, new Shape(k.shape))), outs);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (String o : outs) {
                NDArray y = shapes.get(o);
                double[] ws = new double[(int) y.getShape().size()];
                for (int i = 0; i < ws.length; i++) {
                    ws[i] = rnd.nextGaussian();
                }
                weights.put(o, m.create(ws, y.getShape()));
            }
            Objective obj = Objective.of("weighted sum", Set.copyOf(outs), v -> {
                NDArray total = null;
                for (String o : outs) {
                    NDArray term = v.get(o).mul(weights.get(o)).sum();
                    total = total == null ? term : total.add(term);
                }
                return total;
            });
            NDArray x0 = m.create(xs, new Shape(k.shape));
            Gradients auto = it.gradient(m, Map.of("x", x0), obj, List.of("x"));
            Gradients rule = it.backward(m, Map.of("x", x0), obj, List.of("x"), BackwardRules.none());
            double[] ga = auto.wrt("x").toDoubleArray();
            double[] gr = rule.wrt("x").toDoubleArray();
            assertEquals(DataType.FLOAT64, auto.wrt("x").getDataType(), k.name + ": gradient type");
            double scale = 1;
            double[] fd = new double[n];
            for (int i = 0; i < n; i++) {
                double[] p = xs.clone();
                double[] q = xs.clone();
                p[i] += H;
                q[i] -= H;
                fd[i] = (value(it, m, p, k.shape, outs, obj) - value(it, m, q, k.shape, outs, obj)) / (2 * H);
                scale = Math.max(scale, Math.abs(fd[i]));
            }
            double errAuto = 0;
            double errRule = 0;
            boolean anyNonZero = false;
            for (int i = 0; i < n; i++) {
                errAuto = Math.max(errAuto, Math.abs(ga[i] - fd[i]) / scale);
                errRule = Math.max(errRule, Math.abs(gr[i] - fd[i]) / scale);
                anyNonZero |= Math.abs(fd[i]) > 1e-3;
            }
            assertTrue(anyNonZero, k.name + ": finite differences are all zero, the case tests nothing");
            assertTrue(errAuto <= TOL, k.name + ": autograd differs from finite differences by " + errAuto);
            assertTrue(errRule <= TOL, k.name + ": node-by-node backward differs from finite differences by " + errRule);
        }
    }

    private static double value(Interpreter it, NDManager m, double[] xs, long[] shape, List<String> outs, Objective obj) {
        try (NDManager sub = m.newSubManager()) {
            Values v = it.forward(sub, Map.of("x", sub.create(xs, new Shape(shape))), outs);
            return obj.evaluate(v).getDouble();
        }
    }

    /** Float-to-float Cast, Identity and single-input Sum return their input: the autograd graph is not cut. */
    @Test
    void sameTypeCastKeepsTheGraph() {
        GraphBuilder b = new GraphBuilder("cast", 17);
        String x = b.input("x", 2, 3);
        String c = b.node("Cast", "c", List.of(x), Attribute.ofInt("to", 1));
        String d = b.node("Cast", "d", List.of(c), Attribute.ofInt("to", 11));
        String y = b.node("Mul", "y", List.of(d, d));
        b.output(y);
        for (DataType p : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            try (Interpreter it = Interpreter.of(b.build(), new Interpreter.Options(p)); NDManager m = it.newScope()) {
                NDArray x0 = m.create(new float[] {1, 2, 3, -1, -2, 0.5f}, new Shape(2, 3));
                Gradients g = it.gradient(m, Map.of("x", x0), Objective.sum(y), List.of("x"));
                double[] got = g.wrt("x").toType(DataType.FLOAT64, false).toDoubleArray();
                double[] want = {2, 4, 6, -2, -4, 1};
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-6, p + " element " + i);
                }
                assertEquals(p, g.forward().get(y).getDataType());
            }
        }
    }
}
