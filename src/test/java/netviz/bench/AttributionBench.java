package netviz.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo;

/**
 * A benchmark of attribution on the ResNet-18-shaped model of {@link ModelZoo#resnet18} (full
 * width, 224×224, random weights): occlusion with window 32 and stride 16 (13 × 13 = 169 mask
 * positions) batched against one perturbed image per forward pass, set beside the speed-up that
 * batching gives a plain forward pass; and saliency and guided backpropagation against one forward
 * pass. Tasks are interleaved round by round so that load from other processes hits them alike;
 * each figure is a median. Replaces (or appends) the section "Attribution" of
 * BENCHMARKS.md, keeping the rest of the file.
 *
 * <p>Run: {@code scripts/bench-attribution.sh [--runs N] [--batch B] [--out FILE]}.
 */
public final class AttributionBench {
    static final int THREADS = 2;
    static final String SECTION = "## Attribution";

    interface Task {
        void run();
    }

    public static void main(String[] args) throws Exception {
        int runs = 9;
        int occlusionRuns = 3;
        int batch = 16;
        Path out = Path.of("BENCHMARKS.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--occlusion-runs" -> occlusionRuns = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--runs N, --occlusion-runs N, --batch B, --out FILE)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(THREADS));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        String loadBefore = loadAverage();
        Instant start = Instant.now();
        Graph graph = OnnxLoader.load(OnnxWriter.toBytes(ModelZoo.resnet18(13).graph()), null, "resnet18");
        float[] xv = new float[3 * 224 * 224];
        Random r = new Random(5);
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) r.nextGaussian();
        }
        float[] xb = new float[batch * xv.length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(xv, 0, xb, b * xv.length, xv.length);
        }
        int b16 = batch;
        List<String> rows = new ArrayList<>();
        String check;
        try (Interpreter it = Interpreter.of(graph); NDManager m = it.newScope()) {
            NDArray x = m.create(xv, new Shape(1, 3, 224, 224));
            Target target = Target.classes(7);
            Saliency saliency = new Saliency(it);
            GuidedBackprop guided = new GuidedBackprop(it);
            Task forward1 = () -> {
                try (NDManager s = it.newScope()) {
                    it.forward(s, s.create(xv, new Shape(1, 3, 224, 224))).get(it.outputName()).toFloatArray();
                }
            };
            Task forwardB = () -> {
                try (NDManager s = it.newScope()) {
                    it.forward(s, s.create(xb, new Shape(b16, 3, 224, 224))).get(it.outputName()).toFloatArray();
                }
            };
            Task sal = () -> saliency.attribute(x, target);
            Task gb = () -> guided.attribute(x, target);

            double[] fwd = interleaved(new Task[] {forward1, forwardB, sal, gb}, 2, runs);
            double forwardSpeedup = fwd[0] / (fwd[1] / batch);
            rows.add(row("forward, batch 1", fwd[0], "1.00×", runs));
            rows.add(row("forward, batch " + batch + " (per image)", fwd[1] / batch,
                    String.format(Locale.ROOT, "batching speed-up **%.2f×**", forwardSpeedup), runs));
            rows.add(row("saliency (forward + backward)", fwd[2],
                    String.format(Locale.ROOT, "**%.2f×** forward (target ≤ 3×)", fwd[2] / fwd[0]), runs));
            rows.add(row("guided backprop (rule-based backward)", fwd[3],
                    String.format(Locale.ROOT, "**%.2f×** forward (target ≤ 4×)", fwd[3] / fwd[0]), runs));

            Occlusion.Options o = new Occlusion.Options(32, 16, Baseline.zero(), batch);
            Occlusion batched = new Occlusion(it, o);
            Occlusion single = new Occlusion(it, o.withBatch(1));
            Attributions[] results = new Attributions[2];
            Task occB = () -> results[0] = batched.attribute(x, target);
            Task occ1 = () -> results[1] = single.attribute(x, target);
            double[] occ = interleaved(new Task[] {occ1, occB}, 0, occlusionRuns); // the model is warm by now
            double occSpeedup = occ[0] / occ[1];
            int positions = (int) (results[0].shape()[1] * results[0].shape()[2]);
            rows.add(row("occlusion, one image per pass (" + positions + " positions)", occ[0],
                    String.format(Locale.ROOT, "%.1f ms per position", occ[0] / positions), occlusionRuns));
            rows.add(row("occlusion, batch " + batch, occ[1],
                    String.format(Locale.ROOT, "**%.2f×** faster (forward batching gives %.2f×)", occSpeedup,
                            forwardSpeedup), occlusionRuns));
            double maxDiff = 0;
            for (int i = 0; i < results[0].values().length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(results[0].values()[i] - results[1].values()[i]));
            }
            check = String.format(Locale.ROOT, "the batched and one-at-a-time occlusion maps (%s) differ by at most "
                    + "%.1e in probability", Arrays.toString(results[0].shape()), maxDiff);
        }
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String section = section(rows, check, batch, loadBefore, loadAverage(), end, start);
        String existing = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
        Files.writeString(out, replaceSection(existing, section));
        System.out.println(section);
    }

    private static String row(String what, double ms, String ratio, int runs) {
        return String.format(Locale.ROOT, "| %s | %.1f | %s | %d |", what, ms, ratio, runs);
    }

    /** Warm-up rounds, then {@code n} rounds timing every task once; the median per task in ms. */
    static double[] interleaved(Task[] tasks, int warmup, int n) {
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

    /** {@code doc} with its "Attribution" section replaced by {@code section} (or appended). */
    static String replaceSection(String doc, String section) {
        return replaceSection(doc, SECTION, section);
    }

    /** {@code doc} with the section under {@code heading} replaced by {@code section} (or appended). */
    static String replaceSection(String doc, String heading, String section) {
        int at = doc.indexOf(heading);
        if (at < 0) {
            return doc.stripTrailing() + "\n\n" + section;
        }
        int next = doc.indexOf("\n## ", at + heading.length());
        return doc.substring(0, at) + section + (next < 0 ? "" : doc.substring(next + 1));
    }

    static String section(List<String> rows, String check, int batch, String loadBefore, String loadAfter,
                          Instant end, Instant start) {
        StringBuilder b = new StringBuilder();
        b.append(SECTION).append("\n\n");
        b.append("Measured by `scripts/bench-attribution.sh` (`netviz.bench.AttributionBench`, test scope) in one ")
                .append("run, on `ModelZoo.resnet18` (ResNet-18 v1 at full width, random weights, 224×224, opset 13). ")
                .append("Saliency = `Saliency` (autograd, gradient of one class logit); guided backprop = ")
                .append("`GuidedBackprop` (node-by-node rule-based backward with the guided ReLU rule). Occlusion: ")
                .append("window 32, stride 16, zero fill, probability of one class; \"one image per pass\" is the ")
                .append("same `Occlusion` with batch 1. Tasks were interleaved round by round; times are medians.\n\n");
        b.append("| task | ms | ratio | runs |\n|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        b.append("\nTarget: batched occlusion faster than one-at-a-time by the batch's own speed-up of a ")
                .append("forward pass (batch ").append(batch).append(" here); saliency ≤ 3× and guided backprop ≤ 4× ")
                .append("one forward pass.\n\n");
        b.append("Checked in the same run: ").append(check).append(".\n\n");
        b.append("Threads: libtorch `num_threads=").append(THREADS).append("`, `num_interop_threads=1`. Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" logical CPUs, shared with other busy ")
                .append("processes (load average ").append(loadBefore).append(" before, ").append(loadAfter)
                .append(" after); absolute times are noisy, the interleaved ratios less so. Run ended ").append(end)
                .append(" (").append(Duration.between(start, end).toSeconds()).append(" s).\n");
        return b.toString();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
