package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.Test;

/**
 * 1,000 forward+backward passes of a small model (alternating the autograd gradient and the
 * rule-based backward, each in its own request scope) must grow the process's resident memory
 * (VmRSS of /proc/self/status, which counts the Java heap and libtorch's native allocations alike)
 * by less than 5% after a warm-up. A leak of one small tensor per pass would show as megabytes.
 * The comparison is between resident-memory floors while running (the least of three samples 50
 * passes apart at the start and at the end of the 1,000 passes), so that allocator and JIT spikes
 * do not count as growth.
 */
public class MemoryTest {
    static final int WARMUP = 300;
    static final int PASSES = 1000;
    static final double MAX_GROWTH = 0.05;
    static final int SAMPLE = 50;

    @Test
    void thousandForwardBackwardPassesDoNotGrowResidentMemory() throws IOException {
        ZooModel z = ModelZoo.resnetV1(11, 2);
        float[] x = Ort.randomInput(z.inputShape(), 3);
        Objective obj = Objective.logits(z.logits(), new int[] {3, 7}).plus(Objective.channel(z.probes().get(4), 1));
        List<String> wrt = List.of(z.input(), z.probes().get(4));
        try (Interpreter it = Interpreter.of(z.graph())) {
            double checksum = 0;
            for (int i = 0; i < WARMUP; i++) {
                checksum += pass(it, z, x, obj, wrt, i);
            }
            // No forced GC here: it hands memory back and the next passes take it again, which
            // would read as growth. RSS is sampled every SAMPLE passes; glibc's arenas and the JIT make it jump up and
            // back by tens of MB, so the floor (minimum) of the first and of the last samples is
            // compared: a leak raises the floor, a transient spike does not.
            long[] rss = new long[PASSES / SAMPLE + 1];
            StringBuilder series = new StringBuilder("passes:RSS/JVM-committed/heap MiB");
            for (int i = 0; i < PASSES; i++) {
                checksum += pass(it, z, x, obj, wrt, i);
                if ((i + 1) % SAMPLE == 0) {
                    rss[(i + 1) / SAMPLE] = rssKb();
                    series.append(String.format(" %d:%d/%d/%d", i + 1, rss[(i + 1) / SAMPLE] / 1024, jvmCommittedKb() / 1024,
                            Runtime.getRuntime().totalMemory() >> 20));
                }
            }
            long before = Math.min(rss[1], Math.min(rss[2], rss[3]));
            long after = Math.min(rss[rss.length - 1], Math.min(rss[rss.length - 2], rss[rss.length - 3]));
            long peak = java.util.Arrays.stream(rss).max().orElse(0);
            // both floors are taken while running (a forced GC lowers RSS, so it would not compare like with like)
            double growth = (after - before) / (double) before;
            System.out.printf("Memory: VmRSS floor %d kB after %d warm-up passes, %d kB after %d more forward+backward "
                    + "passes (peak %d kB): growth %.2f%% (limit %.0f%%)%n", before, WARMUP, after, PASSES, peak,
                    100 * growth, 100 * MAX_GROWTH);
            System.out.println("Memory series " + series);
            assertTrue(Double.isFinite(checksum));
            assertTrue(growth < MAX_GROWTH, String.format("MEMORY LEAK: resident memory grew from %d kB to %d kB (%.1f%%) "
                    + "over %d forward+backward passes; %s", before, after, 100 * growth, PASSES, series));
        }
    }

    private static double pass(Interpreter it, ZooModel z, float[] x, Objective obj, List<String> wrt, int i) {
        try (NDManager m = it.newScope()) {
            NDArray in = m.create(x, new Shape(z.inputShape()));
            Gradients g = i % 2 == 0 ? it.gradient(m, Map.of(z.input(), in), obj, wrt)
                    : it.backward(m, Map.of(z.input(), in), obj, wrt, BackwardRules.none());
            return g.wrt(z.input()).abs().sum().getFloat() + g.objective();
        }
    }

    /** Heap and non-heap memory the JVM has committed (kB). */
    static long jvmCommittedKb() {
        java.lang.management.MemoryMXBean mx = java.lang.management.ManagementFactory.getMemoryMXBean();
        return (mx.getHeapMemoryUsage().getCommitted() + mx.getNonHeapMemoryUsage().getCommitted()) / 1024;
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
