package netviz.ort;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.zoo.MemoryTest;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;
import org.junit.jupiter.api.Test;

/**
 * 1,000 input gradients on ONNX Runtime ({@link OrtGradient}) of a small ResNet, each in its own
 * request scope, must grow the process's resident memory (VmRSS) by less than 5% after a warm-up: a
 * seed tensor, Result, gradient graph or session left open per call would show as megabytes. The
 * calls alternate three class scores (one cached graph) and, every 50th, the mean of a channel of a
 * different layer, so that new gradient graphs are built and evicted ones closed ({@value
 * OrtGradient#MAX_GRAPHS} kept). Every class-score gradient must equal the first one of its class on
 * the same input (to 1e-5). Measured by {@link MemoryTest#assertNoGrowth}, as {@link OrtMemoryTest}.
 */
class OrtGradientMemoryTest {
    /**
     * Calls before the first sample: the process's memory settles after about 2,500–3,000 calls (native
     * allocators and ONNX Runtime's arenas for the graphs built and closed; measured: 413 MiB at the
     * start, 483 MiB from call 3,000 on, flat over the 2,000 calls after).
     */
    static final int WARMUP = 3500;

    @Test
    void thousandGradientsDoNotGrowResidentMemory() throws Exception {
        MemoryTest.assertNoGrowth(OrtGradientMemoryTest.class, "ONNX Runtime gradients");
    }

    /** The measurement, in its own JVM; prints the series and "RESULT floorBefore floorAfter" (kB). */
    public static void main(String[] args) throws IOException {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, 2);
        float[] x = Ort.randomInput(z.inputShape(), 3);
        float[][] first = new float[3][];
        try (Interpreter interpreter = Interpreter.of(z.graph());
             OrtGradient ort = OrtGradient.of(interpreter, null, line -> {
                 throw new IllegalStateException("fell back to the interpreter: " + line);
             })) {
            MemoryTest.measure(WARMUP, "ONNX Runtime gradients", i -> pass(ort, z, x, i, first), () -> { });
        }
    }

    private static void pass(OrtGradient ort, ModelZoo.ZooModel z, float[] x, int i, float[][] first) {
        try (NDManager m = ort.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            boolean layer = i % 50 == 49;
            // every 50th call the mean of a channel of one of the probes: another graph, an old one closed
            Objective o = layer ? Objective.channel(z.probes().get((i / 50) % z.probes().size()), 0)
                    : Objective.logit(z.logits(), i % 3);
            if (!ort.supports(o)) {
                throw new IllegalStateException(o + " does not run on ONNX Runtime");
            }
            Gradients g = ort.gradient(m, Map.of(z.input(), in), o, List.of(z.input()));
            float[] grad = g.wrt(z.input()).toFloatArray();
            if (!layer) {
                int c = i % 3;
                if (first[c] == null) {
                    first[c] = grad;
                } else if (!(Ort.relError(grad, first[c]) <= 1e-5)) {
                    throw new IllegalStateException("call " + i + " gives another gradient than the first for class " + c);
                }
            }
        }
    }
}
