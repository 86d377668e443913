package netviz;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Models and inputs that make netviz compute NaN, for the "finite or fail" tests: the bundled
 * Fashion-MNIST classifier with {@code Sqrt(t - 1000)} spliced in after one tensor (the square root
 * of a negative number is NaN in the forward pass and in the gradient), so that every command that
 * works on the bundled model (its generator and preprocessing included) meets a real NaN.
 */
public final class NonFiniteModels {
    /** The bundled classifier. */
    public static final Path BUNDLED = Path.of("models/fashion-mnist-cnn.onnx");

    private NonFiniteModels() {
    }

    /** Writes both models into the folder {@code args[0]} (for trying the commands by hand). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        System.out.println(nanLogits(dir) + "\n" + nanEverywhere(dir) + "\n" + cliff(dir, 10f));
    }

    /**
     * The bundled model with NaN logits: fc2 → Sub(fc2, 1000) → Sqrt → softmax. Every layer up to
     * fc2 (convolutions, relu3 features) stays finite; the class scores and probabilities are NaN.
     */
    public static Path nanLogits(Path dir) throws IOException {
        return splice(dir.resolve("nan-logits.onnx"), "fc2");
    }

    /**
     * The bundled model with NaN from the first layer on: input → Sub(input, 1000) → Sqrt → conv1.
     * Every activation, feature and score is NaN.
     */
    public static Path nanEverywhere(Path dir) throws IOException {
        return splice(dir.resolve("nan-everywhere.onnx"), "input");
    }

    /**
     * The bundled model with a cliff in its class scores: fc2 → −sqrt(limit − fc2) → softmax. The
     * scores are finite while every logit stays below {@code limit}, and rise with the logits, so
     * activation maximisation and DGN-AM climb towards the cliff and turn NaN at some later step, as
     * a backend that goes wrong in mid-run does.
     */
    public static Path cliff(Path dir, float limit) throws IOException {
        return splice(dir.resolve("cliff.onnx"), "fc2", limit, true);
    }

    /** Inserts {@code Sqrt(tensor - 1000)} after {@code tensor}: its consumers read the NaN copy. */
    private static Path splice(Path file, String tensor) throws IOException {
        return splice(file, tensor, 1000f, false);
    }

    /**
     * Inserts {@code Sqrt(tensor - c)} (or, for a cliff, {@code -Sqrt(c - tensor)}) after
     * {@code tensor}: its consumers read the new copy, named {@code tensor + "_nan"}.
     */
    private static Path splice(Path file, String tensor, float c, boolean cliff) throws IOException {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BUNDLED));
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        String nan = tensor + "_nan";
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(tensor)) {
                    n.setInput(k, nan);
                }
            }
            g.setNode(i, n);
        }
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("c")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addFloatData(c));
        OnnxMl.NodeProto.Builder sub = OnnxMl.NodeProto.newBuilder().setName("shift").setOpType("Sub");
        if (cliff) {
            sub.addInput("c").addInput(tensor);
        } else {
            sub.addInput(tensor).addInput("c");
        }
        sub.addOutput(tensor + "_shifted");
        OnnxMl.NodeProto sqrt = OnnxMl.NodeProto.newBuilder().setName("sqrt_nan").setOpType("Sqrt")
                .addInput(tensor + "_shifted").addOutput(cliff ? tensor + "_sqrt" : nan).build();
        // keep topological order: right after the producer of the tensor (or first, for the input)
        int at = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOutputList().contains(tensor)) {
                at = i + 1;
            }
        }
        if (cliff) {
            g.addNode(at, OnnxMl.NodeProto.newBuilder().setName("neg").setOpType("Neg").addInput(tensor + "_sqrt")
                    .addOutput(nan).build());
        }
        g.addNode(at, sqrt);
        g.addNode(at, sub.build());
        Files.createDirectories(file.getParent());
        Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
        return file;
    }

    /** A (1, 1, 28, 28) float32 .npy of values in [-1, 1] with {@code bad} at [0, 0, 3, 4]. */
    public static Path npy(Path file, float bad) throws IOException {
        float[] v = new float[28 * 28];
        Random r = new Random(7);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        v[3 * 28 + 4] = bad;
        Files.createDirectories(file.getParent());
        netviz.io.Npy.write(file, netviz.engine.Tensor.ofFloats(new long[] {1, 1, 28, 28}, v));
        return file;
    }

    /** An empty batch: a float32 .npy of shape (0, 1, 28, 28). */
    public static Path emptyBatch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        netviz.io.Npy.write(file, netviz.engine.Tensor.ofFloats(new long[] {0, 1, 28, 28}, new float[0]));
        return file;
    }
}
