package netviz.ort;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import netviz.engine.Values;
import netviz.zoo.MemoryTest;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;
import org.junit.jupiter.api.Test;

/**
 * 1,000 ONNX Runtime forward passes of a small ResNet (each in its own request scope, alternating
 * two tap sets so that cached sessions are reused, and a third set every 100 passes so that a new
 * session is made and an old one closed) must grow the process's resident memory (VmRSS) by less
 * than 5% after a warm-up: an OnnxTensor, Result or session left open per call would show as
 * megabytes. Every pass must give the first pass's logits on the same input (to 1e-5: another tap
 * set may fuse other nodes). Measured by {@link MemoryTest#assertNoGrowth}: in a fresh JVM with a
 * fixed, pre-touched heap, comparing the floors of three samples 50 passes apart at the start and at
 * the end.
 */
class OrtMemoryTest {
    static final int WARMUP = 1000;

    @Test
    void thousandForwardPassesDoNotGrowResidentMemory() throws Exception {
        MemoryTest.assertNoGrowth(OrtMemoryTest.class, "ONNX Runtime forward passes");
    }

    /** The measurement, in its own JVM; prints the series and "RESULT floorBefore floorAfter" (kB). */
    public static void main(String[] args) throws IOException {
        ModelZoo.ZooModel z = ModelZoo.resnetV1(11, 2);
        float[] x = Ort.randomInput(z.inputShape(), 3);
        List<List<String>> tapSets = List.of(List.of(z.probes().get(1)), List.of(z.probes().get(4)));
        try (OrtForward ort = OrtForward.of(z.graph(), 1)) {
            float[][] first = {null};
            MemoryTest.measure(WARMUP, "ONNX Runtime passes", i -> {
                float[] logits = pass(ort, z, x, tapSets, i, first[0]);
                if (first[0] == null) {
                    first[0] = logits;
                }
            }, () -> { });
        }
    }

    private static float[] pass(OrtForward ort, ModelZoo.ZooModel z, float[] x, List<List<String>> tapSets, int i,
                                float[] first) {
        try (NDManager m = ort.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            // every 100th pass a tap set of its own: a new session, and the least recently used one closed
            List<String> taps = i % 100 == 99
                    ? List.of(z.graph().nodes().get(1 + (i / 100) % (z.graph().nodes().size() - 2)).outputs().get(0))
                    : tapSets.get(i % 2);
            Values v = ort.forward(m, Map.of(z.input(), in), taps);
            float[] logits = v.get(z.logits()).toFloatArray();
            if (first != null && !(Ort.relError(logits, first) <= 1e-5)) {
                throw new IllegalStateException("pass " + i + " gives other logits than the first on the same input");
            }
            return logits;
        }
    }
}
