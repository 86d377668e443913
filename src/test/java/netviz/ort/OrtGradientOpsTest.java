package netviz.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.zoo.Ort;
import org.junit.jupiter.api.Test;

/**
 * Each backward rule of {@link VjpGraph} on ONNX Runtime against the interpreter's float64
 * autograd gradient (the oracle) on small random graphs: x (2, C, H, W) → the operator under test
 * (each attribute combination: strides, pads, asymmetric pads, dilations, groups, overlapping and
 * ceil-mode max pooling, average pooling counting the padding or not, broadcasting arithmetic where
 * both operands depend on x) → flatten → Gemm (3 outputs), objective: a per-example class score plus
 * half the mean of a class. Error: max |Δ| / max |g|, at most {@value #TOLERANCE} (ONNX Runtime
 * computes in float32: about 1e-7 per operation, summed over a few hundred terms).
 */
class OrtGradientOpsTest {
    static final double TOLERANCE = 2e-5;

    /** Builds the layer under test from x; returns its output. */
    interface Layer {
        String apply(GraphBuilder b, String x, Random r);
    }

    static Tensor random(Random r, double std, long... shape) {
        float[] v = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return Tensor.ofFloats(shape, v);
    }

    static Graph net(long[] in, Layer layer, long features) {
        return net(in, layer, features, 13);
    }

    static Graph net(long[] in, Layer layer, long features, int opset) {
        Random r = new Random(11);
        GraphBuilder b = new GraphBuilder("op", opset);
        String x = b.input("x", -1, in[1], in[2], in[3]);
        String y = layer.apply(b, x, r);
        String f = b.node("Flatten", "flat", List.of(y));
        b.node("Gemm", "fc", List.of(f, b.initializer("wf", random(r, 0.3, 3, features)),
                b.initializer("bf", random(r, 0.1, 3))), List.of("out"), Attribute.ofInt("transB", 1));
        b.output("out");
        return b.build();
    }

    static Objective objective() {
        return Objective.logits("out", new int[] {2, 0}).plus(Objective.logit("out", 1).times(0.5));
    }

    /** The ORT gradient against the float64 interpreter's for a layer whose flattened output has {@code features} values. */
    static double check(long[] in, Layer layer, long features) {
        return check(net(in, layer, features));
    }

    static double check(Graph g) {
        long[] in = g.inputs().get(0).dims().clone();
        in[0] = 2;
        List<String> warnings = new ArrayList<>();
        try (Interpreter exact = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             Interpreter plain = Interpreter.of(g);
             OrtGradient ort = OrtGradient.of(plain, null, warnings::add);
             NDManager m = plain.newScope()) {
            assertTrue(OrtGradient.trust().trusted(), OrtGradient.trust().line());
            VjpGraph.build(g, "x", List.of("out"), Map.of("out", 2));
            assertTrue(ort.supports(objective()), "the graph runs on ONNX Runtime");
            NDArray x = m.create(Ort.randomInput(in, 3), new Shape(in));
            double[] want = exact.gradient(m, Map.of("x", x.toType(DataType.FLOAT64, false)), objective(), List.of("x"))
                    .wrt("x").toType(DataType.FLOAT64, false).toDoubleArray();
            var got = ort.gradient(m, Map.of("x", x), objective(), List.of("x"));
            assertEquals(List.of(), warnings);
            float[] gv = got.wrt("x").toFloatArray();
            assertArrayEquals(in, got.wrt("x").getShape().getShape());
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - gv[i]));
            }
            assertTrue(scale > 0, "the gradient is not zero");
            double rel = err / scale;
            assertTrue(rel <= TOLERANCE, "relative error " + rel);
            double value = exact.gradient(m, Map.of("x", x.toType(DataType.FLOAT64, false)), objective(), List.of("x"))
                    .objective();
            assertEquals(value, got.objective(), 1e-4 * Math.max(1, Math.abs(value)), "objective value");
            return rel;
        }
    }

    static Layer conv(long cout, long k, long group, long[] strides, long[] pads, long[] dilations, boolean bias) {
        return (b, x, r) -> {
            List<String> ins = new ArrayList<>(List.of(x, b.initializer("w", random(r, 0.4, cout, 4 / group, k, k))));
            if (bias) {
                ins.add(b.initializer("bias", random(r, 0.1, cout)));
            }
            return b.node("Conv", "conv", ins, Attribute.ofInts("strides", strides), Attribute.ofInts("pads", pads),
                    Attribute.ofInts("dilations", dilations), Attribute.ofInt("group", group));
        };
    }

    static long out(long in, long k, long s, long pb, long pe, long d) {
        return (in + pb + pe - d * (k - 1) - 1) / s + 1;
    }

    @Test
    void convolutionsOfEveryGeometry() {
        long[] in = {2, 4, 9, 10};
        for (long s : new long[] {1, 2, 3}) {
            for (long[] p : new long[][] {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 1, 2, 0}, {2, 2, 2, 2}}) {
                for (long d : new long[] {1, 2}) {
                    for (long group : new long[] {1, 2}) {
                        for (long k : new long[] {1, 3}) {
                            if (k == 1 && (p[0] > 0 || p[2] > 0)) {
                                continue;
                            }
                            long h = out(9, k, s, p[0], p[2], d);
                            long w = out(10, k, s, p[1], p[3], d);
                            String what = "stride " + s + " pads " + java.util.Arrays.toString(p) + " dilation " + d
                                    + " group " + group + " kernel " + k;
                            try {
                                check(in, conv(6, k, group, new long[] {s, s}, p, new long[] {d, d}, group == 1),
                                        6 * h * w);
                            } catch (AssertionError e) {
                                throw new AssertionError(what + ": " + e.getMessage(), e);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The ways of writing a Conv's input gradient that the benchmark compares give the same gradient. */
    @Test
    void everyWayOfWritingAConvolutionsGradientAgrees() {
        for (long[] strides : new long[][] {{2, 3}, {1, 1}}) {
            Graph g = net(new long[] {2, 4, 9, 10}, conv(6, 3, 2, strides, new long[] {1, 0, 2, 1}, new long[] {1, 1}, true),
                    6 * out(9, 3, strides[0], 1, 2, 1) * out(10, 3, strides[1], 0, 1, 1));
            float[] reference = null;
            for (VjpGraph.StridedConv how : VjpGraph.StridedConv.values()) {
                VjpGraph.Built v = VjpGraph.build(g, "x", List.of("out"), Map.of("out", 2), how);
                try (OrtForward f = OrtForward.of(v.graph()); NDManager m = f.newScope()) {
                    NDArray x = m.create(Ort.randomInput(new long[] {2, 4, 9, 10}, 8), new Shape(2, 4, 9, 10));
                    NDArray seed = m.create(Ort.randomInput(new long[] {2, 3}, 9), new Shape(2, 3));
                    float[] got = f.tensors(m, Map.of("x", x, v.seeds().get("out"), seed), List.of(v.gradient()))
                            .get(v.gradient()).toFloatArray();
                    if (reference == null) {
                        reference = got;
                    } else {
                        assertTrue(Ort.relError(got, reference) < 1e-5, how + " at strides " + java.util.Arrays.toString(strides));
                    }
                }
            }
        }
    }

    static Layer pool(String op, long[] kernel, long[] strides, long[] pads, Attribute... extra) {
        return (b, x, r) -> {
            List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", kernel),
                    Attribute.ofInts("strides", strides), Attribute.ofInts("pads", pads)));
            a.addAll(List.of(extra));
            // a convolution first, so that the pooled values are not the input itself
            String c = b.node("Conv", "pre", List.of(x, b.initializer("wp", random(r, 0.5, 4, 4, 1, 1))));
            return b.node(op, "pool", List.of(c), a.toArray(new Attribute[0]));
        };
    }

    @Test
    void maxPoolingOverlappingDilatedAndCeil() {
        long[] in = {2, 4, 9, 9};
        check(in, pool("MaxPool", new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1, 1, 1}), 4 * 5 * 5);
        check(in, pool("MaxPool", new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0, 0, 0}), 4 * 4 * 4);
        check(in, pool("MaxPool", new long[] {3, 3}, new long[] {1, 1}, new long[] {0, 0, 0, 0}), 4 * 7 * 7);
        check(in, pool("MaxPool", new long[] {3, 2}, new long[] {1, 2}, new long[] {1, 0, 1, 1},
                Attribute.ofInts("dilations", 2, 1)), 4 * 7 * 5);
        check(in, pool("MaxPool", new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0, 0, 0},
                Attribute.ofInt("ceil_mode", 1)), 4 * 5 * 5);
    }

    @Test
    void averagePoolingCountingThePaddingOrNot() {
        long[] in = {2, 4, 9, 9};
        for (int cip = 0; cip <= 1; cip++) {
            Attribute a = Attribute.ofInt("count_include_pad", cip);
            check(in, pool("AveragePool", new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1, 1, 1}, a), 4 * 5 * 5);
            check(in, pool("AveragePool", new long[] {3, 2}, new long[] {1, 1}, new long[] {1, 0, 0, 1}, a), 4 * 8 * 9);
            check(in, pool("AveragePool", new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0, 0, 0}, a), 4 * 4 * 4);
        }
        check(in, (b, x, r) -> b.node("GlobalAveragePool", "gap", List.of(x)), 4);
    }

    static Layer unary(String op, Attribute... attrs) {
        return (b, x, r) -> b.node(op, "u", List.of(b.node("Conv", "pre", List.of(x,
                b.initializer("wp", random(r, 0.8, 4, 4, 1, 1))))), attrs);
    }

    @Test
    void activationsAndNormalization() {
        long[] in = {2, 4, 5, 5};
        long f = 4 * 25;
        check(in, unary("Relu"), f);
        check(in, unary("LeakyRelu", Attribute.ofFloat("alpha", 0.2f)), f);
        check(in, unary("Sigmoid"), f);
        check(in, unary("Tanh"), f);
        check(in, unary("Identity"), f);
        check(in, unary("Exp"), f);
        check(in, unary("Neg"), f);
        check(in, unary("Cast", Attribute.ofInt("to", 1)), f);
        check(in, (b, x, r) -> b.node("Sqrt", "sqrt", List.of(b.node("Exp", "pos", List.of(x)))), f);
        check(in, unary("Dropout"), f);
        check(in, (b, x, r) -> b.node("Clip", "clip", List.of(x, b.initializer("lo", Tensor.ofFloats(new long[0], -0.5f)),
                b.initializer("hi", Tensor.ofFloats(new long[0], 0.7f)))), f);
        check(in, (b, x, r) -> b.node("Clip", "clip", List.of(x, "", b.initializer("hi", Tensor.ofFloats(new long[0], 0.3f)))), f);
        check(in, (b, x, r) -> b.node("BatchNormalization", "bn", List.of(x, b.initializer("g", random(r, 1, 4)),
                b.initializer("be", random(r, 1, 4)), b.initializer("mu", random(r, 1, 4)),
                b.initializer("var", Tensor.ofFloats(new long[] {4}, 0.5f, 1.5f, 2f, 0.1f))),
                Attribute.ofFloat("epsilon", 1e-3f)), f);
        check(in, (b, x, r) -> b.node("Softmax", "sm", List.of(x), Attribute.ofInt("axis", 1)), f);
        check(in, (b, x, r) -> b.node("LogSoftmax", "lsm", List.of(x), Attribute.ofInt("axis", -1)), f);
    }

    @Test
    void piecewiseActivationsReductionsSplitAndPad() {
        long[] in = {2, 4, 5, 5};
        long f = 4 * 25;
        // scaled so that every piece of the activations is reached
        Layer wide = (b, x, r) -> b.node("Mul", "wide", List.of(x, b.initializer("k", Tensor.ofFloats(new long[0], 4f))));
        check(in, (b, x, r) -> b.node("HardSigmoid", "hs", List.of(wide.apply(b, x, r)), Attribute.ofFloat("alpha", 0.3f),
                Attribute.ofFloat("beta", 0.4f)), f);
        check(net(in, (b, x, r) -> b.node("HardSwish", "hw", List.of(wide.apply(b, x, r))), f, 14));
        for (int keep = 0; keep <= 1; keep++) {
            int k = keep;
            check(in, (b, x, r) -> b.node("ReduceMean", "rm", List.of(x), Attribute.ofInts("axes", 1, -1),
                    Attribute.ofInt("keepdims", k)), 5);
            check(in, (b, x, r) -> b.node("ReduceSum", "rs", List.of(x, b.initializer("ax", Tensor.ofLongs(new long[] {1}, 2))),
                    Attribute.ofInt("keepdims", k)), 20);
        }
        check(in, (b, x, r) -> b.node("Mul", "m", List.of(b.node("ReduceMean", "rm", List.of(x)), x)), f);
        check(in, (b, x, r) -> {
            b.node("Split", "split", List.of(x, b.initializer("sizes", Tensor.ofLongs(new long[] {2}, 1, 3))),
                    List.of("s1", "s3"), Attribute.ofInt("axis", 1));
            return b.node("Mul", "m", List.of("s3", b.node("Sigmoid", "sg", List.of("s3"))));
        }, 3 * 25);
        check(in, (b, x, r) -> {
            b.node("Split", "split", List.of(x, b.initializer("sizes", Tensor.ofLongs(new long[] {2}, 2, 2))),
                    List.of("s1", "s2"), Attribute.ofInt("axis", 1));
            return b.node("Sub", "d", List.of("s1", b.node("Tanh", "t", List.of("s2"))));
        }, 2 * 25);
        check(in, (b, x, r) -> b.node("Pad", "pad", List.of(x, b.initializer("pads",
                Tensor.ofLongs(new long[] {8}, 0, 1, 2, 0, 0, 0, 1, 3)), b.initializer("v", Tensor.ofFloats(new long[0], 0.5f)))),
                5 * 8 * 8);
    }

    @Test
    void broadcastingArithmeticWithBothOperandsDependingOnTheInput() {
        long[] in = {2, 4, 5, 5};
        long f = 4 * 25;
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            // (N, C, H, W) op (N, C, 1, 1), the second a function of x (a squeeze-and-excitation shape)
            check(in, (b, x, r) -> {
                String s = b.node("Sigmoid", "gate", List.of(b.node("GlobalAveragePool", "gap", List.of(x))));
                String d = op.equals("Div") ? b.node("Add", "shift", List.of(s, b.initializer("one",
                        Tensor.ofFloats(new long[0], 1f)))) : s;
                return b.node(op, "op", List.of(x, d));
            }, f);
            // a (C, 1, 1) parameter on the left, x on the right
            check(in, (b, x, r) -> b.node(op, "op", List.of(b.initializer("p", random(r, 1, 4, 1, 1)),
                    op.equals("Div") ? b.node("Exp", "pos", List.of(x)) : x)), f);
        }
        // Div's numerator and denominator both from x, broadcast over positions: x / (1 + gap(x)·gap(x))
        check(in, (b, x, r) -> {
            String gap = b.node("GlobalAveragePool", "gap", List.of(x));
            String sq = b.node("Mul", "sq", List.of(gap, gap));
            return b.node("Div", "op", List.of(x, b.node("Add", "den", List.of(sq, b.initializer("one",
                    Tensor.ofFloats(new long[0], 1f))))));
        }, f);
    }

    @Test
    void shapeOperatorsAndProducts() {
        long[] in = {2, 4, 5, 5};
        check(in, (b, x, r) -> b.node("Transpose", "t", List.of(x), Attribute.ofInts("perm", 0, 2, 3, 1)), 100);
        check(in, (b, x, r) -> b.node("Reshape", "rs", List.of(x, b.initializer("s",
                Tensor.ofLongs(new long[] {3}, 0, 20, 5)))), 100);
        check(in, (b, x, r) -> {
            String c = b.node("Conv", "c", List.of(x, b.initializer("wc", random(r, 0.5, 3, 4, 1, 1))));
            return b.node("Concat", "cat", List.of(x, c, x), Attribute.ofInt("axis", 1));
        }, 11 * 25);
        // Gemm with every transpose and alpha, x as A and as B
        for (int ta = 0; ta <= 1; ta++) {
            for (int tb = 0; tb <= 1; tb++) {
                int fa = ta;
                int fb = tb;
                check(in, (b, x, r) -> {
                    String flat = b.node("Flatten", "f0", List.of(x));  // (2, 100)
                    String a = fa == 0 ? flat : b.node("Transpose", "ta", List.of(flat));
                    String w = b.initializer("w", random(r, 0.2, fb == 0 ? 100 : 7, fb == 0 ? 7 : 100));
                    return b.node("Gemm", "g", List.of(a, w, b.initializer("c", random(r, 0.1, 7))),
                            Attribute.ofInt("transA", fa), Attribute.ofInt("transB", fb), Attribute.ofFloat("alpha", 0.7f),
                            Attribute.ofFloat("beta", 0.5f));
                }, 7);
                check(in, (b, x, r) -> {
                    // x as B: Y = op(A) op(B) with op(B) = flat(x)ᵀ (100, 2), then back to (2, 7)
                    String flat = b.node("Flatten", "f0", List.of(x));
                    String xb = fb == 0 ? b.node("Transpose", "tb", List.of(flat)) : flat;
                    String a = b.initializer("a", random(r, 0.2, fa == 0 ? 7 : 100, fa == 0 ? 100 : 7));
                    String y = b.node("Gemm", "g", List.of(a, xb), Attribute.ofInt("transA", fa),
                            Attribute.ofInt("transB", fb), Attribute.ofFloat("alpha", 1.3f));
                    return b.node("Transpose", "back", List.of(y));
                }, 7);
            }
        }
        check(in, (b, x, r) -> b.node("MatMul", "mm", List.of(x, b.initializer("m", random(r, 0.3, 5, 6)))), 4 * 5 * 6);
        check(in, (b, x, r) -> b.node("MatMul", "mm", List.of(b.initializer("m", random(r, 0.3, 3, 5)), x)), 4 * 3 * 5);
    }
}
