package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.ShapeMismatchException;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model whose batch is fixed (1 or 4, as {@code torch.onnx.export} writes it without
 * {@code dynamic_axes}) runs any batch in passes, and every verb of the interpreter gives the
 * numbers of the same model with a free batch (the oracle), in float64 so that they agree to
 * rounding: forward values, autograd gradients with respect to the input, an intermediate tensor
 * and a parameter (summed over the passes), the rule-based backward pass, and an objective that is
 * not separable over the examples.
 */
class FixedBatchTest {

    /**
     * x (B, 2, 6, 6) → conv (3 maps, 3×3, pad 1) → relu → flatten → fc (Gemm, 4 classes). The
     * flatten is ONNX Flatten, or (as exporters write {@code x.view(1, -1)}) a Reshape to
     * [B, -1] with the batch written into the graph. {@code batch} -1 is a free batch.
     */
    static Graph model(long batch, boolean reshape) {
        return model(batch, reshape ? batch : 0);
    }

    /** The same with the input's batch {@code batch} and a Reshape to [{@code reshapeBatch}, -1] (0: Flatten). */
    static Graph model(long batch, long reshapeBatch) {
        boolean reshape = reshapeBatch > 0;
        Random r = new Random(5);
        GraphBuilder g = new GraphBuilder("fixed", 13);
        String x = g.input("x", batch, 2, 6, 6);
        String w1 = g.initializer("w1", Tensor.ofFloats(new long[] {3, 2, 3, 3}, random(r, 54, 0.5)));
        String b1 = g.initializer("b1", Tensor.ofFloats(new long[] {3}, random(r, 3, 0.1)));
        String c = g.node("Conv", "conv", List.of(x, w1, b1), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String a = g.node("Relu", "relu", List.of(c));
        String f;
        if (reshape) {
            g.initializer("shape", Tensor.ofLongs(new long[] {2}, reshapeBatch, -1));
            f = g.node("Reshape", "flat", List.of(a, "shape"));
        } else {
            f = g.node("Flatten", "flat", List.of(a));
        }
        String w2 = g.initializer("w2", Tensor.ofFloats(new long[] {4, 108}, random(r, 432, 0.2)));
        String b2 = g.initializer("b2", Tensor.ofFloats(new long[] {4}, random(r, 4, 0.1)));
        g.output(g.node("Gemm", "fc", List.of(f, w2, b2), Attribute.ofInt("transB", 1)));
        return g.build();
    }

    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    static Interpreter f64(Graph g) {
        return Interpreter.of(g, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
    }

    static NDArray images(NDManager m, int n) {
        return m.create(random(new Random(11), n * 72, 1.0), new Shape(n, 2, 6, 6)).toType(DataType.FLOAT64, false);
    }

    static double[] d(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** Not separable over the examples: (Σ_n fc[n, 1])² + Σ_n relu[n, 0, 2, 3]. */
    static Objective coupled() {
        return Objective.of("coupled", java.util.Set.of("fc_out", "relu_out"), v -> {
            NDArray s = v.get("fc_out").get(":, 1").sum();
            return s.mul(s).add(v.get("relu_out").get(":, 0, 2, 3").sum());
        });
    }

    @ParameterizedTest(name = "batch {0}, reshape {1}, {2} examples")
    @CsvSource({"1, false, 5", "4, false, 5", "4, false, 3", "4, false, 8", "1, true, 5", "4, true, 9"})
    void everyVerbEqualsTheFreeBatchModel(long batch, boolean reshape, int n) {
        try (Interpreter free = f64(model(-1, false)); Interpreter fixed = f64(model(batch, reshape));
             NDManager m = free.newScope()) {
            assertEquals(0, free.fixedBatch());
            assertEquals((int) batch, fixed.fixedBatch());
            NDArray x = images(m, n);
            Map<String, NDArray> in = Map.of("x", x);
            try (NDManager s1 = free.newScope(); NDManager s2 = fixed.newScope()) {
                // forward: graph output and a tap
                Values a = free.forward(s1, in, List.of("relu"));
                Values b = fixed.forward(s2, in, List.of("relu"));
                assertArrayEquals(new long[] {n, 4}, b.get("fc_out").getShape().getShape());
                assertArrayEquals(d(a.get("fc_out")), d(b.get("fc_out")), 1e-12);
                assertArrayEquals(d(a.get("relu")), d(b.get("relu")), 1e-12);
                assertArrayEquals(d(free.tensors(s1, in, List.of("conv")).get("conv")),
                        d(fixed.tensors(s2, in, List.of("conv")).get("conv")), 1e-12);

                // autograd: input, intermediate tensor and parameter (summed over the passes)
                List<String> wrt = List.of("x", "relu_out", "w2");
                Gradients ga = free.gradient(s1, in, coupled(), wrt);
                Gradients gb = fixed.gradient(s2, in, coupled(), wrt);
                assertEquals(ga.objective(), gb.objective(), 1e-9);
                for (String w : wrt) {
                    assertArrayEquals(ga.wrt(w).getShape().getShape(), gb.wrt(w).getShape().getShape(), w);
                    assertArrayEquals(d(ga.wrt(w)), d(gb.wrt(w)), 1e-9, w);
                }
                assertTrue(norm(d(ga.wrt("x"))) > 0);

                // rule-based backward, default rules and a rule that changes Relu's gradient
                BackwardRules clamp = BackwardRules.none().with("Relu", ctx -> {
                    NDArray g = ctx.gradOutputs()[0];
                    NDArray pass = ctx.inputs()[0].gt(0).logicalAnd(g.gt(0)).toType(g.getDataType(), false);
                    return new NDArray[] {g.mul(pass)};
                });
                for (BackwardRules rules : List.of(BackwardRules.none(), clamp)) {
                    Gradients ba = free.backward(s1, in, coupled(), List.of("x", "relu_out"), rules);
                    Gradients bb = fixed.backward(s2, in, coupled(), List.of("x", "relu_out"), rules);
                    assertEquals(ba.objective(), bb.objective(), 1e-9);
                    assertArrayEquals(d(ba.wrt("x")), d(bb.wrt("x")), 1e-9);
                    assertArrayEquals(d(ba.wrt("relu_out")), d(bb.wrt("relu_out")), 1e-9);
                }
                // with no override, the rule-based pass equals autograd
                assertArrayEquals(d(gb.wrt("x")),
                        d(fixed.backward(s2, in, coupled(), List.of("x"), BackwardRules.none()).wrt("x")), 1e-9);
            }
        }
    }

    /**
     * The input leaves the batch free but the graph writes batch 1 into a Reshape to [1, -1] (as
     * {@code x.view(1, -1)} exports with {@code dynamic_axes}): it runs in passes of 1 and equals the
     * Flatten twin; a Reshape to [-1, …] or [0, …] is no hard-coded batch.
     */
    @Test
    void hardCodedBatchBehindAFreeInput() {
        try (Interpreter free = f64(model(-1, false)); Interpreter hard = f64(model(-1, 1L));
             NDManager m = free.newScope()) {
            assertEquals(0, hard.fixedBatch());
            assertEquals(1, hard.hardCodedBatch());
            assertEquals(0, free.hardCodedBatch());
            NDArray x = images(m, 3);
            Map<String, NDArray> in = Map.of("x", x);
            assertArrayEquals(d(free.forward(m, x).get("fc_out")), d(hard.forward(m, x).get("fc_out")), 1e-12);
            Gradients ga = free.gradient(m, in, coupled(), List.of("x"));
            Gradients gb = hard.gradient(m, in, coupled(), List.of("x"));
            assertArrayEquals(d(ga.wrt("x")), d(gb.wrt("x")), 1e-9);
        }
        // a Reshape of the input's shape (not of its values) to [1, -1] is no hard-coded batch
        GraphBuilder g = new GraphBuilder("shape", 13);
        String x = g.input("x", -1, 3);
        String shape = g.node("Shape", "shape", List.of(x));
        g.initializer("row", Tensor.ofLongs(new long[] {2}, 1, -1));
        g.output(g.node("Relu", "relu", List.of(x)));
        g.output(g.node("Reshape", "shape_row", List.of(shape, "row")));
        assertEquals(0, Interpreter.hardCodedBatch(g.build()));
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Without passes, a wrong shape still fails as before (only the batch axis is split). */
    @Test
    void otherAxesMustStillMatch() {
        try (Interpreter fixed = f64(model(4, false)); NDManager m = fixed.newScope()) {
            NDArray x = m.zeros(new Shape(3, 2, 5, 5), DataType.FLOAT64);
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> fixed.forward(m, x));
            assertTrue(e.getMessage().contains("[4, 2, 6, 6]"), e.getMessage());
        }
    }

    /** A tensor that depends on the input but has lost its batch axis cannot be split: one clear error. */
    @Test
    void refusesATensorWithoutBatchAxis() {
        GraphBuilder g = new GraphBuilder("flat", 13);
        String x = g.input("x", 2, 3);
        g.initializer("shape", Tensor.ofLongs(new long[] {1}, -1));
        g.output(g.node("Reshape", "flat", List.of(x, "shape")));
        try (Interpreter it = f64(g.build()); NDManager m = it.newScope()) {
            NDArray in = m.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(3, 3));
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> it.forward(m, in));
            assertTrue(e.getMessage().contains("first axis is not the batch"), e.getMessage());
            assertThrows(ShapeMismatchException.class, () -> it.gradient(m, Map.of("x", in),
                    Objective.sum("flat_out"), List.of("x")));
            // two examples (the model's batch) run as they are
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d(it.forward(m, in.get("0:2")).get("flat_out")), 0);
        }
    }
}
