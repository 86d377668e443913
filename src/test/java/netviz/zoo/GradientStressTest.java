package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Values;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Stress harness for the engine's determinism: MemoryTest's probe pattern (the ResNet-shaped zoo
 * model, one fixed input, autograd {@link Interpreter#gradient} and rule-based
 * {@link Interpreter#backward} in turn, each pass in its own request scope) plus folded
 * {@link Interpreter#forward} passes, repeated for a fixed time by one or several threads sharing
 * one interpreter (as the web app's job executor does). Every pass's results must be finite and
 * equal to the first pass's of the same kind (within {@value #TOLERANCE} of the largest magnitude;
 * bitwise differences are counted and reported).
 *
 * <p>Not part of the normal suite (minutes of CPU): run it with
 * {@code mvn -o -q test -Dtest=GradientStressTest -Dnetviz.stress=true [-Dnetviz.stress.seconds=120]
 * [-Dnetviz.stress.threads=1,2] [-Dnetviz.stress.gcEveryMs=20]}. Each thread count runs in a fresh JVM with a small fixed heap
 * ({@code -Xmx192m}, as MemoryTest's probe), so that garbage collections, which free the direct
 * buffers behind arrays made from Java data, happen every few passes.
 */
public class GradientStressTest {
    static final double TOLERANCE = 1e-5;

    @Test
    @EnabledIfSystemProperty(named = "netviz.stress", matches = "true")
    void repeatedPassesGiveIdenticalFiniteGradients() throws Exception {
        int seconds = Integer.getInteger("netviz.stress.seconds", 120);
        int gcEveryMs = Integer.getInteger("netviz.stress.gcEveryMs", 20);
        for (String t : System.getProperty("netviz.stress.threads", "1,2").split(",")) {
            int threads = Integer.parseInt(t.trim());
            String out = runChild(seconds, threads, gcEveryMs);
            System.out.print(out);
            String summary = out.lines().filter(l -> l.startsWith("STRESS ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no summary from the stress run:\n" + out));
            assertTrue(summary.contains(" failures=0 "), summary);
        }
    }

    private static String runChild(int seconds, int threads, int gcEveryMs) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xms192m", "-Xmx192m", "-Xss8m",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dai.djl.pytorch.graph_optimizer=false", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                "-cp", System.getProperty("java.class.path"), GradientStressTest.class.getName(),
                String.valueOf(seconds), String.valueOf(threads), String.valueOf(gcEveryMs)));
        Path log = Files.createTempFile("netviz-stress-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds + 300L, TimeUnit.SECONDS)) {
                fail("the stress run did not finish within " + (seconds + 300) + " s");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "the stress run failed (exit " + p.exitValue() + "):\n" + out);
            return out;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    /** The kinds of pass, in the order each thread cycles through them. */
    enum Kind { AUTOGRAD, RULES, FORWARD }

    /** One pass's results: gradient wrt the input and the probe (or the logits, for forward). */
    record Result(double objective, float[] a, float[] b) {
    }

    /**
     * {@code args}: seconds, threads, and optionally a period in ms at which a background thread
     * forces a garbage collection (0: none; forced collections make lifetime bugs far likelier to
     * show). Prints one line per failure (at most 20) and a summary
     * "STRESS threads=T seconds=S gcEveryMs=G passes=N autograd=… rules=… forward=… failures=F nonFinite=K
     * bitwiseDiffs=D maxRelDiff=X"; exits 1 when a pass failed.
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int gcEveryMs = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ZooModel z = ModelZoo.resnetV1(11, 2);
        float[] x = Ort.randomInput(z.inputShape(), 3);
        Objective obj = Objective.logits(z.logits(), new int[] {3, 7}).plus(Objective.channel(z.probes().get(4), 1));
        List<String> wrt = List.of(z.input(), z.probes().get(4));
        AtomicLong[] counts = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        AtomicLong failures = new AtomicLong();
        AtomicLong nonFinite = new AtomicLong();
        AtomicLong bitwise = new AtomicLong();
        AtomicReference<Double> maxRel = new AtomicReference<>(0.0);
        AtomicReference<Throwable> crash = new AtomicReference<>();
        try (Interpreter it = Interpreter.of(z.graph())) {
            Result[] reference = new Result[Kind.values().length];
            for (Kind k : Kind.values()) {
                reference[k.ordinal()] = pass(it, z, x, obj, wrt, k);
                if (!finite(reference[k.ordinal()])) {
                    System.out.println("FAIL reference " + k + " pass is not finite");
                    failures.incrementAndGet();
                    nonFinite.incrementAndGet();
                }
            }
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> workers = new ArrayList<>();
            AtomicLong gcs = new AtomicLong();
            if (gcEveryMs > 0) {
                // garbage collections (which free the direct buffers of unreachable DJL arrays) at random moments
                Thread gc = new Thread(() -> {
                    while (System.nanoTime() < deadline) {
                        System.gc();
                        gcs.incrementAndGet();
                        try {
                            Thread.sleep(gcEveryMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "stress-gc");
                gc.setDaemon(true);
                gc.start();
            }
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    long i = id; // threads start at different kinds
                    try {
                        while (System.nanoTime() < deadline) {
                            Kind k = Kind.values()[(int) (i % Kind.values().length)];
                            Result r = pass(it, z, x, obj, wrt, k);
                            long n = counts[k.ordinal()].incrementAndGet();
                            Result ref = reference[k.ordinal()];
                            boolean fin = finite(r);
                            double rel = Math.max(relDiff(r.a(), ref.a()), relDiff(r.b(), ref.b()));
                            rel = Math.max(rel, Math.abs(r.objective() - ref.objective())
                                    / Math.max(1e-6, Math.abs(ref.objective())));
                            maxRel.accumulateAndGet(Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel, Math::max);
                            if (!java.util.Arrays.equals(r.a(), ref.a()) || !java.util.Arrays.equals(r.b(), ref.b())) {
                                bitwise.incrementAndGet();
                            }
                            if (!fin || !(rel <= TOLERANCE)) {
                                if (!fin) {
                                    nonFinite.incrementAndGet();
                                }
                                if (failures.incrementAndGet() <= 20) {
                                    System.out.printf("FAIL thread %d, %s pass %d: finite=%b, relative difference %.3g, "
                                            + "objective %s (first pass %s)%n", id, k, n, fin, rel, r.objective(),
                                            ref.objective());
                                }
                            }
                            i++;
                        }
                    } catch (Throwable e) {
                        crash.compareAndSet(null, e);
                    }
                }, "stress-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            if (gcEveryMs > 0) {
                System.out.println("forced garbage collections: " + gcs.get());
            }
        }
        long passes = counts[0].get() + counts[1].get() + counts[2].get();
        if (crash.get() != null) {
            System.out.println("FAIL a worker threw: " + crash.get());
            crash.get().printStackTrace(System.out);
            failures.incrementAndGet();
        }
        System.out.printf("STRESS threads=%d seconds=%d gcEveryMs=%d passes=%d autograd=%d rules=%d forward=%d "
                        + "failures=%d nonFinite=%d bitwiseDiffs=%d maxRelDiff=%.3g%n", threads, seconds, gcEveryMs,
                passes, counts[0].get(),
                counts[1].get(), counts[2].get(), failures.get(), nonFinite.get(), bitwise.get(), maxRel.get());
        System.exit(failures.get() == 0 ? 0 : 1);
    }

    static Result pass(Interpreter it, ZooModel z, float[] x, Objective obj, List<String> wrt, Kind kind) {
        try (NDManager m = it.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            switch (kind) {
                case FORWARD: {
                    Values v = it.forward(m, in, z.probes().get(4));
                    return new Result(0, v.get(z.logits()).toFloatArray(), v.get(z.probes().get(4)).toFloatArray());
                }
                case AUTOGRAD: {
                    Gradients g = it.gradient(m, Map.of(z.input(), in), obj, wrt);
                    return new Result(g.objective(), g.wrt(wrt.get(0)).toFloatArray(), g.wrt(wrt.get(1)).toFloatArray());
                }
                default: {
                    Gradients g = it.backward(m, Map.of(z.input(), in), obj, wrt, BackwardRules.none());
                    return new Result(g.objective(), g.wrt(wrt.get(0)).toFloatArray(), g.wrt(wrt.get(1)).toFloatArray());
                }
            }
        }
    }

    static boolean finite(Result r) {
        if (!Double.isFinite(r.objective())) {
            return false;
        }
        for (float[] a : new float[][] {r.a(), r.b()}) {
            for (float v : a) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** max |a - b| / max(1e-6, max |b|). */
    static double relDiff(float[] a, float[] b) {
        double diff = 0;
        double scale = 1e-6;
        for (int i = 0; i < b.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return a.length != b.length ? Double.POSITIVE_INFINITY : diff / scale;
    }
}
