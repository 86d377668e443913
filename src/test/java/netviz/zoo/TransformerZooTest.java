package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import netviz.engine.Node;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ViT-style and Swin-style zoo models alone (at opset 17 with the erf form of GELU and
 * MatMul attention; at opset 20 with Gelu and Einsum attention; batches of one and two), through
 * the zoo's oracles: logits and intermediate tensors against ONNX Runtime, and input and
 * intermediate gradients in float64 against finite differences, with the rule-based backward
 * equal to autograd; and the zoo's check that ONNX Runtime accepts them with activations of order
 * one. (They are not in {@link ModelZoo#all()}, so the zoo-wide tests do not run them twice.)
 */
class TransformerZooTest {
    static List<ZooModel> models() {
        return List.of(ModelZoo.vit(17, 1), ModelZoo.vit(20, 2), ModelZoo.swin(17, 2), ModelZoo.swin(20, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void validForOnnxRuntimeWithActivationsOfOrderOne(ZooModel z) throws Exception {
        new ModelZooTest().validForOnnxRuntimeWithActivationsOfOrderOne(z);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsMatchOnnxRuntime(ZooModel z) throws Exception {
        new OrtComparisonTest().matchesOnnxRuntime(z);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void gradientsMatchFiniteDifferences(ZooModel z) {
        new GradientCheckTest().finiteDifferencesAndBothBackwardModes(z);
    }

    /**
     * The oracles above are the zoo's own test methods (which assert); this one checks that what they
     * run really is a transformer: attention as MatMul or Einsum with a Softmax, layer normalisation, GELU
     * (as Gelu at opset 20, written out with Erf at 17).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theModelsAreTransformers(ZooModel z) {
        Set<String> ops = z.graph().nodes().stream().map(Node::opType).collect(Collectors.toSet());
        assertTrue(ops.contains("Softmax") && (ops.contains("MatMul") || ops.contains("Einsum")), z + ": " + ops);
        assertTrue(ops.contains("LayerNormalization") || ops.contains("ReduceMean"), z + ": " + ops);
        assertTrue(ops.contains(z.opset() >= 20 ? "Gelu" : "Erf"), z + ": " + ops);
    }
}
