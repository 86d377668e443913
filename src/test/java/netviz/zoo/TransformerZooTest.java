package netviz.zoo;

import java.util.List;
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
}
