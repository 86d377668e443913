package netviz.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Forward;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.image.Preprocessing;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.onnx.OnnxWriter;
import netviz.session.Session;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;

/**
 * The forward and gradient rows of {@code scripts/bench-targets.sh}, each against ONNX Runtime
 * (1.23, ALL_OPT, the same threads) timed in the same run, on {@link ModelZoo#resnet18} (ResNet-18
 * v1, full width, random weights, 224×224) opened as a {@link Session} from an ONNX file, so that
 * forward passes go through {@link Session#forward()} (the runtime users get) and gradients
 * through {@link Session#gradients()} (and, for comparison, {@link Session#interpreter()}):
 * <ul>
 *   <li>dataset forward scan: the first N bundled Fashion-MNIST test images (each upsampled 8×
 *       to 224×224 and repeated over 3 channels, once, outside the timings) in batches of B; netviz
 *       and ONNX Runtime alternate batch by batch and their times are summed;</li>
 *   <li>occlusion, window 32, stride 16, zero fill, batches of B: against the same passes on ONNX
 *       Runtime (one intact image, then the masked images in batches of B);</li>
 *   <li>saliency (forward + backward, batch 1) against one ONNX Runtime forward pass, interleaved
 *       round by round (medians): on the default path (ONNX Runtime's vector-Jacobian graph), on the
 *       interpreter, with the predicted class, and node by node on the interpreter (no
 *       Conv→BatchNormalization folding), each after a pause of 200 ms (the worker threads of
 *       libtorch and of ONNX Runtime spin after a parallel region and would slow the next task).</li>
 * </ul>
 * Prints {@code key=value} lines for the script.
 *
 * <p>Usage: {@code TargetsBench [--scan-images N] [--batch B] [--runs R] [--occlusion-runs R]
 * [--skip-occlusion] [--only scan|saliency|occlusion] [--threads T] [--dir DIR]}.
 */
public final class TargetsBench {
    static final int SIDE = 224;
    static final int UPSAMPLE = 8;

    private TargetsBench() {
    }

    public static void main(String[] args) throws Exception {
        int scanImages = 10_000;
        int batch = 16;
        int runs = 9;
        int occlusionRuns = 2;
        String only = "";
        Path dir = Path.of("target/bench-targets");
        int threads = AttributionBench.THREADS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scan-images" -> scanImages = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--occlusion-runs" -> occlusionRuns = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--skip-occlusion" -> occlusionRuns = 0;
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--scan-images N, --batch B, --runs R, --occlusion-runs R, --skip-occlusion, --only scan|saliency|occlusion, --threads T,"
                        + " --dir DIR)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Files.createDirectories(dir);
        byte[] bytes = OnnxWriter.toBytes(ModelZoo.resnet18(13).graph());
        Path model = dir.resolve("resnet18.onnx");
        Files.write(model, bytes);
        System.out.printf(Locale.ROOT, "cores=%d%nthreads=%d%nload_before=%s%n", Runtime.getRuntime().availableProcessors(),
                threads, AttributionBench.loadAverage());
        try (Session session = Session.builder(model).alignDataset(false).build();
             Ort ort = Ort.of(bytes, threads, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            Forward forward = session.forward();
            System.out.printf(Locale.ROOT, "runtime=%s%n", forward.runtime());
            if (only.isEmpty() || only.equals("scan")) {
                scan(forward, ort, scanImages, batch);
            }
            if (only.isEmpty() || only.equals("saliency")) {
                saliency(session, ort, runs);
            }
            if (occlusionRuns > 0 && (only.isEmpty() || only.equals("occlusion"))) {
                occlusion(session, ort, batch, occlusionRuns);
            }
        }
        System.out.printf(Locale.ROOT, "load_after=%s%n", AttributionBench.loadAverage());
    }

    /** Netviz's forward of the first {@code n} dataset images in batches of {@code batch} against ONNX Runtime's. */
    private static void scan(Forward forward, Ort ort, int n, int batch) throws OrtException {
        Dataset data = Datasets.bundledTestSplit(Preprocessing.fashionMnist());
        n = Math.min(n, data.size());
        String input = forward.inputName();
        String logits = forward.outputName();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double netviz = 0;
        double reference = 0;
        double agreement = -1;
        int k = 0;
        try (Batches batches = data.batches(batch, 0, n)) {
            for (Batch b : batches) {
                long[] shape = {b.size(), 3, SIDE, SIDE};
                float[] x = resnetInput(b);
                for (int order = 0; order < 2; order++) {
                    // alternate which runtime goes first, so that neither always finds the caches warm
                    if ((order + k) % 2 == 0) {
                        long t0 = System.nanoTime();
                        try (OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                            ort.runOnly(input, ox);
                        }
                        reference += (System.nanoTime() - t0) / 1e9;
                    } else {
                        long t0 = System.nanoTime();
                        try (NDManager m = forward.newScope()) {
                            ForwardBench.first(forward.forward(m, m.create(x, new Shape(shape))).get(logits));
                        }
                        netviz += (System.nanoTime() - t0) / 1e9;
                    }
                }
                if (k == 0) {
                    float[] ours;
                    try (NDManager m = forward.newScope()) {
                        ours = forward.forward(m, m.create(x, new Shape(shape))).get(logits).toFloatArray();
                    }
                    agreement = Ort.relError(ours, ort.run(input, x, shape).get(logits));
                }
                k++;
            }
        }
        System.out.printf(Locale.ROOT, "scan_images=%d%nscan_batch=%d%nscan_netviz_seconds=%.2f%nscan_ort_seconds=%.2f%n"
                + "scan_ratio=%.2f%nscan_logits_rel_error=%.1e%n", n, batch, netviz, reference, netviz / reference, agreement);
    }

    /** One dataset batch as ResNet-18 input: each grey 28×28 image upsampled (nearest) to 224×224 on 3 channels. */
    static float[] resnetInput(Batch b) {
        int h = b.height();
        int w = b.width();
        int c = b.channels();
        int side = h * UPSAMPLE;
        if (side != SIDE || w * UPSAMPLE != SIDE) {
            throw new IllegalArgumentException("expected 28x28 images, got " + h + "x" + w);
        }
        float[] out = new float[b.size() * 3 * SIDE * SIDE];
        for (int i = 0; i < b.size(); i++) {
            for (int ch = 0; ch < 3; ch++) {
                int src = (i * c + Math.min(ch, c - 1)) * h * w;
                int dst = ((i * 3) + ch) * SIDE * SIDE;
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        out[dst + y * SIDE + x] = b.images()[src + (y / UPSAMPLE) * w + x / UPSAMPLE];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Saliency (forward + backward, batch 1) on the default path ({@link Session#gradients()}: ONNX
     * Runtime's vector-Jacobian graph) and on the interpreter, against one ONNX Runtime forward pass,
     * interleaved round by round (medians), with the predicted class (one more forward pass) and the
     * interpreter's gradient node by node (no Conv→BatchNormalization folding) beside them.
     */
    private static void saliency(Session session, Ort ort, int runs) throws OrtException {
        long[] shape = {1, 3, SIDE, SIDE};
        float[] x = Ort.randomInput(shape, 5);
        String input = session.interpreter().inputName();
        Saliency saliency = new Saliency(session.gradients());
        Saliency onInterpreter = new Saliency(session.interpreter());
        Target target = Target.classes(7);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             NDManager m = session.interpreter().newScope()) {
            NDArray in = m.create(x, new Shape(shape));
            AttributionBench.Task ortForward = () -> {
                try {
                    ort.runOnly(input, ox);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            };
            float[] a = saliency.gradient(in, target).values();
            float[] b = onInterpreter.gradient(in, target).values();
            double agreement = Ort.relError(a, b);
            AttributionBench.Task sal = () -> saliency.attribute(in, target);
            AttributionBench.Task predicted = () -> saliency.attribute(in, Target.predicted());
            AttributionBench.Task interp = () -> onInterpreter.attribute(in, target);
            // the same gradient node by node (as before Conv→BatchNormalization folding reached autograd
            // runs): differentiating every Conv output as well keeps each pair apart
            Interpreter it = session.interpreter();
            List<String> wrt = new ArrayList<>(List.of(input));
            it.graph().nodes().stream().filter(n -> n.opType().equals("Conv")).forEach(n -> wrt.add(n.outputs().get(0)));
            Objective logit = Objective.logit(it.outputName(), 7);
            AttributionBench.Task unfolded = () -> {
                try (NDManager s = it.newScope()) {
                    ForwardBench.first(it.gradient(s, Map.of(input, in), logit, wrt).wrt(input));
                }
            };
            // the worker threads of libtorch and of each ONNX Runtime session spin for a while after a parallel
            // region: a pause before each timed task keeps them from slowing whichever task comes next
            double[] med = settledInterleaved(new AttributionBench.Task[] {ortForward, sal, interp, predicted, unfolded},
                    2, runs);
            System.out.printf(Locale.ROOT, "saliency_runtime=%s%nsaliency_ms=%.1f%nsaliency_ort_forward_ms=%.1f%n"
                    + "saliency_ratio=%.2f%nsaliency_interpreter_ms=%.1f%nsaliency_interpreter_ratio=%.2f%n"
                    + "saliency_predicted_ms=%.1f%nsaliency_predicted_ratio=%.2f%n"
                    + "saliency_unfolded_ms=%.1f%nsaliency_unfolded_ratio=%.2f%nsaliency_rel_error=%.1e%n"
                    + "saliency_runs=%d%n", session.gradients().runtime(), med[1], med[0], med[1] / med[0], med[2],
                    med[2] / med[0], med[3], med[3] / med[0], med[4], med[4] / med[0], agreement, runs);
        }
    }

    /** As {@link AttributionBench#interleaved}, with a pause of 200 ms before each timed task (medians). */
    static double[] settledInterleaved(AttributionBench.Task[] tasks, int warmup, int n) {
        double[][] ms = new double[tasks.length][n];
        for (int r = -warmup; r < n; r++) {
            for (int k = 0; k < tasks.length; k++) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                long t0 = System.nanoTime();
                tasks[k].run();
                if (r >= 0) {
                    ms[k][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double[] med = new double[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            double[] v = ms[k].clone();
            java.util.Arrays.sort(v);
            med[k] = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
        return med;
    }

    /** Occlusion (window 32, stride 16, batches of {@code batch}) against the same forward passes on ONNX Runtime. */
    private static void occlusion(Session session, Ort ort, int batch, int runs) throws OrtException {
        long[] one = {1, 3, SIDE, SIDE};
        float[] x = Ort.randomInput(one, 9);
        Occlusion.Options o = new Occlusion.Options(32, 16, Baseline.zero(), batch);
        // forward-only: session.forward() is the runtime users get
        Occlusion occlusion = new Occlusion(session.forward(), o);
        // the mask positions, as the map's shape counts them (checked below)
        int perSide = (SIDE - o.window()) / o.stride() + 1;
        int positions = perSide * perSide;
        String input = session.interpreter().inputName();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random r = new Random(3);
        float[] full = new float[batch * x.length];
        for (int i = 0; i < full.length; i++) {
            full[i] = (float) r.nextGaussian();
        }
        int last = positions % batch;
        try (NDManager m = session.interpreter().newScope();
             OnnxTensor ox1 = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), one);
             OnnxTensor oxB = OnnxTensor.createTensor(env, FloatBuffer.wrap(full), new long[] {batch, 3, SIDE, SIDE});
             OnnxTensor oxLast = OnnxTensor.createTensor(env, FloatBuffer.wrap(full, 0, Math.max(1, last) * x.length),
                     new long[] {Math.max(1, last), 3, SIDE, SIDE})) {
            NDArray in = m.create(x, new Shape(one));
            Target target = Target.classes(7);
            int fullBatches = positions / batch;
            AttributionBench.Task ortPasses = () -> {
                try {
                    ort.runOnly(input, ox1);
                    for (int p = 0; p < fullBatches; p++) {
                        ort.runOnly(input, oxB);
                    }
                    if (last > 0) {
                        ort.runOnly(input, oxLast);
                    }
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            };
            long[] mapShape = occlusion.attribute(in, target).shape();
            if (mapShape[1] * mapShape[2] != positions) {
                throw new IllegalStateException("occlusion map " + java.util.Arrays.toString(mapShape) + " has not "
                        + positions + " positions");
            }
            AttributionBench.Task occ = () -> occlusion.attribute(in, target);
            double[] med = AttributionBench.interleaved(new AttributionBench.Task[] {ortPasses, occ}, 1, runs);
            System.out.printf(Locale.ROOT, "occlusion_positions=%d%nocclusion_ms=%.1f%nocclusion_ort_ms=%.1f%n"
                    + "occlusion_ratio=%.2f%nocclusion_runs=%d%n", positions, med[1], med[0], med[1] / med[0], runs);
        }
    }
}
