package netviz.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.engine.BackwardRules;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;

/**
 * A benchmark: on a ResNet-18-shaped model (full width, 224×224, random weights),
 * batch 1 and batch 8, it times netviz's forward pass against ONNX Runtime's on the same file, and
 * netviz's forward+backward (gradient of the summed per-example class logits with respect to the
 * input, autograd and rule-based) against netviz's own forward. Both runtimes use 2 intra-op
 * threads and 1 inter-op thread. Each measurement: warm-up runs, then the median of N timed runs,
 * with the runtimes interleaved round by round so that load from other processes hits them alike.
 * Writes the ratios measured in this run, with the machine and settings, to BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench.sh} (or {@code scripts/bench.sh --runs 30 --out BENCHMARKS.md}).
 */
public final class ForwardBench {
    static final int THREADS = 2;

    public static void main(String[] args) throws Exception {
        int runs = 20;
        int warmup = 5;
        Path out = Path.of("BENCHMARKS.md");
        int[] threadSettings = {THREADS};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                case "--threads":
                    threadSettings = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--runs N, --warmup N, --threads T[,T...], --out FILE)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threadSettings[0]));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        String loadBefore = loadAverage();
        Instant start = Instant.now();

        Graph built = ModelZoo.resnet18(13).graph();
        byte[] bytes = OnnxWriter.toBytes(built);
        Graph graph = OnnxLoader.load(bytes, null, "resnet18");
        long params = graph.initializers().values().stream().mapToLong(t -> t.size()).sum();
        List<String> rows = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        netviz.engine.Engines.pytorch(); // loads the native library before threads are set
        for (int threads : threadSettings) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
            try (Interpreter it = Interpreter.of(graph);
                 Ort ort = Ort.of(bytes, threads, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
                String input = it.inputName();
                String logits = it.outputName();
                for (int batch : new int[] {1, 8}) {
                    long[] shape = {batch, 3, 224, 224};
                    float[] x = Ort.randomInput(shape, 11);
                    int[] targets = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        targets[i] = (i * 37) % 1000;
                    }
                    Objective obj = Objective.logits(logits, targets);
                    OrtEnvironment env = OrtEnvironment.getEnvironment();
                    try (OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                        // agreement first: the timing means nothing if the answers differ
                        float[] ref = ort.run(input, x, shape).get(logits);
                        float[] ours;
                        try (NDManager m = it.newScope()) {
                            ours = it.forward(m, m.create(x, new Shape(shape))).get(logits).toFloatArray();
                        }
                        checks.add(String.format(Locale.ROOT, "batch %d, %d thread(s): max relative error of the logits vs "
                                + "ONNX Runtime %.1e", batch, threads, Ort.relError(ours, ref)));

                        Task ortForward = () -> ort.runOnly(input, ox);
                        Task nvForward = () -> {
                            try (NDManager m = it.newScope()) {
                                NDArray in = m.create(x, new Shape(shape));
                                first(it.forward(m, in).get(logits));
                            }
                        };
                        // the node-by-node forward of before Conv→BatchNormalization folding: tapping every
                        // Conv output makes the interpreter run each Conv and BatchNormalization unfolded
                        List<String> convOutputs = graph.nodes().stream().filter(nd -> nd.opType().equals("Conv"))
                                .map(nd -> nd.outputs().get(0)).toList();
                        Task nvUnfolded = () -> {
                            try (NDManager m = it.newScope()) {
                                NDArray in = m.create(x, new Shape(shape));
                                first(it.forward(m, Map.of(input, in), convOutputs).get(logits));
                            }
                        };
                        Task nvGradient = () -> {
                            try (NDManager m = it.newScope()) {
                                NDArray in = m.create(x, new Shape(shape));
                                first(it.gradient(m, Map.of(input, in), obj, List.of(input)).wrt(input));
                            }
                        };
                        Task nvRules = () -> {
                            try (NDManager m = it.newScope()) {
                                NDArray in = m.create(x, new Shape(shape));
                                first(it.backward(m, Map.of(input, in), obj, List.of(input), BackwardRules.none()).wrt(input));
                            }
                        };
                        Task[] tasks = {ortForward, nvForward, nvGradient, nvRules, nvUnfolded};
                        int n = batch == 1 ? runs : Math.max(5, runs / 2);
                        double[] med = interleaved(tasks, warmup, n);
                        System.out.printf(Locale.ROOT, "threads %d, batch %d: ORT %.1f ms, netviz forward %.1f ms, gradient %.1f ms, "
                                + "rule-based backward %.1f ms, unfolded forward %.1f ms (median of %d)%n", threads, batch, med[0], med[1], med[2],
                                med[3], med[4], n);
                        rows.add(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | **%.2f×** | %.1f | %.2f× | %.1f | **%.2f×** | %.1f | %.2f× | %d |",
                                threads, batch, med[0], med[1], med[1] / med[0], med[4], med[4] / med[0], med[2], med[2] / med[1],
                                med[3], med[3] / med[1], n));
                    }
                }
            }
        }
        String report = report(rows, checks, params, warmup, loadBefore, loadAverage(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), start);
        Files.writeString(out, report);
        System.out.println(report);
    }

    /** Reads one element, so that the result is certainly computed. */
    static float first(NDArray a) {
        return a.getFloat(new long[a.getShape().dimension()]);
    }

    interface Task {
        void run() throws Exception;
    }

    /** Warm-up, then {@code n} rounds each timing every task once; the median per task in ms. */
    static double[] interleaved(Task[] tasks, int warmup, int n) throws Exception {
        for (int w = 0; w < warmup; w++) {
            for (Task t : tasks) {
                t.run();
            }
        }
        double[][] ms = new double[tasks.length][n];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < tasks.length; k++) {
                long t0 = System.nanoTime();
                tasks[k].run();
                ms[k][r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] med = new double[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            double[] s = ms[k].clone();
            Arrays.sort(s);
            med[k] = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
        return med;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    static String report(List<String> rows, List<String> checks, long params, int warmup, String loadBefore,
                         String loadAfter, Instant end, Instant start) {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("Measured by `scripts/bench.sh` (`netviz.bench.ForwardBench`, test scope) in one run; ")
                .append("every ratio below compares timings taken in that same run, round by round.\n\n");
        b.append("## ResNet-18 shape, 224×224\n\n");
        b.append("Model: `ModelZoo.resnet18` — ResNet-18 v1 at full width (64–512 channels, ")
                .append(String.format(Locale.ROOT, "%.2f M parameters, ", params / 1e6))
                .append("random He-scaled weights), opset 13, written by `OnnxWriter` and read back by `OnnxLoader`; ")
                .append("ONNX Runtime runs the very same bytes. Forward = graph outputs only. Forward+backward = ")
                .append("`Interpreter.gradient` of the summed per-example class logits with respect to the input ")
                .append("(autograd); rule-based = `Interpreter.backward` with `BackwardRules.none()`. Unfolded forward = ")
                .append("the same forward with every Conv output tapped, which makes the interpreter run each Conv and ")
                .append("BatchNormalization node by node as it did before Conv→BatchNormalization folding (the ")
                .append("baseline, timed in the same rounds).\n\n");
        b.append("| threads | batch | ORT forward ms | netviz forward ms | netviz / ORT (target ≤ 1.3×) | unfolded forward ms | unfolded / ORT | netviz fwd+bwd ms ")
                .append("| fwd+bwd / fwd (target ≤ 3×) | rule-based fwd+bwd ms | rule-based / fwd | runs |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        b.append("\nTimes are medians of the timed runs after ").append(warmup)
                .append(" warm-up rounds (batch 8 uses half as many timed runs).\n\n");
        b.append("Agreement checked in the same run: ").append(String.join("; ", checks)).append(".\n\n");
        b.append("## Reading the numbers\n\n");
        b.append("- ONNX Runtime at ALL_OPT rewrites the graph before running it: every BatchNormalization is folded ")
                .append("into the preceding Conv's weights and Conv+Relu (and Conv+Add+Relu) become single MLAS kernels, ")
                .append("so ResNet-18 runs about 25 kernels. netviz runs every node as the model states it (Conv, ")
                .append("BatchNormalization, Relu, Add), except that forward-only calls fold each BatchNormalization into ")
                .append("the Conv before it unless the call taps that Conv's output (about 50 libtorch eager calls on ")
                .append("ResNet-18, each one pass over the activation in memory); gradients run every node, because ")
                .append("any node's output may be differentiated. ")
                .append("`shared/DJL-NOTES.md` measured libtorch itself (TorchScript, inference mode) at 2.5× ONNX ")
                .append("Runtime on ResNet-18 on an idle 2-vCPU machine. The 1.3× target is not met; closing the ")
                .append("gap needs more fusion, not faster single ops. The fwd+bwd / fwd ratio grows with folding because only the forward got faster.\n");
        b.append("- Engine changes that would close more of the gap: apply Relu in place in forward-only runs ")
                .append("(DJL 0.36 exposes no in-place relu); fuse Conv+Relu; run convolutions in channels-last memory ")
                .append("format.\n");
        b.append("- On an oversubscribed machine libtorch's OpenMP threads, which spin at barriers, lose more than ")
                .append("ONNX Runtime's pool; compare the rows with 1 thread, where neither runtime waits for a ")
                .append("second thread.\n\n");
        b.append("## Settings and machine\n\n");
        b.append("- Threads (the `threads` column, the same for both runtimes): netviz/libtorch intra-op threads ")
                .append("(`JniUtils.setNumThreads`), `num_interop_threads=1`; ONNX Runtime `intraOpNumThreads`, ")
                .append("`interOpNumThreads=1`, sequential execution, graph optimization level ALL_OPT.\n");
        b.append("- Software: Java ").append(System.getProperty("java.version")).append(", DJL 0.36.0 with PyTorch 2.7.1 ")
                .append("(CPU), ONNX Runtime Java 1.23.2.\n");
        b.append("- Machine: ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" logical CPUs, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(".\n");
        b.append("- The machine is shared with other busy processes: load average ").append(loadBefore)
                .append(" before the run and ").append(loadAfter).append(" after it; absolute times are noisy, ")
                .append("the ratios (interleaved measurements) less so.\n");
        b.append("- Run ended ").append(end).append(" (").append(java.time.Duration.between(start, end).toSeconds())
                .append(" s).\n");
        return b.toString();
    }
}
