package netviz.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.backend.Backend;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo;

/**
 * A benchmark: what each backend route costs on ResNet-18 (full width, 224×224, random
 * weights) under the CLI's thread count (2), and what the self-check costs at start-up. A route is fixed
 * per process, so each route runs in its own child JVM ({@code -Dnetviz.backend.route=R}); the children
 * are interleaved round by round and every ratio compares medians taken in the same invocation against
 * the {@code default} route (oneDNN as it is, run unchecked: on a machine whose kernels are broken it is
 * the fast, wrong reference). Each child also reports the largest relative difference between the
 * saliency maps of a batch of 8 and the same 8 images one at a time (the symptom of the wrong-kernel bug on some CPUs).
 * Replaces (or appends) the section "Backend routes" of BENCHMARKS.md.
 * Usage: {@code scripts/bench-backend.sh [--rounds N] [--runs N]}.
 */
public final class BackendBench {
    static final String SECTION = "## Backend routes";
    static final String[] ROUTES = {"default", "avx512-core", "avx2", "avx", "no-onednn"};

    private BackendBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]));
            return;
        }
        int rounds = 2;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--rounds N, --runs N)");
            }
        }
        String loadBefore = AttributionBench.loadAverage();
        Instant start = Instant.now();
        // the self-check: a probe from an empty cache, and the in-process check of a cached verdict
        Path cache = Files.createTempDirectory("netviz-bench-cache");
        JsonNode fresh = doctor(cache);
        JsonNode cached = doctor(cache);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        Map<String, Double> agreement = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String route : ROUTES) {
                double[] v = runChild(route, runs);
                results.computeIfAbsent(route, k -> new ArrayList<>()).add(v);
                agreement.merge(route, v[5], Math::max);
            }
        }
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String section = section(fresh, cached, results, agreement, rounds, runs, loadBefore,
                AttributionBench.loadAverage(), start, end);
        Path out = Path.of("BENCHMARKS.md");
        String existing = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
        Files.writeString(out, AttributionBench.replaceSection(existing, SECTION, section));
        System.out.println(section);
    }

    private static JsonNode doctor(Path cache) throws IOException, InterruptedException {
        List<String> cmd = java("-Dnetviz.cache=" + cache);
        cmd.addAll(List.of("netviz.cli.Main", "doctor", "--json"));
        long t0 = System.nanoTime();
        String out = run(cmd);
        JsonNode b = new ObjectMapper().readTree(out).get("backend");
        ((com.fasterxml.jackson.databind.node.ObjectNode) b).put("wallMillis", (System.nanoTime() - t0) / 1e6);
        return b;
    }

    private static List<String> java(String... props) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss8m", "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-Dai.djl.pytorch.graph_optimizer=false",
                "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1"));
        cmd.addAll(List.of(props));
        return cmd;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(900, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("child failed: " + cmd + "\n" + out);
        }
        return out;
    }

    private static double[] runChild(String route, int runs) throws IOException, InterruptedException {
        List<String> cmd = java("-Dnetviz.backend.route=" + route);
        if (route.equals("default")) {
            cmd.add("-Dnetviz.backend.check=false");
        }
        cmd.addAll(List.of(BackendBench.class.getName(), "child", Integer.toString(runs)));
        String out = run(cmd);
        for (String line : out.split("\n")) {
            if (line.startsWith("result ")) {
                return Arrays.stream(line.substring(7).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            }
        }
        throw new IllegalStateException("no result from " + route + ":\n" + out);
    }

    /** In the child: forward b1, forward b8, saliency b1, saliency b8 (ms), route-active flag, batch-vs-single error. */
    private static void child(int runs) throws IOException {
        Graph graph = OnnxLoader.load(OnnxWriter.toBytes(ModelZoo.resnet18(13).graph()), null, "resnet18");
        float[] xb = new float[8 * 3 * 224 * 224];
        Random r = new Random(5);
        for (int i = 0; i < xb.length; i++) {
            xb[i] = (float) r.nextGaussian();
        }
        int per = 3 * 224 * 224;
        try (Interpreter it = Interpreter.of(graph); NDManager m = it.newScope()) {
            NDArray x1 = m.create(Arrays.copyOf(xb, per), new Shape(1, 3, 224, 224));
            NDArray x8 = m.create(xb, new Shape(8, 3, 224, 224));
            Saliency saliency = new Saliency(it);
            int[] targets = {7, 1, 2, 3, 4, 5, 6, 0};
            AttributionBench.Task f1 = () -> {
                try (NDManager s = it.newScope()) {
                    it.forward(s, x1).get(it.outputName()).toFloatArray();
                }
            };
            AttributionBench.Task f8 = () -> {
                try (NDManager s = it.newScope()) {
                    it.forward(s, x8).get(it.outputName()).toFloatArray();
                }
            };
            AttributionBench.Task s1 = () -> saliency.attribute(x1, Target.classes(7));
            AttributionBench.Task s8 = () -> saliency.attribute(x8, Target.classes(targets));
            double[] med = AttributionBench.interleaved(new AttributionBench.Task[] {f1, f8, s1, s8}, 1, runs);
            float[] batched = saliency.attribute(x8, Target.classes(targets)).values();
            double diff = 0;
            double scale = 0;
            for (int n = 0; n < 8; n++) {
                float[] one = saliency.attribute(x8.get(n + ":" + (n + 1)), Target.classes(targets[n])).values();
                for (int i = 0; i < one.length; i++) {
                    diff = Math.max(diff, Math.abs(one[i] - batched[n * one.length + i]));
                    scale = Math.max(scale, Math.abs(one[i]));
                }
            }
            System.out.printf(Locale.ROOT, "result %.3f %.3f %.3f %.3f %d %.3e%n", med[0], med[1], med[2], med[3],
                    Backend.report().active().id().equals(System.getProperty("netviz.backend.route")) ? 1 : 0,
                    diff / Math.max(scale, 1e-30));
        }
    }

    private static double median(List<double[]> rows, int k) {
        double[] v = rows.stream().mapToDouble(a -> a[k]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String section(JsonNode fresh, JsonNode cached, Map<String, List<double[]>> results,
                          Map<String, Double> agreement, int rounds, int runs, String loadBefore, String loadAfter,
                          Instant start, Instant end) {
        StringBuilder b = new StringBuilder(SECTION).append("\n\n");
        b.append("Measured by `scripts/bench-backend.sh` (`netviz.bench.BackendBench`, test scope) in one run on ")
                .append("`ModelZoo.resnet18` (ResNet-18 v1, full width, random weights, 224×224), libtorch with 2 ")
                .append("intra-op threads (the CLI's setting on this machine). Each route runs in its own JVM ")
                .append("(`-Dnetviz.backend.route=R`); the JVMs were interleaved over ").append(rounds)
                .append(" rounds, each timing every task ").append(runs).append(" times after one warm-up; the ")
                .append("figures are medians over rounds of the per-round medians. Ratios are against `default` ")
                .append("(oneDNN as it is, unchecked) measured in the same run. Saliency batch 8 = eight images, ")
                .append("one target each, one backward pass. The last column is the largest difference between ")
                .append("that batched saliency and the same images one at a time, relative to the largest value: ")
                .append("the symptom of the wrong-kernel bug on some CPUs.\n\n");
        b.append("| route | forward b1 ms | ratio | forward b8 ms | ratio | saliency b1 ms | ratio | saliency b8 ms ")
                .append("| ratio | batch-8 vs one-at-a-time |\n|---|---|---|---|---|---|---|---|---|---|\n");
        List<double[]> ref = results.get("default");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            b.append("| ").append(e.getKey());
            if (e.getValue().stream().anyMatch(v -> v[4] == 0)) {
                b.append(" (fell back)");
            }
            for (int k = 0; k < 4; k++) {
                double ms = median(e.getValue(), k);
                b.append(String.format(Locale.ROOT, " | %.1f | %.2f×", ms, ms / median(ref, k)));
            }
            b.append(String.format(Locale.ROOT, " | %.1e |%n", agreement.get(e.getKey())));
        }
        b.append("\nA row marked *(fell back)* is a route whose in-process quick check failed on this machine, so ")
                .append("the guard switched oneDNN off, as it would for a user: that row measures `no-onednn` again. ")
                .append("A user pays the ratio of the route `netviz doctor` names. `default` is the unguarded ")
                .append("reference; on this CPU it computes wrong gradients for some small batched convolutions ")
                .append("(the ResNet-18 shapes above happen to come out right, last column).\n");
        b.append("\nThe self-check: with an empty cache, `netviz doctor` probed ")
                .append(fresh.get("routesTried").size()).append(" routes in ")
                .append(String.format(Locale.ROOT, "%.1f s", fresh.get("probeMillis").asDouble() / 1000))
                .append(" (each a child JVM running the full check until its first failure; ")
                .append(fresh.get("routesTried").toString().replace("\"", "`").replace("`,`", "`; `"))
                .append(") and chose `").append(fresh.get("route").asText()).append("`; that whole `doctor` took ")
                .append(String.format(Locale.ROOT, "%.1f s", fresh.get("wallMillis").asDouble() / 1000))
                .append(" of wall time. With the verdict cached, the in-process check (")
                .append(cached.get("checks").size()).append(" checks) took ")
                .append(String.format(Locale.ROOT, "%.0f ms", cached.get("selfCheckMillis").asDouble()))
                .append(" (the first libtorch calls of the process included), and `doctor` ")
                .append(String.format(Locale.ROOT, "%.1f s", cached.get("wallMillis").asDouble() / 1000))
                .append(" of wall time, JVM start included.\n\n");
        b.append(String.format(Locale.ROOT, "Machine: %s, %d logical CPUs; load average %s before, %s after; run "
                        + "ended %s (%d s).%n", fresh.get("cpu").asText(), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter, end, ChronoUnit.SECONDS.between(start, end)));
        return b.toString();
    }
}
