package netviz.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import netviz.methods.features.NearestNeighbors;

/**
 * Exact 10-NN of {@code --queries} database rows among {@code --rows} random 128-d Gaussian rows (the
 * k-NN row of {@code TsneBench}), the libtorch kernel and the ONNX Runtime kernel interleaved in one JVM,
 * {@code --rounds} rounds each ({@code --only ort} or {@code --only libtorch}: that kernel alone); prints the medians in ms per query (wall clock, and the process's CPU time,
 * less sensitive to other processes on a shared machine), their ratio, whether the two returned the same
 * neighbours, the load average before and after, and the resident memory after each round (it must not
 * grow from round to round: every native buffer of a search is released by its end).
 *
 * <p>{@code --cold} first times what a fresh JVM pays once: starting ONNX Runtime, a first 64-query
 * search, then three full searches one after the other.
 *
 * <p>Usage: {@code KnnBench [--rows N] [--queries Q] [--rounds R] [--only ort|libtorch] [--cold]}.
 */
public final class KnnBench {
    private KnnBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int nq = 2000;
        int rounds = 5;
        String only = null;
        boolean cold = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> n = Integer.parseInt(args[++i]);
                case "--queries" -> nq = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--cold" -> cold = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int d = 128;
        float[] x = gaussianRows(n, d);
        int[] q = spreadRows(n, nq);
        System.out.printf(Locale.ROOT, "load_before=%s%n", load());
        NearestNeighbors nn = new NearestNeighbors(x, d, NearestNeighbors.Metric.EUCLIDEAN);
        NearestNeighbors.Kernel[] kernels = {NearestNeighbors.Kernel.LIBTORCH, NearestNeighbors.Kernel.ORT};
        double[][] ms = new double[kernels.length][rounds];
        double[][] cpu = new double[kernels.length][rounds];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        NearestNeighbors.Result[] last = new NearestNeighbors.Result[kernels.length];
        if (cold) {
            long e0 = System.nanoTime();
            ai.onnxruntime.OrtEnvironment.getEnvironment();
            System.out.printf(Locale.ROOT, "ort environment %.1f ms%n", (System.nanoTime() - e0) / 1e6);
            e0 = System.nanoTime();
            nn.using(NearestNeighbors.Kernel.ORT).neighborsOf(Arrays.copyOf(q, 64), 10);
            System.out.printf(Locale.ROOT, "first 64-query call %.1f ms%n", (System.nanoTime() - e0) / 1e6);
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                nn.using(NearestNeighbors.Kernel.ORT).neighborsOf(q, 10);
                System.out.printf(Locale.ROOT, "cold call %d: %.3f ms/query%n", r, (System.nanoTime() - t0) / 1e6 / nq);
            }
        }
        for (NearestNeighbors.Kernel k : kernels) {
            if (only != null && !k.name().equalsIgnoreCase(only)) {
                continue;
            }
            nn.using(k).neighborsOf(Arrays.copyOf(q, 64), 10);   // warm-up
        }
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < kernels.length; v++) {
                if (only != null && !kernels[v].name().equalsIgnoreCase(only)) {
                    continue;
                }
                long t0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                last[v] = nn.using(kernels[v]).neighborsOf(q, 10);
                ms[v][r] = (System.nanoTime() - t0) / 1e6 / nq;
                cpu[v][r] = (os.getProcessCpuTime() - c0) / 1e6 / nq;
            }
            System.out.printf(Locale.ROOT, "round %d: libtorch %.3f ms/query (cpu %.3f), ort %.3f ms/query (cpu %.3f), memory %s%n",
                    r, ms[0][r], cpu[0][r], ms[1][r], cpu[1][r], memory());
        }
        double a = median(ms[0]);
        double b = median(ms[1]);
        System.out.printf(Locale.ROOT, "knn_rows=%d%nknn_queries=%d%nlibtorch_ms_per_query=%.3f%nort_ms_per_query=%.3f%n"
                + "libtorch_cpu_ms_per_query=%.3f%nort_cpu_ms_per_query=%.3f%n"
                + "ratio=%.2f%nsame_neighbours=%s%nload_after=%s%n", n, nq, a, b, median(cpu[0]), median(cpu[1]), b / a,
                only == null ? Arrays.equals(last[0].indices(), last[1].indices()) : "not compared", load());
    }

    /** The benchmarks' k-NN database: {@code n × d} standard Gaussian values, seed 1. */
    static float[] gaussianRows(int n, int d) {
        Random rnd = new Random(1);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** The benchmarks' k-NN queries: {@code nq} database rows spread evenly over the {@code n}. */
    static int[] spreadRows(int n, int nq) {
        int[] q = new int[nq];
        for (int i = 0; i < nq; i++) {
            q[i] = i * (n / nq);
        }
        return q;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * The process's resident memory ({@code VmRSS} of {@code /proc/self/status}) and, of it, the Java heap
     * the JVM has committed (which grows as it likes up to -Xmx); the rest is native memory.
     */
    static String memory() {
        try {
            long rssKb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
            long heapMb = Runtime.getRuntime().totalMemory() >> 20;
            return String.format(Locale.ROOT, "%d MB (Java heap committed %d MB)", rssKb >> 10, heapMb);
        } catch (Exception e) {
            return "?";
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
