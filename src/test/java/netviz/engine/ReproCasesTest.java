package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * The cases of {@code shared/repro/ConvBatchGradCheck.java} (Conv 3→8, 3×3, pad 1, 8×8 input, batch 1,
 * 2, 3, 4, 8; gradient of sum(y²) with respect to the input) computed through netviz's interpreter in
 * float32 and compared with the same interpreter in float64. On CPUs where oneDNN's kernels are broken
 * the float32 batches are 20–70 % off unless the backend guard routes around them.
 */
class ReproCasesTest {

    static Graph conv() {
        Random r = new Random(0);
        GraphBuilder g = new GraphBuilder("repro", 13);
        String x = g.input("x", -1, 3, 8, 8);
        float[] w = new float[8 * 3 * 9];
        float[] b = new float[8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        String y = g.node("Conv", "conv", List.of(x, g.initializer("w", Tensor.ofFloats(new long[] {8, 3, 3, 3}, w)),
                        g.initializer("b", Tensor.ofFloats(new long[] {8}, b))),
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        g.output(g.node("Mul", "square", List.of(y, y)));
        return g.build();
    }

    @Test
    void float32GradientsMatchFloat64AtEveryBatchSize() {
        Graph graph = conv();
        try (Interpreter f32 = Interpreter.of(graph);
             Interpreter f64 = Interpreter.of(graph, Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
             NDManager m = f32.newScope()) {
            Random r = new Random(1);
            for (int n : new int[] {1, 2, 3, 4, 8}) {
                float[] v = new float[n * 3 * 64];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextGaussian();
                }
                NDArray x = m.create(v, new Shape(n, 3, 8, 8));
                Objective o = Objective.sum("square_out");
                double[] g32 = f32.gradient(m, Map.of("x", x), o, List.of("x")).wrt("x")
                        .toType(DataType.FLOAT64, false).toDoubleArray();
                double[] g64 = f64.gradient(m, Map.of("x", x.toType(DataType.FLOAT64, false)), o, List.of("x"))
                        .wrt("x").toDoubleArray();
                double diff = 0;
                double scale = 0;
                for (int i = 0; i < g64.length; i++) {
                    diff = Math.max(diff, Math.abs(g32[i] - g64[i]));
                    scale = Math.max(scale, Math.abs(g64[i]));
                }
                double rel = diff / scale;
                assertTrue(rel < 1e-5, "batch " + n + ": float32 input gradient off by " + rel + " relative");
            }
        }
    }
}
