package netviz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * The committed model ({@code models/fashion-mnist-cnn.onnx}) scores at least {@link #MIN_ACCURACY} on the committed
 * test split ({@code data/fashion-mnist}), evaluated through netviz's interpreter with the
 * preprocessing its metadata records, and ONNX Runtime predicts the same classes.
 */
public class BundledModelTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Path DATA = Path.of("data/fashion-mnist");
    static final int BATCH = 500;
    /** The project's target for the bundled model; the committed model scores 0.9177. */
    static final double MIN_ACCURACY = 0.91;

    @Test
    void bundledModelScoresOnTheBundledTestSplit() throws Exception {
        assertTrue(Files.size(MODEL) < 2 << 20, "model is under 2 MiB (421,642 float32 parameters)");
        Graph g = OnnxLoader.load(MODEL);
        JsonNode pre = new ObjectMapper().readTree(g.metadata().get(FashionMnistTrainer.META_PREPROCESSING));
        float mean = (float) pre.get("mean").get(0).asDouble();
        float std = (float) pre.get("std").get(0).asDouble();
        FashionMnistSplit test = FashionMnistSplit.test(DATA);
        assertEquals(10_000, test.count());

        int[] order = new int[test.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] buf = new float[BATCH * FashionMnistSplit.PIXELS];
        int correct = 0;
        int ortAgrees = 0;
        int[][] confusion = new int[10][10];
        try (Interpreter it = Interpreter.of(g)) {
            for (int from = 0; from < test.count(); from += BATCH) {
                int n = Math.min(BATCH, test.count() - from);
                test.normalised(order, from, n, mean, std, buf);
                float[] probs;
                try (NDManager m = it.newScope()) {
                    NDArray x = m.create(buf, new Shape(n, 1, 28, 28));
                    probs = it.forward(m, x).get(it.outputName()).toFloatArray();
                }
                float[][] ort = FashionMnistTrainerTest.runOrt(g, buf, n)[1];
                for (int i = 0; i < n; i++) {
                    float[] p = java.util.Arrays.copyOfRange(probs, i * 10, i * 10 + 10);
                    int predicted = FashionMnistTrainerTest.argMax(p);
                    int label = test.label(from + i);
                    confusion[label][predicted]++;
                    if (predicted == label) {
                        correct++;
                    }
                    if (FashionMnistTrainerTest.argMax(ort[i]) == predicted) {
                        ortAgrees++;
                    }
                }
            }
        }
        double accuracy = correct / (double) test.count();
        assertTrue(accuracy >= MIN_ACCURACY, "accuracy " + accuracy);
        // the accuracy recorded at training time (DJL's forward) is the one measured here
        JsonNode run = new ObjectMapper().readTree(g.metadata().get(FashionMnistTrainer.META_TRAINING));
        assertEquals(run.get("test_accuracy").asDouble(), accuracy, 2e-4);
        // ties aside, ONNX Runtime predicts the same class for every image
        assertTrue(ortAgrees >= test.count() - 2, "ONNX Runtime agrees on " + ortAgrees + " images");
        // every class is mostly recognised (Shirt is the hardest, usually about 70%)
        for (int c = 0; c < 10; c++) {
            assertTrue(confusion[c][c] > 500, "class " + c + " right " + confusion[c][c] + " times of 1000");
        }
    }
}
