package netviz.engine.backend;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import netviz.NetvizException;

/**
 * Decides, once per process and before the first computation, how libtorch may compute on this
 * machine, so that a picture is never computed by a broken kernel.
 *
 * <ol>
 *   <li><b>Route.</b> The {@link KernelChecks#full full self-check} runs in short child processes
 *       ({@link KernelProbe}), one per {@link Route} in order of speed, until one passes: a kernel that
 *       computes wrongly or kills its process only fails that route. The verdict is cached per machine
 *       signature (CPU model and flags, cores, threads, libtorch version, check version) in
 *       {@code $NETVIZ_CACHE/backend} (default {@code ~/.cache/netviz/backend}), so this costs a few
 *       seconds once per machine and thread count.</li>
 *   <li><b>Apply.</b> An instruction-set cap is put into this process's C environment
 *       ({@code ONEDNN_MAX_CPU_ISA}) before libtorch starts; oneDNN-off is switched in libtorch's
 *       context. Libtorch's C++ warnings (e.g. "Could not initialize NNPACK") are muted; the doctor
 *       lists them.</li>
 *   <li><b>Confirm.</b> The {@link KernelChecks#quick quick self-check} runs in this process (three
 *       times when no probe verdict backs the route: a forced route or the user's own cap). If it
 *       fails (the cap came too late because the host program had already used libtorch, or the cache
 *       is stale), oneDNN is switched off here and the check runs again. If that fails too, the backend
 *       is untrusted: {@link #requireTrusted} throws, so no number is computed with it.</li>
 * </ol>
 * Overrides: {@code -Dnetviz.backend.route=default|avx512-core|avx2|avx|no-onednn} (or env
 * {@code NETVIZ_BACKEND_ROUTE}) forces a route without probing; {@code ONEDNN_MAX_CPU_ISA} set by the
 * user is respected (and checked). {@code -Dnetviz.backend.native-warnings=true} keeps libtorch's
 * warnings on stderr. {@code -Dnetviz.backend.check=false} skips the in-process check and its fallback
 * (for experiments and benchmarks that must run a route as it is; pictures are then unchecked).
 */
public final class Backend {
    /** Set in the probe child: no guard there. */
    static final String PROBE_PROPERTY = "netviz.backend.probe";
    /** Bumped when the checks change, so that cached verdicts are redone. */
    static final int CHECKS_VERSION = 1;
    private static final long PROBE_TIMEOUT_S = 240;

    private static volatile BackendReport report;
    private static volatile Boolean onednnNow = Boolean.TRUE;

    private Backend() {
    }

    /** Whether oneDNN is on for convolutions in this process now (as netviz set it). */
    static boolean onednnEnabledNow() {
        return onednnNow;
    }

    static void setOnednnState(boolean on) {
        onednnNow = on;
    }

    /** Runs the guard if it has not run in this process; cheap afterwards. */
    public static void ensure() {
        if (report == null) {
            init();
        }
    }

    /** The guard's findings (runs it first if needed). */
    public static BackendReport report() {
        ensure();
        return report;
    }

    /** Throws when this machine's kernels failed every route, naming the failed checks. */
    public static void requireTrusted() {
        BackendReport r = report();
        if (!r.trusted()) {
            throw new UntrustedBackendException("libtorch computes wrong results on this machine ("
                    + r.failedSummary() + ") and no safe path passed the self-check; run `netviz doctor` for details");
        }
    }

    /** Thrown when no safe route exists: computing would give wrong pictures. */
    public static final class UntrustedBackendException extends NetvizException {
        public UntrustedBackendException(String message) {
            super(message);
        }
    }

    private static synchronized void init() {
        if (report != null) {
            return;
        }
        if (Boolean.getBoolean(PROBE_PROPERTY)) {
            report = BackendReport.probeChild();
            return;
        }
        String userIsa = firstNonNull(NativeLibs.getenv("ONEDNN_MAX_CPU_ISA"), NativeLibs.getenv("DNNL_MAX_CPU_ISA"));
        boolean preloaded = NativeLibs.loaded("libtorch_cpu.so").isPresent();
        String forced = firstNonNull(System.getProperty("netviz.backend.route"), System.getenv("NETVIZ_BACKEND_ROUTE"));
        Machine machine = Machine.describe();
        Route route;
        String source;
        Verdict verdict = null;
        if (forced != null && !forced.isBlank()) {
            route = Route.parse(forced);
            source = "forced (netviz.backend.route=" + route.id() + ")";
        } else if (userIsa != null) {
            route = Route.DEFAULT;
            source = "ONEDNN_MAX_CPU_ISA=" + userIsa + " set by the user";
        } else {
            verdict = Verdict.cachedOrProbe(machine);
            route = verdict.route;
            source = verdict.fromCache ? "cached verdict (" + verdict.file + ")" : "probed now (" + verdict.file + ")";
        }
        boolean capApplied = false;
        if (route.isaCap() != null && userIsa == null) {
            capApplied = !preloaded && NativeLibs.setenv("ONEDNN_MAX_CPU_ISA", route.isaCap());
        }
        Engine engine = Engine.getEngine("PyTorch");
        boolean muted = false;
        if (!Boolean.getBoolean("netviz.backend.native-warnings")) {
            muted = NativeLibs.setTorchLogLevel(2);
        }
        if (!route.onednn()) {
            if (NativeLibs.setOnednnEnabled(false)) {
                onednnNow = false;
            }
        }
        List<KernelCheck> quick;
        long t0 = System.nanoTime();
        boolean unchecked = "false".equals(System.getProperty("netviz.backend.check"));
        if (unchecked) {
            // experiments and benchmarks only: the route as forced, no confirmation and no fallback
            quick = List.of();
            source += "; in-process check skipped (netviz.backend.check=false)";
        } else {
            // A route no probe verdict backs (forced, or the user's own ISA cap) is checked three times:
            // broken kernels are wrong only some of the time.
            quick = confirm(engine, verdict == null ? 3 : 1);
        }
        Route active = route;
        String fallback = null;
        if (!KernelChecks.allPassed(quick) && onednnNow) {
            List<KernelCheck> first = quick;
            if (NativeLibs.setOnednnEnabled(false)) {
                onednnNow = false;
                quick = confirm(engine, 3);
                active = Route.NO_ONEDNN;
                fallback = "the in-process check failed with " + route.id() + " (" + BackendReport.failed(first)
                        + "); oneDNN switched off";
            }
        }
        long micros = (System.nanoTime() - t0) / 1000;
        report = new BackendReport(machine, route, active, source, userIsa, capApplied, preloaded, muted, onednnNow,
                quick, verdict, fallback, micros, engine.getVersion());
        if (fallback != null || !report.trusted()) {
            System.err.println("netviz: warning: " + (report.trusted() ? fallback
                    : "libtorch computes wrong results on this machine; see `netviz doctor`"));
        }
    }

    /** The quick check up to {@code times} times, stopping at the first run with a failure. */
    private static List<KernelCheck> confirm(Engine engine, int times) {
        List<KernelCheck> checks = List.of();
        for (int i = 0; i < times; i++) {
            try (NDManager m = engine.newBaseManager()) {
                checks = KernelChecks.quick(m);
            }
            if (!KernelChecks.allPassed(checks)) {
                break;
            }
        }
        return checks;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    // ------------------------------------------------------------------ machine

    /** What identifies this machine's kernel behaviour. */
    public record Machine(String cpu, String vendor, String family, String model, String stepping, Set<String> flags,
                          int cores, int threads, String libtorch) {

        static Machine describe() {
            Map<String, String> info = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    int c = line.indexOf(':');
                    if (c > 0) {
                        info.putIfAbsent(line.substring(0, c).trim(), line.substring(c + 1).trim());
                    }
                    if (line.isBlank() && !info.isEmpty()) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: the signature uses what Java knows
            }
            Set<String> flags = new java.util.TreeSet<>(List.of(info.getOrDefault("flags", "").split("\\s+")));
            flags.remove("");
            int cores = Runtime.getRuntime().availableProcessors();
            String t = System.getProperty("ai.djl.pytorch.num_threads");
            int threads = cores;
            if (t != null) {
                try {
                    threads = Integer.parseInt(t.trim());
                } catch (NumberFormatException e) {
                    threads = cores;
                }
            }
            return new Machine(info.getOrDefault("model name", System.getProperty("os.arch")),
                    info.getOrDefault("vendor_id", "?"), info.getOrDefault("cpu family", "?"),
                    info.getOrDefault("model", "?"), info.getOrDefault("stepping", "?"),
                    Collections.unmodifiableSet(flags), cores, threads, libtorchVersion());
        }

        /** The best x86 instruction set this CPU announces, as oneDNN names it. */
        public String isa() {
            if (flags.contains("amx_tile")) {
                return "AVX512_CORE_AMX";
            }
            if (flags.contains("avx512_bf16")) {
                return "AVX512_CORE_BF16";
            }
            if (flags.contains("avx512_vnni")) {
                return "AVX512_CORE_VNNI";
            }
            if (flags.contains("avx512f") && flags.contains("avx512bw")) {
                return "AVX512_CORE";
            }
            if (flags.contains("avx2")) {
                return "AVX2";
            }
            if (flags.contains("avx")) {
                return "AVX";
            }
            return flags.isEmpty() ? "unknown" : "SSE41";
        }

        String signature() {
            return String.join("|", cpu, vendor, family, model, stepping, String.join(" ", flags),
                    "cores=" + cores, "threads=" + threads, "libtorch=" + libtorch, "checks=" + CHECKS_VERSION,
                    "inject=" + System.getProperty("netviz.backend.inject", ""));
        }

        String hash() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(signature().getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(d, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The routes worth trying on this CPU, fastest first. */
        List<Route> candidates() {
            List<Route> r = new ArrayList<>();
            r.add(Route.DEFAULT);
            String isa = isa();
            if (isa.startsWith("AVX512") && !isa.equals("AVX512_CORE")) {
                r.add(Route.AVX512_CORE);
            }
            if (isa.startsWith("AVX512")) {
                r.add(Route.AVX2);
            }
            if (isa.startsWith("AVX512") || isa.equals("AVX2")) {
                r.add(Route.AVX);
            }
            r.add(Route.NO_ONEDNN);
            return r;
        }
    }

    private static String libtorchVersion() {
        try (InputStream in = Backend.class.getResourceAsStream("/native/lib/pytorch.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "?") + "-" + p.getProperty("flavor", "?");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    // ------------------------------------------------------------------ verdict

    /** Which route passed the full self-check on this machine, and how every route tried did. */
    public static final class Verdict {
        final Route route;
        final Map<Route, String> tried;
        final List<String> nativeWarnings;
        final String checkedAt;
        final boolean fromCache;
        final Path file;
        final long probeMillis;

        Verdict(Route route, Map<Route, String> tried, List<String> nativeWarnings, String checkedAt,
                boolean fromCache, Path file, long probeMillis) {
            this.route = route;
            this.tried = tried;
            this.nativeWarnings = nativeWarnings;
            this.checkedAt = checkedAt;
            this.fromCache = fromCache;
            this.file = file;
            this.probeMillis = probeMillis;
        }

        public Route route() {
            return route;
        }

        /** Per route tried, in order: "ok" or what failed. */
        public Map<Route, String> tried() {
            return tried;
        }

        public List<String> nativeWarnings() {
            return nativeWarnings;
        }

        public String checkedAt() {
            return checkedAt;
        }

        public boolean fromCache() {
            return fromCache;
        }

        public Path file() {
            return file;
        }

        public long probeMillis() {
            return probeMillis;
        }

        static Path cacheDir() {
            String p = System.getProperty("netviz.cache", System.getenv("NETVIZ_CACHE"));
            Path base = p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "netviz");
            return base.resolve("backend");
        }

        static Verdict cachedOrProbe(Machine machine) {
            Path dir = cacheDir();
            Path file = dir.resolve(machine.hash() + ".properties");
            Verdict v = load(file, machine);
            if (v != null) {
                return v;
            }
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                    v = load(file, machine); // another process may have probed meanwhile
                    if (v != null) {
                        return v;
                    }
                    v = probe(machine, file);
                    save(v, machine);
                    return v;
                }
            } catch (IOException e) {
                // no writable cache: probe every time (slower, still safe)
                return probe(machine, file);
            }
        }

        static Verdict load(Path file, Machine machine) {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
            if (!machine.signature().equals(p.getProperty("signature"))) {
                return null;
            }
            try {
                Route route = Route.parse(p.getProperty("route", ""));
                Map<Route, String> tried = new LinkedHashMap<>();
                for (String id : p.getProperty("tried", "").split(",")) {
                    if (!id.isBlank()) {
                        Route r = Route.parse(id);
                        tried.put(r, p.getProperty("tried." + r.id(), "?"));
                    }
                }
                List<String> warnings = new ArrayList<>();
                for (int i = 0; p.getProperty("warning." + i) != null; i++) {
                    warnings.add(p.getProperty("warning." + i));
                }
                return new Verdict(route, tried, warnings, p.getProperty("checked", "?"), true, file,
                        Long.parseLong(p.getProperty("probe.ms", "0")));
            } catch (RuntimeException e) {
                return null;
            }
        }

        static void save(Verdict v, Machine machine) throws IOException {
            Properties p = new Properties();
            p.setProperty("signature", machine.signature());
            p.setProperty("route", v.route.id());
            p.setProperty("checked", v.checkedAt);
            p.setProperty("probe.ms", Long.toString(v.probeMillis));
            List<String> ids = new ArrayList<>();
            v.tried.forEach((r, s) -> {
                ids.add(r.id());
                p.setProperty("tried." + r.id(), s);
            });
            p.setProperty("tried", String.join(",", ids));
            for (int i = 0; i < v.nativeWarnings.size(); i++) {
                p.setProperty("warning." + i, v.nativeWarnings.get(i));
            }
            Path tmp = Files.createTempFile(v.file.getParent(), ".verdict", ".tmp");
            try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "netviz backend self-check verdict for " + machine.cpu());
            }
            try {
                Files.move(tmp, v.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, v.file, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        static Verdict probe(Machine machine, Path file) {
            long t0 = System.nanoTime();
            if (System.console() != null) {
                System.err.println("netviz: checking this machine's PyTorch kernels (once; the verdict is cached in "
                        + file.getParent() + ")");
            }
            Map<Route, String> tried = new LinkedHashMap<>();
            Set<String> warnings = new LinkedHashSet<>();
            Route chosen = null;
            for (Route r : machine.candidates()) {
                String outcome = runChild(r, machine, warnings);
                tried.put(r, outcome);
                if (outcome.equals("ok")) {
                    chosen = r;
                    break;
                }
            }
            if (chosen == null) {
                // every route failed: keep oneDNN off (the in-process check then decides whether to trust it)
                chosen = Route.NO_ONEDNN;
            }
            List<String> w = new ArrayList<>(warnings);
            return new Verdict(chosen, tried, w.subList(0, Math.min(w.size(), 12)), Instant.now().toString(), false,
                    file, (System.nanoTime() - t0) / 1_000_000);
        }

        /** Runs {@link KernelProbe} for one route; "ok" or what went wrong. */
        static String runChild(Route route, Machine machine, Set<String> warnings) {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> cmd = new ArrayList<>(List.of(java, "-Xss8m", "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"),
                    "-D" + PROBE_PROPERTY + "=true",
                    "-Dai.djl.offline=true",
                    "-Dai.djl.pytorch.graph_optimizer=false",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                    "-Dai.djl.pytorch.num_threads=" + machine.threads(),
                    "-Dai.djl.pytorch.num_interop_threads=1"));
            String inject = System.getProperty("netviz.backend.inject");
            if (inject != null) {
                cmd.add("-Dnetviz.backend.inject=" + inject);
            }
            cmd.add(KernelProbe.class.getName());
            cmd.add(route.id());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("ONEDNN_MAX_CPU_ISA");
            pb.environment().remove("DNNL_MAX_CPU_ISA");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            if (route.isaCap() != null) {
                pb.environment().put("ONEDNN_MAX_CPU_ISA", route.isaCap());
            }
            try {
                Process p = pb.start();
                p.getOutputStream().close();
                List<String> out = Collections.synchronizedList(new ArrayList<>());
                List<String> err = Collections.synchronizedList(new ArrayList<>());
                Thread to = drain(p.getInputStream(), out);
                Thread te = drain(p.getErrorStream(), err);
                if (!p.waitFor(PROBE_TIMEOUT_S, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "timed out after " + PROBE_TIMEOUT_S + " s";
                }
                to.join(5000);
                te.join(5000);
                for (String line : err) {
                    String l = line.strip();
                    if (!l.isEmpty() && warnings.size() < 64 && !l.startsWith("WARNING: ") && !l.contains("SLF4J")) {
                        warnings.add(l.replaceFirst("^\\[W\\d+ [0-9:.]+ ", "[W "));
                    }
                }
                List<String> failed = new ArrayList<>();
                boolean done = false;
                for (String line : out) {
                    String[] f = line.split("\t");
                    if (f[0].equals("check") && f.length == 4) {
                        KernelCheck c = new KernelCheck(f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]));
                        if (!c.passed()) {
                            failed.add(c.name() + String.format(Locale.ROOT, " %.2g", c.error()));
                        }
                    } else if (f[0].equals("done")) {
                        done = true;
                    }
                }
                int rc = p.exitValue();
                if (!done || rc != 0) {
                    String crash = rc > 128 ? "crashed (signal " + (rc - 128) + ")" : "exited with code " + rc;
                    String last = out.isEmpty() ? "" : "; last check reached: "
                            + out.get(out.size() - 1).replace('\t', ' ');
                    return crash + last;
                }
                if (failed.isEmpty()) {
                    return "ok";
                }
                return "wrong: " + String.join("; ", failed.subList(0, Math.min(4, failed.size())))
                        + (failed.size() > 4 ? "; and " + (failed.size() - 4) + " more" : "");
            } catch (IOException e) {
                return "could not start a check process: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        private static Thread drain(InputStream in, List<String> sink) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        sink.add(line);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "netviz-probe-drain");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
