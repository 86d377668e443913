package netviz.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.unit.Units;
import netviz.methods.neurons.Regularizers;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo;

/**
 * A benchmark: iterations per second of activation maximization (class score,
 * pixel parameterisation) with no regulariser and with the Yosinski preset plus jitter, as a
 * ratio to plain forward+backward passes per second (the gradient of the same objective with
 * respect to the input through {@link Interpreter#gradient}); on the bundled model (or, when
 * models/fashion-mnist-cnn.onnx is absent, a model of the same shape with random weights) and on
 * the ResNet-18 shape of {@link ModelZoo#resnet18} at 224×224. Tasks are interleaved round by
 * round; each figure is a median. Replaces (or appends) the section "Activation maximization
 *" of BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-maximize.sh [--runs N] [--out FILE]}.
 */
public final class MaximizeBench {
    static final String SECTION = "## Activation maximization";

    public static void main(String[] args) throws Exception {
        int runs = 5;
        Path out = Path.of("BENCHMARKS.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--runs N, --out FILE)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(AttributionBench.THREADS));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        String loadBefore = AttributionBench.loadAverage();
        Instant start = Instant.now();
        List<String> rows = new ArrayList<>();
        Path bundled = Path.of("models", "fashion-mnist-cnn.onnx");
        Graph cnn;
        String cnnName;
        if (Files.isRegularFile(bundled)) {
            cnn = OnnxLoader.load(bundled);
            cnnName = "bundled fashion-mnist-cnn (1×28×28)";
        } else {
            cnn = fashionShaped();
            cnnName = "fashion-mnist-cnn shape, random weights (1×28×28; the bundled model was not on main)";
        }
        bench(rows, cnnName, cnn, new float[] {0.286f}, new float[] {0.353f}, 40, runs);
        Graph resnet = OnnxLoader.load(OnnxWriter.toBytes(ModelZoo.resnet18(13).graph()), null, "resnet18");
        bench(rows, "ResNet-18 shape (3×224×224, random weights)", resnet, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, 4, Math.max(3, runs / 2));
        Instant end = Instant.now();
        StringBuilder b = new StringBuilder(SECTION).append("\n\n");
        b.append("Iterations per second of `netviz maximize` (class score, pixel parameterisation, batch 1) against ")
                .append("plain forward+backward passes per second (the gradient of the same class score with respect ")
                .append("to the input). Ratio = iterations/s ÷ passes/s; target ≥ 0.8. \"yosinski + jitter\" is ")
                .append("the Yosinski preset (Table 1 row 3: L2 decay 0.0001, Gaussian blur σ 1 every 4 steps) with ")
                .append("jitter 2 (the jitter costs an autograd chain through the shift); \"yosinski1\" adds the 50% ")
                .append("norm clipping. Medians of interleaved rounds.\n\n");
        b.append("| model | task | ms / iteration | per second | ratio to fwd+bwd |\n|---|---|---|---|---|\n");
        for (String r : rows) {
            b.append(r).append('\n');
        }
        b.append("\n").append(String.format(Locale.ROOT, "Machine: %d cores visible, %d PyTorch threads, shared with "
                + "other engineers' builds and tests (load average before %s, after %s); wall time %ds on %s. Numbers "
                + "on a loaded machine are noisy: read the ratios, which compare tasks run in the same rounds.\n",
                Runtime.getRuntime().availableProcessors(), AttributionBench.THREADS, loadBefore,
                AttributionBench.loadAverage(), Duration.between(start, end).toSeconds(), end));
        String section = b.toString();
        String existing = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
        Files.writeString(out, replaceSection(existing, section));
        System.out.println(section);
    }

    static String replaceSection(String doc, String section) {
        int at = doc.indexOf(SECTION);
        if (at < 0) {
            return doc.stripTrailing() + "\n\n" + section;
        }
        int next = doc.indexOf("\n## ", at + SECTION.length());
        return doc.substring(0, at) + section + (next < 0 ? "" : doc.substring(next + 1));
    }

    private static void bench(List<String> rows, String name, Graph g, float[] mean, float[] std, int iters, int runs) {
        String logits = ScoreTensor.find(g);
        long[] dims = g.inputs().get(0).dims().clone();
        dims[0] = 1;
        int size = (int) (dims[1] * dims[2] * dims[3]);
        float[] xv = new float[size];
        Random r = new Random(3);
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) (0.1 * r.nextGaussian());
        }
        try (Interpreter it = Interpreter.of(g)) {
            String in = it.inputName();
            ActivationMaximization am = new ActivationMaximization(it, mean, std);
            Units goal = new Units(logits, new int[] {1}, null, null);
            ActivationMaximization.Options base = ActivationMaximization.Options.defaults().withIterations(iters)
                    .withInit(ActivationMaximization.Init.NOISE, null);
            ActivationMaximization.Options[] opts = {base, base.withRegularizers(Regularizers.yosinski().withJitter(2)),
                base.withRegularizers(Regularizers.yosinski(1))};
            String[] names = {"forward+backward", "maximize, no regulariser", "maximize, yosinski + jitter 2",
                "maximize, yosinski1 (blur + 50% norm clip)"};
            // per iteration: the time between the first and the last step callback / (iters - 1), which
            // leaves out the two forward passes a run spends on the start and end values
            double[][] ms = new double[4][runs];
            for (int round = -1; round < runs; round++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < iters; k++) {
                    try (NDManager m = it.newScope()) {
                        NDArray x = m.create(xv, new Shape(dims));
                        it.gradient(m, Map.of(in, x), Objective.logit(logits, 1), List.of(in));
                    }
                }
                double passMs = (System.nanoTime() - t0) / 1e6 / iters;
                if (round >= 0) {
                    ms[0][round] = passMs;
                }
                for (int k = 0; k < opts.length; k++) {
                    long[] first = new long[2];
                    am.run(goal, opts[k], (stage, step, total) -> {
                        if (step == 1) {
                            first[0] = System.nanoTime();
                        }
                        first[1] = System.nanoTime();
                    });
                    if (round >= 0) {
                        ms[k + 1][round] = (first[1] - first[0]) / 1e6 / (iters - 1);
                    }
                }
            }
            double[] med = new double[4];
            for (int k = 0; k < 4; k++) {
                double[] sorted = ms[k].clone();
                Arrays.sort(sorted);
                med[k] = sorted[sorted.length / 2];
            }
            for (int k = 0; k < 4; k++) {
                double per = med[k];
                rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %s |", name, names[k], per, 1000 / per,
                        k == 0 ? "1" : String.format(Locale.ROOT, "%.2f", med[0] / per)));
            }
            System.err.println(name + ": " + Arrays.toString(med));
        }
    }

    /** The bundled model's architecture (FashionMnistCnn) with random weights. */
    static Graph fashionShaped() {
        Random r = new Random(28);
        GraphBuilder g = new GraphBuilder("fashion-mnist-cnn-shaped", 13);
        String x = g.input("input", -1, 1, 28, 28);
        x = conv(g, r, x, 1, 32, "conv1");
        x = g.node("Relu", "relu1", List.of(x));
        x = g.node("MaxPool", "pool1", List.of(x), Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        x = conv(g, r, x, 32, 64, "conv2");
        x = g.node("Relu", "relu2", List.of(x));
        x = g.node("MaxPool", "pool2", List.of(x), Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        x = g.node("Flatten", "flatten", List.of(x));
        x = g.node("Gemm", "fc1", List.of(x, g.initializer("fc1_w", Tensor.ofFloats(new long[] {128, 3136},
                gauss(r, 128 * 3136, 0.02))), g.initializer("fc1_b", Tensor.ofFloats(new long[] {128}, new float[128]))),
                Attribute.ofInt("transB", 1));
        x = g.node("Relu", "relu3", List.of(x));
        x = g.node("Gemm", "fc2", List.of(x, g.initializer("fc2_w", Tensor.ofFloats(new long[] {10, 128},
                gauss(r, 1280, 0.1))), g.initializer("fc2_b", Tensor.ofFloats(new long[] {10}, new float[10]))),
                Attribute.ofInt("transB", 1));
        g.output(g.node("Softmax", "softmax", List.of(x)));
        return g.build();
    }

    private static String conv(GraphBuilder g, Random r, String x, int cin, int cout, String name) {
        return g.node("Conv", name, List.of(x, g.initializer(name + "_w", Tensor.ofFloats(new long[] {cout, cin, 3, 3},
                gauss(r, cout * cin * 9, Math.sqrt(2.0 / (cin * 9))))), g.initializer(name + "_b",
                Tensor.ofFloats(new long[] {cout}, gauss(r, cout, 0.01)))), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
    }

    private static float[] gauss(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (s * r.nextGaussian());
        }
        return a;
    }
}
