package netviz.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netviz.engine.Graph;
import netviz.onnx.OnnxWriter;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;

/**
 * How the vector-Jacobian graph of ResNet-18 (224×224, batch 1, d logit 7 / d input) spends its time
 * on ONNX Runtime, for choosing between its rules: the two ways of writing a strided convolution's
 * input gradient ({@link VjpGraph.StridedConv}), each against one forward pass of the model, in
 * interleaved rounds (medians); then, with {@code --profile}, ONNX Runtime's own profile of the
 * default graph summed per operator type. Prints {@code key=value} lines.
 *
 * <p>Usage: {@code OrtGradientBench [--runs R] [--threads T] [--profile]}.
 */
public final class OrtGradientBench {
    private OrtGradientBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 15;
        int threads = 2;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--runs R, --threads T, --profile)");
            }
        }
        Graph g = ModelZoo.resnet18(13).graph();
        String logits = g.outputs().get(0).name();
        String input = g.inputs().get(0).name();
        long[] shape = {1, 3, 224, 224};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] seed = new float[1000];
        seed[7] = 1;
        List<OrtSession> sessions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(Ort.randomInput(shape, 5)), shape);
        OnnxTensor s = OnnxTensor.createTensor(env, FloatBuffer.wrap(seed), new long[] {1, 1000});
        sessions.add(session(env, OnnxWriter.toBytes(g), threads, null));
        names.add("forward");
        feeds.add(Map.of(input, x));
        for (VjpGraph.StridedConv how : VjpGraph.StridedConv.values()) {
            VjpGraph.Built b = VjpGraph.build(g, input, List.of(logits), Map.of(logits, 2), how);
            sessions.add(session(env, OnnxWriter.toBytes(b.graph()), threads, null));
            names.add(how.name().toLowerCase(Locale.ROOT));
            feeds.add(Map.of(input, x, b.seeds().get(logits), s));
        }
        double[][] ms = new double[sessions.size()][runs];
        for (int r = -2; r < runs; r++) {
            for (int k = 0; k < sessions.size(); k++) {
                long t0 = System.nanoTime();
                sessions.get(k).run(feeds.get(k)).close();
                if (r >= 0) {
                    ms[k][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        for (int k = 0; k < sessions.size(); k++) {
            double[] v = ms[k].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%s_ms=%.1f%n", names.get(k), v[runs / 2]);
            if (k > 0) {
                double[] f = ms[0].clone();
                Arrays.sort(f);
                System.out.printf(Locale.ROOT, "%s_ratio=%.2f%n", names.get(k), v[runs / 2] / f[runs / 2]);
            }
        }
        if (profile) {
            VjpGraph.Built b = VjpGraph.build(g, input, List.of(logits), Map.of(logits, 2));
            Path dir = Files.createTempDirectory("vjp-profile");
            OrtSession p = session(env, OnnxWriter.toBytes(b.graph()), threads, dir.resolve("vjp").toString());
            for (int r = 0; r < 10; r++) {
                p.run(Map.of(input, x, b.seeds().get(logits), s)).close();
            }
            String file = p.endProfiling();
            String json = Files.readString(Path.of(file));
            Map<String, Double> byOp = new TreeMap<>();
            Matcher m = Pattern.compile("\"dur\"\\s*:\\s*(\\d+)[^}]*?\"op_name\"\\s*:\\s*\"(\\w+)\"").matcher(json);
            Map<String, Integer> counts = new HashMap<>();
            while (m.find()) {
                byOp.merge(m.group(2), Double.parseDouble(m.group(1)) / 1000.0 / 10, Double::sum);
                counts.merge(m.group(2), 1, Integer::sum);
            }
            byOp.entrySet().stream().sorted((a, c) -> Double.compare(c.getValue(), a.getValue()))
                    .forEach(e -> System.out.printf(Locale.ROOT, "profile_%s_ms=%.2f (%d nodes)%n", e.getKey(), e.getValue(),
                            counts.get(e.getKey()) / 10));
        }
    }

    private static OrtSession session(OrtEnvironment env, byte[] model, int threads, String profile) throws Exception {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // as OrtForward: no spinning, so that one session's idle threads do not slow the next
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        if (profile != null) {
            o.enableProfiling(profile);
        }
        return env.createSession(model, o);
    }
}
