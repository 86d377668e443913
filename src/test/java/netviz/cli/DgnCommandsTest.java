package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netviz dgn} and {@code netviz train-generator}: a short run writes the sheet and its
 * files; unusable models and generators are one line on stderr and exit code 2; a generator
 * trained for another classifier of the same shape gives a warning and still runs.
 */
public class DgnCommandsTest {
    static final String GENERATOR = "models/fashion-mnist-generator.onnx";

    @TempDir
    static Path dir;
    static Path noHidden;
    static Path narrow;
    static Path lookalike;
    static Path linear;

    @BeforeAll
    static void models() {
        // input -> Flatten -> Softmax: no hidden layer at all
        GraphBuilder a = new GraphBuilder("no-hidden", 13);
        String x = a.input("input", -1, 1, 28, 28);
        a.node("Flatten", "flatten", List.of(x), List.of("flatten"), Attribute.ofInt("axis", 1));
        a.node("Softmax", "softmax", List.of("flatten"), List.of("softmax"), Attribute.ofInt("axis", 1));
        a.output(new ValueInfo("softmax", Tensor.ElementType.FLOAT, new long[] {-1, 784}, List.of("N", "")));
        noHidden = dir.resolve("no-hidden.onnx");
        OnnxWriter.write(a.build(), noHidden);
        narrow = dir.resolve("narrow.onnx");
        OnnxWriter.write(mlp(64, 1), narrow);
        // input -> Flatten -> Gemm -> Softmax: the last Gemm's input is only the reshaped image
        GraphBuilder lr = new GraphBuilder("lr", 13);
        String xi = lr.input("input", -1, 1, 28, 28);
        lr.node("Flatten", "flatten", List.of(xi), List.of("flatten"), Attribute.ofInt("axis", 1));
        lr.initializer("w", Tensor.ofFloats(new long[] {10, 784}, new float[7840]));
        lr.initializer("b", Tensor.ofFloats(new long[] {10}, new float[10]));
        lr.node("Gemm", "fc", List.of("flatten", "w", "b"), List.of("fc"), Attribute.ofInt("transB", 1));
        lr.node("Softmax", "softmax", List.of("fc"), List.of("softmax"), Attribute.ofInt("axis", 1));
        lr.output(new ValueInfo("softmax", Tensor.ElementType.FLOAT, new long[] {-1, 10}, List.of("N", "")));
        linear = dir.resolve("linear.onnx");
        OnnxWriter.write(lr.build(), linear);
        lookalike = dir.resolve("lookalike.onnx");
        OnnxWriter.write(mlp(128, 2), lookalike);
    }

    /** input -> flatten -> fc1 (784 -> hidden) -> relu3 -> fc2 (hidden -> 10) -> softmax, random weights. */
    static netviz.engine.Graph mlp(int hidden, long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("mlp", 13);
        String x = g.input("input", -1, 1, 28, 28);
        g.node("Flatten", "flatten", List.of(x), List.of("flatten"), Attribute.ofInt("axis", 1));
        g.initializer("fc1.weight", Tensor.ofFloats(new long[] {hidden, 784}, random(r, hidden * 784, 0.05f)));
        g.initializer("fc1.bias", Tensor.ofFloats(new long[] {hidden}, new float[hidden]));
        g.node("Gemm", "fc1", List.of("flatten", "fc1.weight", "fc1.bias"), List.of("fc1"), Attribute.ofInt("transB", 1));
        g.node("Relu", "relu3", List.of("fc1"), List.of("relu3"));
        g.initializer("fc2.weight", Tensor.ofFloats(new long[] {10, hidden}, random(r, 10 * hidden, 0.1f)));
        g.initializer("fc2.bias", Tensor.ofFloats(new long[] {10}, new float[10]));
        g.node("Gemm", "fc2", List.of("relu3", "fc2.weight", "fc2.bias"), List.of("fc2"), Attribute.ofInt("transB", 1));
        g.node("Softmax", "softmax", List.of("fc2"), List.of("softmax"), Attribute.ofInt("axis", 1));
        g.output(new ValueInfo("softmax", Tensor.ElementType.FLOAT, new long[] {-1, 10}, List.of("N", "")));
        g.metadata("netviz.preprocessing", "{\"preset\":\"fashion-mnist\",\"size\":28,\"crop\":28,\"channels\":1,"
                + "\"mean\":[0.2860406],\"std\":[0.35302424]}");
        return g.build();
    }

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }

    @Test
    void shortRunWritesTheSheetBesidePixelAm() throws Exception {
        Path out = dir.resolve("dgn");
        Cli.Result r = Cli.run("dgn", "--target", "Trouser,Bag", "--iterations", "30", "--am-iterations", "20",
                "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(Png.read(out.resolve("dgn.png")).getWidth() > 2 * 100);
        assertEquals(List.of(2L, 1L, 28L, 28L), java.util.Arrays.stream(Npy.read(out.resolve("dgn-images.npy")).shape())
                .boxed().toList());
        assertEquals(List.of(2L, 128L), java.util.Arrays.stream(Npy.read(out.resolve("dgn-codes.npy")).shape())
                .boxed().toList());
        List<String> trace = Files.readAllLines(out.resolve("dgn-trace.csv"));
        // header, then steps 0 (the start) to 30 (after the last step) for 2 units
        assertEquals(1 + 31 * 2, trace.size());
        assertTrue(trace.get(1).startsWith("0,0,") && trace.get(trace.size() - 1).startsWith("30,1,"), trace.toString());
        assertTrue(r.out().contains("Trouser (1)") && r.out().contains("pixel AM") && r.out().contains("time per image"),
                r.out());
    }

    @Test
    void channelTargetsWork() {
        Path out = dir.resolve("dgn-channel");
        Cli.Result r = Cli.run("dgn", "--layer", "conv2", "--channel", "3", "--iterations", "5", "--am-iterations", "0",
                "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("conv2 : 3") && r.out().contains("value"), r.out());
    }

    @Test
    void generatorForAnotherClassifierWarnsButRuns() {
        Cli.Result r = Cli.run("dgn", "--model", lookalike.toString(), "--generator", GENERATOR, "--target", "0",
                "--iterations", "3", "--am-iterations", "0", "--no-progress", "--out", dir.resolve("look").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("warning: the generator was trained for classifier 'fashion-mnist-cnn.onnx'"),
                r.toString());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        List<String[]> cases = List.of(
                new String[] {"dgn", "--model", narrow.toString(), "--generator", GENERATOR, "--target", "0"},
                new String[] {"dgn", "--model", noHidden.toString(), "--generator", GENERATOR, "--target", "0"},
                new String[] {"dgn", "--model", narrow.toString(), "--target", "0"},
                new String[] {"dgn", "--generator", "models/fashion-mnist-cnn.onnx", "--target", "0"},
                new String[] {"dgn", "--generator", dir.resolve("missing.onnx").toString(), "--target", "0"},
                new String[] {"dgn", "--target", "Jacket"},
                new String[] {"dgn", "--target", "0", "--layer", "conv2", "--channel", "1"},
                new String[] {"dgn", "--target", "0", "--clamp", "box"},
                new String[] {"dgn", "--target", "0", "--start", "image"},
                new String[] {"train-generator", "--model", noHidden.toString(), "--out", dir.resolve("g.onnx").toString()},
                new String[] {"train-generator", "--model", narrow.toString(), "--layer", "input",
                    "--out", dir.resolve("g.onnx").toString()},
                new String[] {"train-generator", "--model", narrow.toString(), "--layer", "softmax",
                    "--out", dir.resolve("g.onnx").toString()},
                new String[] {"train-generator", "--model", narrow.toString()},
                new String[] {"train-generator", "--epochs", "0", "--out", dir.resolve("g.onnx").toString()},
                new String[] {"train-generator", "--model", linear.toString(), "--out", dir.resolve("g.onnx").toString()},
                new String[] {"train-generator", "--model", linear.toString(), "--layer", "flatten",
                    "--out", dir.resolve("g.onnx").toString()},
                new String[] {"dgn", "--layer", "conv1", "--channel", "999", "--am-iterations", "0", "--no-progress"},
                new String[] {"dgn", "--layer", "relu3", "--channel", "-1", "--am-iterations", "0", "--no-progress"});
        String[] expected = {"code has 128 values but layer 'relu3'", "has not as a hidden layer",
            "is not the bundled model", "is not a netviz generator", "does not exist", "Jacket", "either --target",
            "clamp", "--start image and --image", "no fully connected layer", "model's input", "model's output",
            "give --out", "epochs", "no hidden layer a generator can invert", "no hidden layer a generator can invert",
            "channel 999 is out of range for layer 'conv1'", "channel -1 is out of range for layer 'relu3'"};
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Cli.Result r = Cli.run(c);
            assertEquals(2, r.code(), String.join(" ", c) + "\n" + r);
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", c) + "\n" + r);
            assertTrue(r.err().contains(expected[i]), String.join(" ", c) + "\n" + r);
        }
    }
}
