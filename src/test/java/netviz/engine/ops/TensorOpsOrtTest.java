package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Small graphs in the shapes exporters emit (PyTorch's flatten chain, squeeze-and-excitation,
 * channel shuffle, ...) and opset-specific forms the upstream node tests (opset 17 and below) do
 * not reach (opset 18 axes inputs, Split's num_outputs, opset 6 legacy broadcast is not in ONNX
 * Runtime), run by netviz and by ONNX Runtime on the same file, with a batch of two, in float32
 * and float64 interpreters. Floating outputs must agree to 1e-5 relative, integer ones exactly.
 */
class TensorOpsOrtTest {

    record Case(String name, int opset, Map<String, Tensor> inputs, Consumer<GraphBuilder> body, List<String> outputs) {
    }

    static Tensor randomFloats(Random r, long... shape) {
        float[] v = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.ofFloats(shape, v);
    }

    static Tensor longs(long... v) {
        return Tensor.ofLongs(new long[] {v.length}, v);
    }

    static Tensor scalarLong(long v) {
        return Tensor.ofLongs(new long[0], v);
    }

    static List<Case> cases() {
        Random r = new Random(7);
        List<Case> c = new ArrayList<>();
        Tensor x4 = randomFloats(r, 2, 3, 4, 4);
        c.add(new Case("PyTorch flatten chain (opset 9)", 9, Map.of("x", x4), b -> {
            String s = b.node("Shape", "shape", List.of("x"));
            String n = b.node("Gather", "gather", List.of(s, b.initializer("zero", scalarLong(0))),
                    Attribute.ofInt("axis", 0));
            String u = b.node("Unsqueeze", "unsq", List.of(n), Attribute.ofInts("axes", 0));
            String cat = b.node("Concat", "cat", List.of(u, b.initializer("m1", longs(-1))),
                    Attribute.ofInt("axis", 0));
            b.node("Reshape", "flat", List.of("x", cat));
        }, List.of("flat_out", "cat_out")));
        c.add(new Case("squeeze-and-excitation (opset 18 ReduceMean axes input)", 18, Map.of("x", x4), b -> {
            String m = b.node("ReduceMean", "gap", List.of("x", b.initializer("axes", longs(2, 3))));
            String sg = b.node("HardSigmoid", "hs", List.of(m));
            String sw = b.node("HardSwish", "hsw", List.of("x"));
            b.node("Mul", "scale", List.of(sw, sg));
        }, List.of("scale_out", "gap_out")));
        c.add(new Case("reductions (opset 13 attributes)", 13, Map.of("x", x4), b -> {
            b.node("ReduceMax", "rmax", List.of("x"), Attribute.ofInts("axes", 1, 3), Attribute.ofInt("keepdims", 0));
            b.node("ReduceMin", "rmin", List.of("x"), Attribute.ofInts("axes", -1));
            b.node("ReduceSum", "rsum", List.of("x", b.initializer("ax", longs(0, 2))));
            b.node("ReduceL2", "rl2", List.of("x"));
            b.node("ReduceLogSumExp", "rlse", List.of("x"), Attribute.ofInts("axes", 1));
            b.node("ArgMax", "amax", List.of("x"), Attribute.ofInt("axis", 2), Attribute.ofInt("keepdims", 0),
                    Attribute.ofInt("select_last_index", 1));
            b.node("ArgMin", "amin", List.of("x"), Attribute.ofInt("axis", -1));
        }, List.of("rmax_out", "rmin_out", "rsum_out", "rl2_out", "rlse_out", "amax_out", "amin_out")));
        c.add(new Case("channel shuffle (opset 13)", 13, Map.of("x", randomFloats(r, 2, 6, 3, 3)), b -> {
            String a = b.node("Reshape", "r1", List.of("x", b.initializer("s1", longs(0, 2, 3, 3, 3))));
            String t = b.node("Transpose", "t", List.of(a), Attribute.ofInts("perm", 0, 2, 1, 3, 4));
            String f = b.node("Reshape", "r2", List.of(t, b.initializer("s2", longs(2, -1, 3, 3))));
            b.node("Split", "split", List.of(f, b.initializer("parts", longs(2, 4))), List.of("left", "right"),
                    Attribute.ofInt("axis", 1));
        }, List.of("left", "right")));
        c.add(new Case("Split num_outputs uneven (opset 18)", 18, Map.of("x", randomFloats(r, 2, 7)), b ->
                b.node("Split", "split", List.of("x"), List.of("a", "b", "c"), Attribute.ofInt("axis", -1),
                        Attribute.ofInt("num_outputs", 3)), List.of("a", "b", "c")));
        c.add(new Case("Slice negative steps and INT64 bounds (opset 13)", 13, Map.of("x", randomFloats(r, 2, 5, 6)), b -> {
            b.node("Slice", "s1", List.of("x", b.initializer("st", longs(Long.MAX_VALUE, -2)),
                    b.initializer("en", longs(Long.MIN_VALUE, 0)), b.initializer("ax", longs(2, 1)),
                    b.initializer("sp", longs(-2, -3))));
            b.node("Slice", "s2", List.of("x", b.initializer("st2", longs(1, -4)),
                    b.initializer("en2", longs(Long.MAX_VALUE, 1000)), b.initializer("ax2", longs(-1, 1))));
            b.node("Slice", "s3", List.of("x", b.initializer("st3", longs(-1, 0)),
                    b.initializer("en3", longs(Long.MIN_VALUE, Long.MAX_VALUE)), b.initializer("ax3", longs(1, 2)),
                    b.initializer("sp3", longs(-Long.MAX_VALUE, Long.MAX_VALUE))));
        }, List.of("s1_out", "s2_out", "s3_out")));
        c.add(new Case("Shape start/end, Size, Squeeze/Unsqueeze inputs (opset 15)", 15, Map.of("x", randomFloats(r, 2, 1, 3, 1)), b -> {
            b.node("Shape", "sh", List.of("x"), Attribute.ofInt("start", 1), Attribute.ofInt("end", -1));
            b.node("Size", "size", List.of("x"));
            String q = b.node("Squeeze", "sq", List.of("x", b.initializer("qa", longs(-1, 1))));
            b.node("Unsqueeze", "us", List.of(q, b.initializer("ua", longs(-1, 1))));
            b.node("Squeeze", "sqall", List.of("x"));
        }, List.of("sh_out", "size_out", "us_out", "sqall_out")));
        c.add(new Case("Clip forms (opsets 11 and 6 semantics)", 12, Map.of("x", randomFloats(r, 2, 3, 4)), b -> {
            b.node("Clip", "c1", List.of("x", "", b.initializer("hi", Tensor.ofFloats(new long[0], 0.5f))));
            b.node("Clip", "c2", List.of("x", b.initializer("lo", Tensor.ofFloats(new long[0], -0.25f))));
            b.node("Clip", "c3", List.of("x"));
        }, List.of("c1_out", "c2_out", "c3_out")));
        c.add(new Case("Expand, Tile, ConstantOfShape, Range, Where (opset 13)", 13,
                Map.of("x", randomFloats(r, 2, 1, 3)), b -> {
            b.node("Expand", "ex", List.of("x", b.initializer("es", longs(3, 1, 4, 1))));
            b.node("Tile", "ti", List.of("x", b.initializer("reps", longs(2, 3, 1))));
            b.node("ConstantOfShape", "cos", List.of(b.initializer("cs", longs(2, 3))),
                    Attribute.ofTensor("value", Tensor.ofLongs(new long[] {1}, 7)));
            b.node("Range", "rg", List.of(b.initializer("r0", scalarLong(10)), b.initializer("r1", scalarLong(-3)),
                    b.initializer("r2", scalarLong(-4))));
            b.node("Range", "rgf", List.of(b.initializer("f0", Tensor.ofFloats(new long[0], 0.5f)),
                    b.initializer("f1", Tensor.ofFloats(new long[0], 2.3f)),
                    b.initializer("f2", Tensor.ofFloats(new long[0], 0.4f))));
            String pos = b.node("Greater", "pos", List.of("x", b.initializer("z", Tensor.ofFloats(new long[0], 0f))));
            b.node("Where", "wh", List.of(pos, "x", b.node("Neg", "neg", List.of("x"))));
        }, List.of("ex_out", "ti_out", "cos_out", "rg_out", "rgf_out", "wh_out")));
        c.add(new Case("integer arithmetic and casts (opset 13)", 13,
                Map.of("a", Tensor.ofLongs(new long[] {2, 3}, -7, 7, -7, 9, -9, 1),
                        "x", Tensor.ofFloats(new long[] {2, 3}, -2.7f, 2.7f, 0f, 1.5f, -0.5f, 3.99f)), b -> {
            b.node("Div", "div", List.of("a", b.initializer("d", longs(2, -2, -2))));
            b.node("Cast", "toint", List.of("x"), Attribute.ofInt("to", 6));
            b.node("Cast", "tobool", List.of("x"), Attribute.ofInt("to", 9));
            b.node("Cast", "tofloat", List.of("a"), Attribute.ofInt("to", 1));
            b.node("Pow", "pow", List.of("a", b.initializer("e", Tensor.ofFloats(new long[0], 2f))));
            b.node("Equal", "eq", List.of("a", b.initializer("seven", scalarLong(7))));
            b.node("Not", "not", List.of("eq_out"));
            b.node("Gather", "g", List.of("x", b.initializer("gi", Tensor.ofInts(new long[] {2}, -1, 0))),
                    Attribute.ofInt("axis", 1));
            b.node("Constant", "k", List.of(), Attribute.ofInts("value_ints", 3, -1));
            b.node("Constant", "kf", List.of(), Attribute.ofFloat("value_float", 0.25f));
            b.node("Mul", "scaled", List.of("x", "kf_out"));
        }, List.of("div_out", "toint_out", "tobool_out", "tofloat_out", "pow_out", "eq_out", "not_out", "g_out",
                "k_out", "scaled_out")));
        c.add(new Case("variadic Sum/Mean/Max/Min with broadcasting, PRelu, Softplus, Erf (opset 13)", 13,
                Map.of("x", x4), b -> {
            String w = b.initializer("w", Tensor.ofFloats(new long[] {3, 1, 1}, 0.1f, -0.2f, 0.3f));
            String v = b.initializer("v", Tensor.ofFloats(new long[] {4}, 1f, -1f, 0.5f, 0f));
            b.node("Sum", "sum", List.of("x", w, v));
            b.node("Mean", "mean", List.of("x", w, v));
            b.node("Max", "max", List.of("x", w, v));
            b.node("Min", "min", List.of("x", w));
            b.node("PRelu", "prelu", List.of("x", w));
            b.node("Softplus", "sp", List.of("x"));
            b.node("Erf", "erf", List.of("x"));
            b.node("Selu", "selu", List.of("x"));
            b.node("Elu", "elu", List.of("x"), Attribute.ofFloat("alpha", 0.5f));
            b.node("LeakyRelu", "lrelu", List.of("x"));
        }, List.of("sum_out", "mean_out", "max_out", "min_out", "prelu_out", "sp_out", "erf_out", "selu_out",
                "elu_out", "lrelu_out")));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> agreesWithOnnxRuntime() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name, () -> check(k)));
    }

    static void check(Case k) throws Exception {
        GraphBuilder b = new GraphBuilder("ort", k.opset);
        for (Map.Entry<String, Tensor> e : new java.util.TreeMap<>(k.inputs).entrySet()) {
            b.input(e.getKey(), e.getValue().type(), e.getValue().shape());
        }
        k.body.accept(b);
        for (String o : k.outputs) {
            b.output(new ValueInfo(o, null, null, List.of()));
        }
        Graph g = b.build();
        Map<String, double[]> want = new LinkedHashMap<>();
        Map<String, long[]> wantShape = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxWriter.toBytes(g), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : k.inputs.entrySet()) {
                feeds.put(e.getKey(), ort(env, e.getValue()));
            }
            try (OrtSession.Result res = s.run(feeds)) {
                for (String o : k.outputs) {
                    OnnxTensor t = (OnnxTensor) res.get(o).orElseThrow();
                    want.put(o, values(t));
                    wantShape.put(o, t.getInfo().getShape());
                }
            } finally {
                feeds.values().forEach(OnnxValue::close);
            }
        }
        for (DataType p : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            try (Interpreter it = Interpreter.of(g, new Interpreter.Options(p)); NDManager m = it.newScope()) {
                Map<String, NDArray> feeds = new LinkedHashMap<>();
                k.inputs.forEach((n, t) -> feeds.put(n, t.toNDArray(m, p)));
                Values v = it.forward(m, feeds, List.of());
                for (String o : k.outputs) {
                    NDArray got = v.get(o);
                    String what = k.name + " [" + p + "] " + o;
                    assertArrayEquals(wantShape.get(o), got.getShape().getShape(), what + ": shape");
                    double[] gv = Tensor.of(got).toDoubleArray();
                    double[] wv = want.get(o);
                    assertEquals(wv.length, gv.length, what);
                    boolean exact = !got.getDataType().isFloating();
                    for (int i = 0; i < wv.length; i++) {
                        double tol = exact ? 0 : 1e-6 + 1e-5 * Math.abs(wv[i]);
                        assertTrue(Math.abs(wv[i] - gv[i]) <= tol || (Double.isNaN(wv[i]) && Double.isNaN(gv[i])),
                                what + ": element " + i + " is " + gv[i] + ", ONNX Runtime says " + wv[i]);
                    }
                }
            }
        }
    }

    static OnnxTensor ort(OrtEnvironment env, Tensor t) throws Exception {
        ByteBuffer raw = t.data();
        ByteBuffer direct = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
        direct.put(raw.order(ByteOrder.LITTLE_ENDIAN)).flip();
        OnnxJavaType jt;
        switch (t.type()) {
            case FLOAT: jt = OnnxJavaType.FLOAT; break;
            case DOUBLE: jt = OnnxJavaType.DOUBLE; break;
            case INT64: jt = OnnxJavaType.INT64; break;
            case INT32: jt = OnnxJavaType.INT32; break;
            case BOOL: jt = OnnxJavaType.BOOL; break;
            default: throw new IllegalArgumentException(t.type().toString());
        }
        return OnnxTensor.createTensor(env, direct, t.shape(), jt);
    }

    static double[] values(OnnxTensor t) {
        int n = (int) t.getInfo().getNumElements();
        double[] out = new double[n];
        switch (t.getInfo().type) {
            case FLOAT: { var b = t.getFloatBuffer(); for (int i = 0; i < n; i++) { out[i] = b.get(i); } break; }
            case DOUBLE: { var b = t.getDoubleBuffer(); for (int i = 0; i < n; i++) { out[i] = b.get(i); } break; }
            case INT64: { var b = t.getLongBuffer(); for (int i = 0; i < n; i++) { out[i] = b.get(i); } break; }
            case INT32: { var b = t.getIntBuffer(); for (int i = 0; i < n; i++) { out[i] = b.get(i); } break; }
            case BOOL: case INT8: { var b = t.getByteBuffer(); for (int i = 0; i < n; i++) { out[i] = b.get(i); } break; }
            case UINT8: { var b = t.getByteBuffer(); for (int i = 0; i < n; i++) { out[i] = Byte.toUnsignedInt(b.get(i)); } break; }
            default: throw new IllegalArgumentException(t.getInfo().type.toString());
        }
        return out;
    }
}
