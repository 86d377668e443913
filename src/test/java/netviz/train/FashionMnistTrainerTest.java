package netviz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Values;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short training run (one epoch on 3,000 images) learns, and the model it exports runs the same
 * in DJL (the training forward), ONNX Runtime and netviz's interpreter.
 */
public class FashionMnistTrainerTest {
    static final Path DATA = FashionMnistTrainer.DEFAULT_DATA;
    static final int CHECK = FashionMnistTrainer.CHECK_IMAGES;

    @TempDir
    static Path dir;
    static FashionMnistTrainer.Result result;
    static Graph loaded;
    static float[] inputs;

    @BeforeAll
    static void trainShort() {
        FashionMnistTrainer.Options o = FashionMnistTrainer.Options.defaults().withEpochs(1).withLimit(3000)
                .withTestLimit(2000).withOutput(dir.resolve("short.onnx")).withProgress(netviz.Progress.NONE);
        result = new FashionMnistTrainer().train(o);
        loaded = OnnxLoader.load(dir.resolve("short.onnx"));
        FashionMnistSplit test = FashionMnistSplit.test(DATA);
        inputs = new float[CHECK * FashionMnistSplit.PIXELS];
        int[] order = new int[CHECK];
        for (int i = 0; i < CHECK; i++) {
            order[i] = i;
        }
        test.normalised(order, 0, CHECK, result.mean(), result.std(), inputs);
    }

    @Test
    void shortRunLearns() {
        assertEquals(3000, result.trainImages());
        assertEquals(2000, result.testImages());
        assertEquals(1, result.epochs().size());
        // chance is 0.10; one epoch of 24 Adam steps on 3,000 images reaches about 0.7
        assertTrue(result.testAccuracy() > 0.6, "test accuracy " + result.testAccuracy());
        assertTrue(result.epochs().get(0).loss() < Math.log(10), "loss " + result.epochs().get(0).loss());
        // the normalisation constants are those of the 3,000 training images
        double[] ms = FashionMnistSplit.train(DATA).limit(3000).pixelMeanStd();
        assertEquals(ms[0], result.mean(), 1e-6);
        assertEquals(ms[1], result.std(), 1e-6);
    }

    @Test
    void exportHasNamedLayersAndMetadata() throws Exception {
        List<String> names = loaded.nodes().stream().map(Node::name).collect(Collectors.toList());
        assertEquals(List.of("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2",
                "softmax"), names);
        for (Node n : loaded.nodes()) {
            assertEquals(List.of(n.name()), n.outputs(), "output tensor of " + n.name() + " is named after it");
        }
        assertEquals(List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm",
                "Softmax"), loaded.nodes().stream().map(Node::opType).collect(Collectors.toList()));
        assertEquals(13, loaded.opset(""));
        assertEquals("input", loaded.inputs().get(0).name());
        assertEquals("[N, 1, 28, 28]", loaded.inputs().get(0).shapeString());
        assertEquals("softmax", loaded.outputs().get(0).name());
        assertEquals(1, loaded.resolveNode("fc1").getInt("transB", 0));
        assertEquals(List.of(32L, 1L, 3L, 3L), longs(loaded.initializers().get("conv1.weight").shape()));
        assertEquals(List.of(128L, 3136L), longs(loaded.initializers().get("fc1.weight").shape()));

        ObjectMapper json = new ObjectMapper();
        Map<String, String> meta = loaded.metadata();
        JsonNode labels = json.readTree(meta.get("netviz.labels"));
        assertEquals(10, labels.size());
        assertEquals("T-shirt/top", labels.get(0).asText());
        assertEquals("Ankle boot", labels.get(9).asText());
        JsonNode pre = json.readTree(meta.get("netviz.preprocessing"));
        assertEquals("fashion-mnist", pre.get("preset").asText());
        assertEquals(28, pre.get("size").asInt());
        assertEquals(28, pre.get("crop").asInt());
        assertEquals(1, pre.get("channels").asInt());
        assertEquals(result.mean(), (float) pre.get("mean").get(0).asDouble());
        assertEquals(result.std(), (float) pre.get("std").get(0).asDouble());
        JsonNode run = json.readTree(meta.get("netviz.training"));
        assertEquals(1, run.get("epochs").asInt());
        assertEquals(42, run.get("seed").asLong());
        assertEquals(result.testAccuracy(), run.get("test_accuracy").asDouble(), 1e-4);
        assertTrue(run.get("date").asText().matches("\\d{4}-\\d\\d-\\d\\d"));
    }

    private static List<Long> longs(long[] a) {
        return java.util.Arrays.stream(a).boxed().collect(Collectors.toList());
    }

    @Test
    void onnxRuntimeAgreesWithDjl() throws OrtException {
        float[][] djl = result.checkLogits();
        float[][][] ort = runOrt(loaded, inputs, CHECK);
        for (int i = 0; i < CHECK; i++) {
            float[] p = softmax(djl[i]);
            assertEquals(argMax(djl[i]), argMax(ort[1][i]), "ORT prediction of image " + i);
            for (int k = 0; k < 10; k++) {
                assertClose(djl[i][k], ort[0][i][k], "ORT logit " + i + "," + k);
                assertEquals(p[k], ort[1][i][k], 1e-5, "ORT probability " + i + "," + k);
            }
        }
    }

    @Test
    void interpreterAgreesWithOnnxRuntime() throws OrtException {
        float[][][] ort = runOrt(loaded, inputs, CHECK);
        float[][] itLogits;
        float[][] itProbs;
        try (Interpreter it = Interpreter.of(loaded); NDManager m = it.newScope()) {
            NDArray x = m.create(inputs, new Shape(CHECK, 1, 28, 28));
            Values v = it.forward(m, x, "fc2");
            itLogits = rows(v.get("fc2").toFloatArray(), CHECK);
            itProbs = rows(v.get("softmax").toFloatArray(), CHECK);
        }
        for (int i = 0; i < CHECK; i++) {
            assertEquals(argMax(ort[1][i]), argMax(itProbs[i]), "interpreter prediction of image " + i);
            for (int k = 0; k < 10; k++) {
                assertClose(ort[0][i][k], itLogits[i][k], "interpreter logit " + i + "," + k);
                assertEquals(ort[1][i][k], itProbs[i][k], 1e-5, "interpreter probability " + i + "," + k);
            }
        }
    }

    static void assertClose(float expected, float actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-4 * Math.max(1, Math.abs(expected)),
                what + ": expected " + expected + " got " + actual);
    }

    /** Runs the model in ONNX Runtime with {@code fc2} added as an output: {logits, probabilities}. */
    static float[][][] runOrt(Graph g, float[] x, int n) throws OrtException {
        OnnxMl.ModelProto.Builder model = OnnxWriter.toProto(g, "test").toBuilder();
        model.getGraphBuilder().addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("fc2"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.build().toByteArray(), so);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, n * 784), new long[] {n, 1, 28, 28});
                 OrtSession.Result r = s.run(Map.of("input", t))) {
                return new float[][][] {(float[][]) r.get("fc2").get().getValue(),
                        (float[][]) r.get("softmax").get().getValue()};
            }
        }
    }

    static float[][] rows(float[] flat, int n) {
        int w = flat.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * w, (i + 1) * w);
        }
        return out;
    }

    static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static float[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    @Test
    void missingDataIsOneClearLine() {
        NetvizException e = assertThrows(NetvizException.class, () -> new FashionMnistTrainer().train(
                FashionMnistTrainer.Options.defaults().withDataDir(dir.resolve("absent")).withOutput(dir.resolve("x.onnx"))
                        .withProgress(netviz.Progress.NONE)));
        assertTrue(e.getMessage().startsWith("Fashion-MNIST data directory '"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("x.onnx")), "nothing written");
    }

    @Test
    void badOptionsAreRejected() {
        FashionMnistTrainer.Options d = FashionMnistTrainer.Options.defaults();
        assertEquals("epochs must be at least 1, got 0",
                assertThrows(NetvizException.class, () -> d.withEpochs(0)).getMessage());
        assertEquals("batch size must be at least 1, got -3",
                assertThrows(NetvizException.class, () -> d.withBatchSize(-3)).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> d.withLearningRate(Float.NaN)).getMessage()
                .startsWith("learning rate must be a positive number"));
    }
}
