package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.unit.Units;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Activation maximization on the bundled Fashion-MNIST model (skipped where the model is absent). */
class BundledModelMaximizationTest {
    @Test
    void classImagesAreConfidentAndTheObjectiveRisesALot() {
        Path p = Path.of("models", "fashion-mnist-cnn.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(p), "bundled model not present");
        Graph g = OnnxLoader.load(p);
        Preprocessing pre = ModelConfig.of(g).resolvePreprocessing(null, g);
        int[] targets = {0, 5, 9};
        try (Interpreter ip = Interpreter.of(g)) {
            ActivationMaximization am = new ActivationMaximization(ip, pre.mean(), pre.std());
            ActivationMaximization.Result r = am.run(new Units(ScoreTensor.find(g), targets, null, null),
                    ActivationMaximization.Options.defaults().withIterations(60).withRegularizers(Regularizers.yosinski()),
                    null);
            try (NDManager m = ip.newScope()) {
                float[] prob = ip.forward(m, m.create(r.input(), new Shape(r.shape()))).get(g.outputs().get(0).name())
                        .toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < targets.length; i++) {
                    assertTrue(prob[i * 10 + targets[i]] > 0.9, "class " + targets[i] + ": " + prob[i * 10 + targets[i]]);
                    assertTrue(r.end()[i] > 5 + 10 * Math.abs(r.start()[i]), r.start()[i] + " -> " + r.end()[i]);
                }
            }
            ActivationMaximization.Result c = am.run(Units.repeat("relu2", 5, null, 1),
                    ActivationMaximization.Options.defaults().withIterations(60).withInit(ActivationMaximization.Init.NOISE,
                            null), null);
            assertTrue(c.end()[0] > 10 * Math.max(0.05, Math.abs(c.start()[0])), c.start()[0] + " -> " + c.end()[0]);
        }
    }
}
