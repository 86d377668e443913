package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import netviz.cli.Main;
import netviz.engine.Attribute;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small quantized classifier in the QOperator form ONNX Runtime's quantizer writes:
 * QuantizeLinear → QLinearConv (int8 weights, per-channel scales, int32 bias) → Reshape →
 * QLinearMatMul → DequantizeLinear. Oracles: ONNX Runtime for the forward pass (every quantized
 * value within one step, almost all exact), and, for the input gradient, finite differences in
 * ONNX Runtime of the float twin (the same network with dequantized weights and no rounding),
 * which is what netviz's straight-through gradient must equal while nothing saturates.
 */
class QuantizedModelTest {
    static final int N = 2;
    static final float SX = 0.02f;
    static final int ZX = 128;
    static final float[] SW = {0.01f, 0.02f, 0.015f, 0.012f};
    static final float S1 = 0.05f;
    static final int Z1 = 120;
    static final float SB = 0.01f;
    static final float S2 = 0.1f;
    static final int Z2 = 128;

    static Tensor bytes(Tensor.ElementType t, long[] shape, int... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length);
        for (int x : v) {
            b.put((byte) x);
        }
        b.flip();
        return new Tensor(t, shape, b);
    }

    static Tensor u8(int v) {
        return bytes(Tensor.ElementType.UINT8, new long[0], v);
    }

    static Tensor f(float v) {
        return Tensor.ofFloats(new long[0], v);
    }

    static final int[] W = new int[4 * 9];
    static final int[] BIAS = new int[4];
    static final int[] B = new int[64 * 10];

    static {
        Random r = new Random(5);
        for (int i = 0; i < W.length; i++) {
            W[i] = r.nextInt(61) - 30;
        }
        for (int i = 0; i < BIAS.length; i++) {
            BIAS[i] = r.nextInt(2001) - 1000;
        }
        for (int i = 0; i < B.length; i++) {
            B[i] = r.nextInt(41) - 20;
        }
    }

    static Graph quantized() {
        GraphBuilder g = new GraphBuilder("qmodel", 13);
        String x = g.input("x", -1, 1, 6, 6);
        String sx = g.initializer("sx", f(SX));
        String zx = g.initializer("zx", u8(ZX));
        String xq = g.node("QuantizeLinear", "quant", List.of(x, sx, zx));
        String w = g.initializer("w", bytes(Tensor.ElementType.INT8, new long[] {4, 1, 3, 3}, W));
        String sw = g.initializer("sw", Tensor.ofFloats(new long[] {4}, SW));
        String zw = g.initializer("zw", bytes(Tensor.ElementType.INT8, new long[] {4}, 0, 0, 0, 0));
        String s1 = g.initializer("s1", f(S1));
        String z1 = g.initializer("z1", u8(Z1));
        String bias = g.initializer("bias", Tensor.ofInts(new long[] {4}, BIAS));
        String conv = g.node("QLinearConv", "qconv", List.of(xq, sx, zx, w, sw, zw, s1, z1, bias),
                Attribute.ofInts("kernel_shape", 3, 3));
        String flat = g.node("Reshape", "flat", List.of(conv, g.initializer("shape", Tensor.ofLongs(new long[] {2}, -1, 64))));
        String b = g.initializer("b", bytes(Tensor.ElementType.INT8, new long[] {64, 10}, B));
        String mm = g.node("QLinearMatMul", "qmm", List.of(flat, s1, z1, b, g.initializer("sb", f(SB)),
                g.initializer("zb", bytes(Tensor.ElementType.INT8, new long[0], 0)), g.initializer("s2", f(S2)),
                g.initializer("z2", u8(Z2))));
        g.output(g.node("DequantizeLinear", "logits", List.of(mm, g.initializer("s2d", f(S2)), g.initializer("z2d", u8(Z2)))));
        g.output(new ValueInfo("quant_out", null, null, List.of()));
        g.output(new ValueInfo("qconv_out", null, null, List.of()));
        g.output(new ValueInfo("qmm_out", null, null, List.of()));
        return g.build();
    }

    /** The float twin: Conv with w·sw and bias·sx·sw, Reshape, MatMul with b·sb. */
    static Graph twin() {
        GraphBuilder g = new GraphBuilder("twin", 13);
        String x = g.input("x", -1, 1, 6, 6);
        float[] wf = new float[W.length];
        for (int i = 0; i < W.length; i++) {
            wf[i] = W[i] * SW[i / 9];
        }
        float[] bf = new float[4];
        for (int m = 0; m < 4; m++) {
            bf[m] = BIAS[m] * SX * SW[m];
        }
        float[] mf = new float[B.length];
        for (int i = 0; i < B.length; i++) {
            mf[i] = B[i] * SB;
        }
        String c = g.node("Conv", "conv", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {4, 1, 3, 3}, wf)),
                g.initializer("b", Tensor.ofFloats(new long[] {4}, bf))), Attribute.ofInts("kernel_shape", 3, 3));
        String flat = g.node("Reshape", "flat", List.of(c, g.initializer("shape", Tensor.ofLongs(new long[] {2}, -1, 64))));
        g.output(g.node("MatMul", "logits", List.of(flat, g.initializer("m", Tensor.ofFloats(new long[] {64, 10}, mf)))));
        return g.build();
    }

    static float[] input() {
        Random r = new Random(9);
        float[] x = new float[N * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    static Map<String, double[]> ort(Graph g, float[] x, List<String> names) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxWriter.toBytes(g), new OrtSession.SessionOptions());
             OnnxTensor in = TensorOpsOrtTest.ort(env, Tensor.ofFloats(new long[] {N, 1, 6, 6}, x));
             OrtSession.Result res = s.run(Map.of("x", in))) {
            Map<String, double[]> out = new java.util.LinkedHashMap<>();
            for (String n : names) {
                out.put(n, TensorOpsOrtTest.values((OnnxTensor) res.get(n).orElseThrow()));
            }
            return out;
        }
    }

    @Test
    void forwardMatchesOnnxRuntimeWithinOneQuantizationStep() throws Exception {
        Graph g = quantized();
        float[] x = input();
        List<String> names = List.of("quant_out", "qconv_out", "qmm_out", "logits_out");
        Map<String, double[]> want = ort(g, x, names);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            Values v = it.forward(m, Map.of("x", m.create(x, new Shape(N, 1, 6, 6))), names);
            for (String n : names) {
                double[] w = want.get(n);
                double[] got = Tensor.of(v.get(n)).toDoubleArray();
                assertEquals(w.length, got.length, n);
                double step = n.equals("logits_out") ? S2 : 1;
                int exact = 0;
                for (int i = 0; i < w.length; i++) {
                    double d = Math.abs(w[i] - got[i]);
                    assertTrue(d <= step * 1.0001 + 1e-6, n + " element " + i + ": " + got[i] + ", ONNX Runtime " + w[i]);
                    exact += d <= 1e-5 ? 1 : 0;
                }
                System.out.println("QuantizedModel " + n + ": " + exact + " of " + w.length + " equal ONNX Runtime's");
                assertTrue(exact >= 0.97 * w.length, n + ": only " + exact + " of " + w.length + " equal ONNX Runtime's");
            }
            // nothing saturates at this input, so the straight-through gradient is the float twin's
            for (String n : List.of("quant_out", "qconv_out", "qmm_out")) {
                for (double q : want.get(n)) {
                    assertTrue(q > 0 && q < 255, n + " saturates: " + q);
                }
            }
        }
    }

    @Test
    void inputGradientIsTheDequantizedNetworksGradient() throws Exception {
        float[] x = input();
        Random r = new Random(13);
        double[] weights = new double[N * 10];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = r.nextGaussian();
        }
        // finite differences of the float twin in ONNX Runtime (it is affine, so they are exact up to rounding)
        Graph twin = twin();
        double eps = 0.05;
        double[] fd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float[] p = x.clone();
            float[] q = x.clone();
            p[i] += (float) eps;
            q[i] -= (float) eps;
            double[] lp = ort(twin, p, List.of("logits_out")).get("logits_out");
            double[] lq = ort(twin, q, List.of("logits_out")).get("logits_out");
            double s = 0;
            for (int k = 0; k < weights.length; k++) {
                s += weights[k] * (lp[k] - lq[k]);
            }
            fd[i] = s / (2 * eps);
        }
        try (Interpreter it = Interpreter.of(quantized()); NDManager m = it.newScope()) {
            NDArray w = m.create(weights, new Shape(N, 10)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            Objective obj = Objective.of("weighted logits", Set.of("logits_out"), v -> v.get("logits_out").mul(w).sum());
            NDArray x0 = m.create(x, new Shape(N, 1, 6, 6));
            Gradients auto = it.gradient(m, Map.of("x", x0), obj, List.of("x"));
            Gradients rule = it.backward(m, Map.of("x", x0), obj, List.of("x"), BackwardRules.none());
            float[] ga = auto.wrt("x").toFloatArray();
            float[] gr = rule.wrt("x").toFloatArray();
            double scale = 0;
            for (double d : fd) {
                scale = Math.max(scale, Math.abs(d));
            }
            assertTrue(scale > 0.01, "the gradient is not trivially zero");
            for (int i = 0; i < x.length; i++) {
                assertEquals(fd[i], ga[i], 1e-3 * scale, "autograd, input element " + i);
                assertEquals(ga[i], gr[i], 1e-6 * scale, "node-by-node backward, input element " + i);
            }
        }
    }

    /**
     * The dynamic-quantization pattern of ONNX Runtime's quantizer for a linear layer:
     * DynamicQuantizeLinear(x) → MatMulInteger with int8 weights → Cast to float → Mul by
     * x_scale · w_scale; and ConvInteger on the same quantized input. Against ONNX Runtime.
     */
    @Test
    void dynamicQuantizationMatchesOnnxRuntime() throws Exception {
        GraphBuilder g = new GraphBuilder("dynamic", 13);
        String x = g.input("x", -1, 1, 6, 6);
        g.node("DynamicQuantizeLinear", "dq", List.of(x), List.of("xq", "xs", "xz"));
        String flat = g.node("Reshape", "flat", List.of("xq", g.initializer("shape", Tensor.ofLongs(new long[] {2}, -1, 36))));
        String w = g.initializer("w", bytes(Tensor.ElementType.INT8, new long[] {36, 10}, java.util.Arrays.copyOf(B, 360)));
        String mm = g.node("MatMulInteger", "mm", List.of(flat, w, "xz"));
        String f = g.node("Cast", "cast", List.of(mm), Attribute.ofInt("to", 1));
        String scale = g.node("Mul", "scale", List.of("xs", g.initializer("ws", f(0.01f))));
        g.output(g.node("Mul", "logits", List.of(f, scale)));
        // ONNX Runtime's ConvInteger takes uint8 weights: W + 128 with zero point 128
        String wc = g.initializer("wc", bytes(Tensor.ElementType.UINT8, new long[] {4, 1, 3, 3},
                java.util.Arrays.stream(W).map(v -> v + 128).toArray()));
        g.node("ConvInteger", "convint", List.of("xq", wc, "xz", g.initializer("wz", u8(128))), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        g.output(new ValueInfo("convint_out", null, null, List.of()));
        Graph graph = g.build();
        float[] in = input();
        List<String> names = List.of("logits_out", "convint_out");
        Map<String, double[]> want = ort(graph, in, names);
        try (Interpreter it = Interpreter.of(graph); NDManager m = it.newScope()) {
            Values v = it.forward(m, Map.of("x", m.create(in, new Shape(N, 1, 6, 6))), names);
            for (String n : names) {
                double[] got = Tensor.of(v.get(n)).toDoubleArray();
                double[] w2 = want.get(n);
                assertEquals(w2.length, got.length, n);
                for (int i = 0; i < w2.length; i++) {
                    assertEquals(w2[i], got[i], 1e-5 * (1 + Math.abs(w2[i])), n + " element " + i);
                }
            }
        }
    }

    @Test
    void infoRunsAndSaysOnceThatTheModelIsDequantized(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.onnx");
        Files.write(file, OnnxWriter.toBytes(quantized()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "info", "--model", file.toString());
        assertEquals(0, code, err.toString());
        String[] lines = err.toString().strip().split("\\R");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].startsWith("netviz: warning: quantized model (DequantizeLinear, QLinearConv, QLinearMatMul, "
                + "QuantizeLinear): netviz dequantizes it"), lines[0]);
        assertTrue(out.toString().contains("QLinearConv"), out.toString());
        // int8 weights and the int32 bias are parameters (36 + 4 + 640), scales and zero points are not;
        // QLinearConv and QLinearMatMul count multiply-adds as Conv (64 outputs × 9) and MatMul (10 × 64)
        assertTrue(out.toString().contains("parameters     680 "), out.toString());
        assertTrue(out.toString().contains("multiply-adds  1,216 "), out.toString());
    }
}
