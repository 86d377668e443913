package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.onnx.OnnxLoader;
import netviz.train.FashionMnistSplit;
import netviz.train.FashionMnistTrainer;
import org.junit.jupiter.api.Test;

/**
 * Attribution on the bundled classifier and real test images: Integrated Gradients satisfies
 * completeness within 1% at 64 steps, and Grad-CAM's default layer is a spatial map. Runs once
 * the model {@code models/fashion-mnist-cnn.onnx} is in the checkout.
 */
class BundledModelAttributionTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Path DATA = Path.of("data/fashion-mnist");

    @Test
    void integratedGradientsCompletenessWithinOnePercentAt64Steps() throws Exception {
        assumeTrue(Files.isRegularFile(MODEL), "the bundled model is not in this checkout");
        Graph g = OnnxLoader.load(MODEL);
        JsonNode pre = new ObjectMapper().readTree(g.metadata().get(FashionMnistTrainer.META_PREPROCESSING));
        float mean = (float) pre.get("mean").get(0).asDouble();
        float std = (float) pre.get("std").get(0).asDouble();
        FashionMnistSplit test = FashionMnistSplit.test(DATA);
        int n = 6;
        int[] order = {0, 1, 2, 3, 4, 5};
        float[] buf = new float[n * FashionMnistSplit.PIXELS];
        test.normalised(order, 0, n, mean, std, buf);
        // the black image in pixel space, as the paper's baseline: (0 - mean) / std in input space
        Baseline black = Baseline.constant(-mean / std);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            NDArray x = m.create(buf, new Shape(n, 1, 28, 28));
            for (Baseline base : new Baseline[] {black, Baseline.zero()}) {
                IntegratedGradients.Result r = new IntegratedGradients(it,
                        IntegratedGradients.Options.defaults().withSteps(64).withBaseline(base).withBatch(64))
                        .run(x, Target.predicted());
                for (int i = 0; i < n; i++) {
                    assertTrue(r.relativeGap(i) < 0.01, base + " image " + i + ": relative gap " + r.relativeGap(i)
                            + " (S(x) = " + r.score()[i] + ", S(x') = " + r.baselineScore()[i] + ")");
                }
            }
            String layer = GradCam.defaultLayer(it, x);
            assertEquals("relu2", layer, "the last convolution's ReLU (14 x 14), not the pooled map after it");
            Attributions cam = new GradCam(it).attribute(x, Target.predicted());
            assertEquals(3, cam.shape().length, layer);
            assertTrue(cam.shape()[1] > 1 && cam.shape()[2] > 1, layer);
        }
    }
}
