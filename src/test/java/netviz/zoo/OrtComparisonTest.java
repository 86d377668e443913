package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model, written to ONNX bytes and read back by netviz's loader, runs through netviz's
 * interpreter and through ONNX Runtime on the same bytes; every graph output and a sample of
 * intermediate tensors (added as graph outputs for ORT) must agree with a relative error
 * {@code max|a - b| / max(1e-6, max|b|)} of at most 1e-4 per tensor, with equal shapes.
 */
public class OrtComparisonTest {
    static final double TOLERANCE = 1e-4;
    static final int MAX_PROBES = 16;
    private static final Map<String, Double> WORST = new ConcurrentSkipListMap<>();

    static List<ZooModel> models() {
        return ModelZoo.all();
    }

    /** Up to {@code max} probes, evenly spread over the model's depth. */
    static List<String> sample(List<String> probes, int max) {
        if (probes.size() <= max) {
            return probes;
        }
        List<String> s = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            s.add(probes.get((int) Math.round(i * (probes.size() - 1) / (double) (max - 1))));
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesOnnxRuntime(ZooModel z) throws Exception {
        byte[] bytes = OnnxWriter.toBytes(z.graph());
        Graph loaded = OnnxLoader.load(bytes, null, z.name());
        List<String> probes = sample(z.probes(), MAX_PROBES);
        List<String> compared = new ArrayList<>();
        loaded.outputs().forEach(o -> compared.add(o.name()));
        compared.addAll(probes);
        float[] x = Ort.randomInput(z.inputShape(), 42);
        Map<String, float[]> ref;
        try (Ort ort = Ort.of(loaded, probes, 2)) {
            ref = ort.run(z.input(), x, z.inputShape());
        }
        double worst = 0;
        StringBuilder report = new StringBuilder();
        try (Interpreter it = Interpreter.of(loaded); NDManager m = it.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            Values v = it.forward(m, Map.of(z.input(), in), probes);
            for (String t : compared) {
                float[] expected = ref.get(t);
                assertTrue(expected != null, "ONNX Runtime returned no float tensor " + t);
                NDArray a = v.get(t);
                float[] actual = a.toFloatArray();
                double err = Ort.relError(actual, expected);
                worst = Math.max(worst, err);
                report.append(String.format("  %-28s %-18s rel err %.2e%n", t, a.getShape(), err));
                assertTrue(err <= TOLERANCE, z.name() + ": tensor " + t + " " + a.getShape()
                        + " differs from ONNX Runtime by relative error " + err + "\n" + report);
            }
            // the batch dimension flows through: every graph output has the fed batch size first
            for (ValueInfo o : loaded.outputs()) {
                assertArrayEquals(new long[] {z.inputShape()[0]}, new long[] {v.get(o.name()).getShape().get(0)},
                        "batch axis of " + o.name());
            }
        }
        WORST.put(z.name(), worst);
        System.out.printf("OrtComparison %-22s %d tensors, max rel err %.2e%n", z.name(), compared.size(), worst);
    }

    @AfterAll
    static void summary() {
        double w = WORST.values().stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        System.out.printf("OrtComparison: %d models, worst max relative error %.2e (tolerance %.0e)%n", WORST.size(), w,
                TOLERANCE);
    }
}
