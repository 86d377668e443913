package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a use-after-free between DJL and libtorch's autograd. On CPU, DJL backs an
 * array made from Java data ({@code manager.create(float[])}, and the scalar that
 * {@code NDArray.mul(Number)}, {@code div(Number)}, {@code pow(Number)}, {@code minimum(Number)}…
 * create and close at once) with a direct ByteBuffer that only the Java object keeps alive; libtorch
 * merely borrows that memory. When autograd saves such an array for the backward pass (the
 * divisor of a division, the factor of a product, Gather's indices) and the Java object is closed,
 * the next garbage collection frees memory that the autograd graph still reads: the gradient is
 * then computed from whatever the allocator wrote there (wrong, sometimes non-finite), which is
 * what MemoryTest's probe saw once in six runs.
 *
 * <p>Each case differentiates one operator twice, once plainly and once with an objective that
 * forces the garbage collector and waits for the direct-buffer cleaner between the forward pass
 * (where the ops close their temporaries) and the backward pass; both gradients must agree.
 */
public class AutogradLifetimeTest {

    /** A one-node graph (input "x") and the input shape. */
    record Case(String name, Graph graph, long[] shape) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                unary("Selu", 13, new long[] {2, 3, 4, 4}),
                unary("HardSigmoid", 13, new long[] {2, 3, 4, 4}, Attribute.ofFloat("alpha", 0.3f),
                        Attribute.ofFloat("beta", 0.4f)),
                unary("HardSwish", 14, new long[] {2, 3, 4, 4}),
                unary("LRN", 13, new long[] {2, 5, 4, 4}, Attribute.ofInt("size", 3),
                        Attribute.ofFloat("alpha", 0.5f), Attribute.ofFloat("beta", 0.75f)),
                unary("ReduceMean", 13, new long[] {2, 3, 4, 4}, Attribute.ofInts("axes", 2, 3)),
                unary("AveragePool", 19, new long[] {2, 3, 7, 7}, Attribute.ofInts("kernel_shape", 2, 2),
                        Attribute.ofInts("dilations", 2, 2)),
                withParams("Gemm", 13, new long[] {3, 6}, g -> List.of(g.initializer("B",
                        Tensor.ofFloats(new long[] {6, 4}, randomFloats(24, 1))),
                        g.initializer("C", Tensor.ofFloats(new long[] {4}, randomFloats(4, 2)))),
                        Attribute.ofFloat("alpha", 0.5f), Attribute.ofFloat("beta", 2f)),
                withParams("Mean", 13, new long[] {2, 3, 4}, g -> List.of(g.initializer("y",
                        Tensor.ofFloats(new long[] {2, 3, 4}, randomFloats(24, 3))))),
                withParams("PRelu", 13, new long[] {2, 3, 4, 4}, g -> List.of(g.initializer("slope",
                        Tensor.ofFloats(new long[] {3, 1, 1}, 0.1f, 0.2f, 0.3f)))),
                withParams("LayerNormalization", 17, new long[] {2, 3, 8}, g -> List.of(
                        g.initializer("scale", Tensor.ofFloats(new long[] {8}, randomFloats(8, 4))),
                        g.initializer("bias", Tensor.ofFloats(new long[] {8}, randomFloats(8, 5))))),
                withParams("Gather", 13, new long[] {2, 5, 3}, g -> List.of(g.initializer("idx",
                        Tensor.ofLongs(new long[] {4}, 4, 0, -1, 2))), Attribute.ofInt("axis", 1)),
                // the transformer and modern-CNN operators
                unary("Gelu", 20, new long[] {2, 3, 4}, Attribute.ofString("approximate", "tanh")),
                withParams("Resize", 13, new long[] {1, 2, 3, 4}, g -> List.of("", g.initializer("scales",
                        Tensor.ofFloats(new long[] {4}, 1, 1, 2, 1.5f))), Attribute.ofString("mode", "cubic")),
                withParams("ScatterND", 16, new long[] {4, 3}, g -> List.of(g.initializer("idx",
                        Tensor.ofLongs(new long[] {2, 1}, 1, 1)), g.initializer("upd",
                        Tensor.ofFloats(new long[] {2, 3}, randomFloats(6, 6)))), Attribute.ofString("reduction", "mul")),
                withParams("Einsum", 13, new long[] {2, 3, 4}, g -> List.of(g.initializer("k",
                        Tensor.ofFloats(new long[] {2, 5, 4}, randomFloats(40, 7)))), Attribute.ofString("equation", "bid,bjd->bij")),
                withParams("Mod", 13, new long[] {2, 3, 4}, g -> List.of(g.initializer("d",
                        Tensor.ofFloats(new long[] {4}, 0.3f, -0.7f, 0.9f, 1.1f))), Attribute.ofInt("fmod", 1))
        ).map(c -> Arguments.of(c.get()));
    }

    private static Supplier<Case> unary(String op, int opset, long[] shape, Attribute... attrs) {
        return withParams(op, opset, shape, g -> List.of(), attrs);
    }

    private static Supplier<Case> withParams(String op, int opset, long[] shape,
                                             java.util.function.Function<GraphBuilder, List<String>> params,
                                             Attribute... attrs) {
        return () -> {
            GraphBuilder g = new GraphBuilder(op.toLowerCase(), opset);
            String x = g.input("x", shape);
            List<String> inputs = new java.util.ArrayList<>(List.of(x));
            inputs.addAll(params.apply(g));
            String y = g.node(op, op.toLowerCase(), inputs, attrs);
            g.output(y);
            return new Case(op, g.build(), shape);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward(Case c) {
        try (Interpreter it = Interpreter.of(c.graph()); NDManager m = it.newScope()) {
            long n = new Shape(c.shape()).size();
            NDArray x = m.create(randomFloats((int) n, 42), new Shape(c.shape()));
            String out = it.outputName();
            Objective plain = Objective.sum(out);
            Objective collecting = Objective.of("sum after gc", Set.of(out), v -> {
                collectDirectBuffers();
                return v.get(out).sum();
            });
            float[] reference = it.gradient(m, Map.of("x", x), plain, List.of("x")).wrt("x").toFloatArray();
            for (int round = 0; round < 2; round++) {
                float[] auto = it.gradient(m, Map.of("x", x), collecting, List.of("x")).wrt("x").toFloatArray();
                assertArrayEquals(reference, auto, 1e-6f, c + ": autograd gradient after a GC");
                float[] rule = it.backward(m, Map.of("x", x), collecting, List.of("x"), BackwardRules.none())
                        .wrt("x").toFloatArray();
                assertArrayEquals(reference, rule, 1e-5f, c + ": rule-based gradient after a GC");
            }
        }
    }

    @Test
    void objectivesWithConstantsSurviveGarbageCollection() {
        try (NDManager m = Engines.newBaseManager()) {
            float[] data = randomFloats(2 * 3 * 4 * 4, 7);
            for (Objective o : List.of(Objective.channel("t", 1), Objective.sum("t").times(0.37),
                    Objective.logits("t", new int[] {0, 2}).plus(Objective.channel("t", 2).times(-1.5)))) {
                float[][] grads = new float[2][];
                for (int k = 0; k < 2; k++) {
                    try (NDManager s = m.newSubManager(); Autograd.Mode mode = Autograd.record()) {
                        NDArray t = Autograd.leaf(s.create(data, new Shape(2, 3, 4, 4)));
                        NDArray value = o.evaluate(new Values(Map.of("t", t)));
                        if (k == 1) {
                            collectDirectBuffers();
                        }
                        Autograd.backward(value);
                        grads[k] = t.getGradient().toFloatArray();
                    }
                }
                assertArrayEquals(grads[0], grads[1], 1e-7f, o.describe());
            }
            // the hand-computed gradient of the channel mean: 1/16 on channel 1, 0 elsewhere
            try (NDManager s = m.newSubManager(); Autograd.Mode mode = Autograd.record()) {
                NDArray t = Autograd.leaf(s.create(data, new Shape(2, 3, 4, 4)));
                NDArray value = Objective.channel("t", 1).evaluate(new Values(Map.of("t", t)));
                collectDirectBuffers();
                Autograd.backward(value);
                float[] g = t.getGradient().toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    float expected = (i / 16) % 3 == 1 ? 1f / 16 : 0f;
                    assertTrue(g[i] == expected, "gradient[" + i + "] = " + g[i] + ", expected " + expected);
                }
            }
        }
    }

    /**
     * Constants made by ops (Constant, ConstantOfShape, Range, Shape) used to be arrays backed by
     * Java memory: a forward pass frees such a value after its last reader, and a view of it that
     * the caller asked for (Reshape returns one) then read freed memory after the next GC.
     */
    @Test
    void viewsOfConstantsSurviveGarbageCollection() {
        GraphBuilder g = new GraphBuilder("constants", 13);
        String x = g.input("x", 2, 3);
        float[] values = {1.5f, -2f, 3.25f, 4f, -5.5f, 6f};
        String c = g.node("Constant", "const", List.of(), Attribute.ofTensor("value",
                Tensor.ofFloats(new long[] {6}, values)));
        String shapeOfX = g.node("Shape", "shape", List.of(x));
        String view = g.node("Reshape", "view", List.of(c, shapeOfX));
        String filled = g.node("ConstantOfShape", "filled", List.of(shapeOfX), Attribute.ofTensor("value",
                Tensor.ofFloats(new long[] {1}, 0.75f)));
        String filledView = g.node("Reshape", "filled_view", List.of(filled, g.initializer("flat",
                Tensor.ofLongs(new long[] {1}, 6))));
        String range = g.node("Range", "range", List.of(g.initializer("start", Tensor.ofDoubles(new long[] {}, 1)),
                g.initializer("limit", Tensor.ofDoubles(new long[] {}, 7)),
                g.initializer("delta", Tensor.ofDoubles(new long[] {}, 1))));
        String rangeView = g.node("Reshape", "range_view", List.of(range, shapeOfX));
        String shapeView = g.node("Reshape", "shape_view", List.of(shapeOfX, g.initializer("col",
                Tensor.ofLongs(new long[] {2}, 2, 1))));
        g.output(g.node("Add", "sum", List.of(x, view)));
        for (Interpreter.Options o : List.of(Interpreter.Options.defaults(),
                new Interpreter.Options(ai.djl.ndarray.types.DataType.FLOAT64))) {
            try (Interpreter it = Interpreter.of(g.build(), o); NDManager m = it.newScope()) {
                NDArray in = m.zeros(new Shape(2, 3));
                Values v = it.forward(m, in, view, filledView, rangeView, shapeView);
                collectDirectBuffers();
                for (int round = 0; round < 50; round++) {
                    // other arrays made from Java data take over freed buffers
                    m.create(new float[] {-1, -1, -1, -1, -1, -1}).close();
                }
                assertArrayEquals(values, v.get(view).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .toFloatArray(), 0f, "Reshape of a Constant");
                assertArrayEquals(new float[] {0.75f, 0.75f, 0.75f, 0.75f, 0.75f, 0.75f}, v.get(filledView)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), 0f,
                        "Reshape of ConstantOfShape");
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.get(rangeView)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), 0f, "Reshape of Range");
                assertArrayEquals(new long[] {2, 3}, v.get(shapeView).toLongArray(), "Reshape of Shape");
            }
        }
    }

    static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /**
     * Runs the garbage collector until the JDK's cleaner has freed the direct buffers that were
     * unreachable when called (a sentinel buffer allocated here is freed after them), at most ~5 s.
     */
    static void collectDirectBuffers() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        ByteBuffer sentinel = ByteBuffer.allocateDirect(64);
        long withSentinel = direct.getCount();
        sentinel = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        int quietRounds = 0;
        while (System.nanoTime() < deadline && quietRounds < 2) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (direct.getCount() < withSentinel) {
                quietRounds++;
            }
        }
    }
}
