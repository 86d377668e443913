package netviz.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.methods.generative.GeneratorModel;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny generator training run (20 Adam steps on 320 images) lowers its loss; the G it exports
 * draws in netviz's interpreter exactly what DJL drew during training (the recorded held-out MSE
 * is reproduced), ONNX Runtime agrees with the interpreter, and the code range in its metadata is
 * the brute-force min/max of the training codes.
 */
public class GeneratorTrainerTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final int TRAIN = 320;
    static final int TEST = 100;

    @TempDir
    static Path dir;
    static GeneratorTrainer.Result result;
    static Graph exported;

    @BeforeAll
    static void trainTiny() {
        GeneratorTrainer.Options o = GeneratorTrainer.Options.defaults(MODEL).withLimit(TRAIN).withTestLimit(TEST)
                .withBatchSize(32).withEpochs(2).withLearningRate(3e-3f).withOutput(dir.resolve("g.onnx"))
                .withProgress(netviz.Progress.NONE);
        result = new GeneratorTrainer().train(o);
        exported = OnnxLoader.load(dir.resolve("g.onnx"));
    }

    @Test
    void lossDecreases() {
        double[] s = result.steps();
        assertEquals(2 * TRAIN / 32, s.length);
        double first = (s[0] + s[1] + s[2]) / 3;
        double last = (s[s.length - 1] + s[s.length - 2] + s[s.length - 3]) / 3;
        assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);
        assertTrue(result.epochs().get(1).testMse() < result.epochs().get(0).testMse() * 1.05,
                "held-out MSE " + result.epochs());
        assertEquals("relu3", result.codeLayer());
        assertEquals("pool2", result.featureLayer());
        assertEquals(128, result.codeSize());
    }

    /**
     * With the image loss off, only the chain through the classifier (the code loss, gradients
     * from the interpreter's backward pass into DJL's) trains G: a broken chain leaves this flat.
     */
    @Test
    void codeLossAloneTrainsTheGenerator() {
        GeneratorTrainer.Options o = GeneratorTrainer.Options.defaults(MODEL).withLimit(TRAIN).withTestLimit(TEST)
                .withBatchSize(32).withEpochs(2).withLearningRate(3e-3f).withWeights(0f, 1f, 0f).withOutput(null)
                .withProgress(netviz.Progress.NONE);
        GeneratorTrainer.Result r = new GeneratorTrainer().train(o);
        double[] s = r.steps();
        double first = (s[0] + s[1] + s[2]) / 3;
        double last = (s[s.length - 1] + s[s.length - 2] + s[s.length - 3]) / 3;
        assertTrue(last < 0.8 * first, "code loss " + first + " -> " + last);
        assertTrue(r.epochs().get(1).codeLoss() < r.epochs().get(0).codeLoss(), r.epochs().toString());
    }

    @Test
    void exportReproducesTrainingTimeImagesAndCodeRange() throws Exception {
        GeneratorModel gm = GeneratorModel.of(exported, "g.onnx");
        assertEquals(GeneratorModel.sha256(MODEL), gm.classifierSha256());
        assertEquals("fashion-mnist-cnn.onnx", gm.classifierName());
        JsonNode desc = new ObjectMapper().readTree(exported.metadata().get(GeneratorModel.META_GENERATOR));
        Graph c = OnnxLoader.load(MODEL);
        JsonNode pre = new ObjectMapper().readTree(c.metadata().get(FashionMnistTrainer.META_PREPROCESSING));
        float mean = (float) pre.get("mean").get(0).asDouble();
        float std = (float) pre.get("std").get(0).asDouble();
        FashionMnistSplit train = FashionMnistSplit.train(FashionMnistTrainer.DEFAULT_DATA).limit(TRAIN);
        FashionMnistSplit test = FashionMnistSplit.test(FashionMnistTrainer.DEFAULT_DATA).limit(TEST);
        try (Interpreter ci = Interpreter.of(c); Interpreter gi = Interpreter.of(exported); NDManager m = ci.newScope()) {
            // code range: brute force over the training images
            float[] codes = ci.forward(m, m.create(images(train, mean, std), new Shape(TRAIN, 1, 28, 28)), "relu3")
                    .get("relu3").toFloatArray();
            float[] min = new float[128];
            float[] max = new float[128];
            java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < codes.length; i++) {
                min[i % 128] = Math.min(min[i % 128], codes[i]);
                max[i % 128] = Math.max(max[i % 128], codes[i]);
            }
            assertArrayEquals(min, gm.min(), 1e-4f);
            assertArrayEquals(max, gm.max(), 1e-4f);
            // held-out MSE through the exported graph equals the one DJL measured at training time
            float[] x = images(test, mean, std);
            NDArray h = ci.forward(m, m.create(x, new Shape(TEST, 1, 28, 28)), "relu3").get("relu3");
            float[] img = gi.forward(m, h).get(gi.outputName()).toFloatArray();
            double sum = 0;
            for (int i = 0; i < img.length; i++) {
                double d = (img[i] - x[i]) * std;
                sum += d * d;
            }
            assertEquals(desc.get("test_mse").asDouble(), sum / img.length, 2e-5);
            assertEquals(result.testMse(), sum / img.length, 1e-5);
            // ONNX Runtime draws the same images
            float[] some = java.util.Arrays.copyOf(h.toFloatArray(), 8 * 128);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                try (OrtSession s = env.createSession(OnnxWriter.toBytes(exported), so);
                     OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(some), new long[] {8, 128});
                     OrtSession.Result res = s.run(Map.of("code", t))) {
                    float[] ort = ((OnnxTensor) res.get(0)).getFloatBuffer().array();
                    for (int i = 0; i < ort.length; i++) {
                        assertEquals(img[i], ort[i], 1e-4, "pixel " + i);
                    }
                }
            }
        }
        assertNull(exported.metadata().get("netviz.labels"));
    }

    static float[] images(FashionMnistSplit s, float mean, float std) {
        int[] order = new int[s.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] x = new float[s.count() * 784];
        s.normalised(order, 0, s.count(), mean, std, x);
        return x;
    }
}
