package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import netviz.engine.Node;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo itself is checked by ONNX Runtime, independently of netviz: every model is valid ONNX at
 * its opset, runs, and keeps its activations of order one (so that comparisons and finite
 * differences test something); together the models use every operator the interpreter must support.
 */
public class ModelZooTest {

    static List<ZooModel> models() {
        return ModelZoo.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void validForOnnxRuntimeWithActivationsOfOrderOne(ZooModel z) throws Exception {
        try (Ort ort = Ort.of(z.graph(), z.probes(), 1)) {
            Map<String, float[]> out = ort.run(z.input(), Ort.randomInput(z.inputShape(), 7), z.inputShape());
            for (String t : z.probes()) {
                double rms = rms(out.get(t));
                assertTrue(rms > 1e-2 && rms < 1e2, z.name() + ": activation " + t + " has rms " + rms);
            }
            double logitRms = rms(out.get(z.logits()));
            assertTrue(logitRms > 1e-2 && logitRms < 1e2, z.name() + ": logits rms " + logitRms);
            assertEquals(z.inputShape()[0] * 10, out.get(z.logits()).length);
        }
    }

    @Test
    void coversTheOperatorsOfIssue2AtOpsetsSevenToEighteen() {
        Set<String> used = new TreeSet<>();
        Set<Integer> opsets = new TreeSet<>();
        Set<Long> batches = new HashSet<>();
        for (ZooModel z : ModelZoo.all()) {
            z.graph().nodes().stream().map(Node::opType).forEach(used::add);
            opsets.add(z.opset());
            batches.add(z.inputShape()[0]);
        }
        Set<String> required = Set.of("Conv", "Relu", "LRN", "MaxPool", "AveragePool", "Gemm", "Dropout", "Flatten",
                "BatchNormalization", "Add", "GlobalAveragePool", "Concat", "Clip", "HardSigmoid", "HardSwish", "Mul",
                "Sigmoid", "ReduceMean", "Reshape", "Transpose", "Split", "Slice", "Shape", "Gather", "Unsqueeze",
                "Squeeze", "Cast", "Constant", "ConstantOfShape", "Identity", "Pad", "Softmax", "MatMul");
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(used);
        assertTrue(missing.isEmpty(), "zoo does not use " + missing);
        assertTrue(opsets.contains(7) && opsets.contains(18), "opsets " + opsets);
        assertTrue(batches.size() > 1, "batch sizes " + batches);
    }

    private static double rms(float[] f) {
        double s = 0;
        for (float v : f) {
            s += v * (double) v;
        }
        return Math.sqrt(s / f.length);
    }
}
