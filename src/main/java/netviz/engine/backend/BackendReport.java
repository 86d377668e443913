package netviz.engine.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the backend guard found and decided in this process: the machine, the route chosen by the
 * (cached) probe and the route active now, the in-process self-check, and the native warnings that
 * were muted. {@link #lines()} is what {@code netviz doctor} prints; {@link #toMap()} is its JSON.
 *
 * @param machine      CPU, flags, cores, threads, libtorch version
 * @param chosen       the route the verdict (or an override) asked for
 * @param active       the route in force now (differs from {@code chosen} after an in-process fallback)
 * @param source       where the route came from (cache, probe, override, user's environment)
 * @param userIsa      the user's own ONEDNN_MAX_CPU_ISA, or null
 * @param capApplied   whether netviz put an instruction-set cap into this process's environment
 * @param preloaded    whether libtorch was already loaded before netviz's guard ran (library use)
 * @param nativeMuted  whether libtorch's C++ warnings were muted
 * @param onednn       whether oneDNN is on for convolutions now
 * @param checks       the in-process self-check, after any fallback
 * @param verdict      the probe's verdict (null when a route was forced or the user set the cap)
 * @param fallback     why the in-process check switched oneDNN off, or null
 * @param micros       time spent by the guard in this process, in microseconds
 * @param engineVersion DJL's name for the PyTorch version
 */
public record BackendReport(Backend.Machine machine, Route chosen, Route active, String source, String userIsa,
                            boolean capApplied, boolean preloaded, boolean nativeMuted, boolean onednn,
                            List<KernelCheck> checks, Backend.Verdict verdict, String fallback, long micros,
                            String engineVersion) {

    static BackendReport probeChild() {
        return new BackendReport(null, Route.DEFAULT, Route.DEFAULT, "probe child", null, false, false, false, true,
                List.of(), null, null, 0, "?");
    }

    /** Whether every in-process check passed (pictures can be trusted). */
    public boolean trusted() {
        return KernelChecks.allPassed(checks);
    }

    /** The names of the failed checks, or "none". */
    public String failedSummary() {
        return failed(checks);
    }

    static String failed(List<KernelCheck> checks) {
        List<String> f = new ArrayList<>();
        for (KernelCheck c : checks) {
            if (!c.passed()) {
                f.add(c.name() + String.format(java.util.Locale.ROOT, " off by %.2g", c.error()));
            }
        }
        if (f.isEmpty()) {
            return "none";
        }
        return String.join("; ", f.subList(0, Math.min(3, f.size()))) + (f.size() > 3 ? "; and " + (f.size() - 3)
                + " more" : "");
    }

    /** The safe path in force, in words, or null when libtorch runs as it is. */
    public String safePath() {
        if (active == Route.DEFAULT && userIsa == null) {
            return null;
        }
        if (userIsa != null && active.onednn()) {
            return "oneDNN capped at " + userIsa + " by the user's ONEDNN_MAX_CPU_ISA";
        }
        if (active.isaCap() != null && !capApplied) {
            return active.describe() + " was asked for but libtorch was already loaded, so the cap may not apply";
        }
        return active.describe();
    }

    /** The doctor's text. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        if (machine == null) {
            out.add("backend: probe child (no guard)");
            return out;
        }
        out.add("libtorch:   " + machine.libtorch() + " (DJL engine PyTorch " + engineVersion + ")");
        out.add("CPU:        " + machine.cpu() + " (" + machine.vendor() + " family " + machine.family() + " model "
                + machine.model() + " stepping " + machine.stepping() + "), best ISA " + machine.isa());
        out.add("threads:    " + machine.threads() + " of " + machine.cores() + " cores");
        out.add("route:      " + active.id() + " — " + active.describe());
        out.add("decided by: " + source + (fallback != null ? "; then " + fallback : ""));
        out.add("safe path:  " + (safePath() == null ? "none needed (libtorch runs as it is)" : safePath()));
        if (verdict != null) {
            out.add("probe:      " + (verdict.fromCache() ? "cached from " + verdict.checkedAt() : "run now")
                    + ", " + verdict.probeMillis() + " ms when it ran; routes tried, fastest first:");
            verdict.tried().forEach((r, s) -> out.add("  " + String.format("%-12s", r.id()) + s));
            if (!verdict.nativeWarnings().isEmpty()) {
                out.add("native warnings (muted" + (nativeMuted ? "" : " — NOT muted in this process") + "):");
                verdict.nativeWarnings().forEach(w -> out.add("  " + w));
            }
        }
        out.add("self-check in this process (" + checks.size() + " checks, " + (micros / 1000) + " ms): "
                + (checks.isEmpty() ? "SKIPPED (netviz.backend.check=false)"
                : trusted() ? "all passed" : "FAILED: " + failedSummary()));
        for (KernelCheck c : checks) {
            out.add("  " + c.line());
        }
        out.add("verdict:    " + (checks.isEmpty() ? "UNCHECKED — the route runs as forced, without confirmation"
                : trusted() ? "OK — pictures are computed with kernels that passed the self-check"
                : "UNTRUSTED — netviz refuses to compute on this machine"));
        return out;
    }

    /** The same as a JSON-friendly map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trusted", trusted());
        if (machine != null) {
            m.put("libtorch", machine.libtorch());
            m.put("cpu", machine.cpu());
            m.put("cpuFamily", machine.family());
            m.put("cpuModel", machine.model());
            m.put("isa", machine.isa());
            m.put("cores", machine.cores());
            m.put("threads", machine.threads());
        }
        m.put("route", active.id());
        m.put("routeChosen", chosen.id());
        m.put("routeDescription", active.describe());
        m.put("decidedBy", source);
        m.put("fallback", fallback);
        m.put("safePath", safePath());
        m.put("onednn", onednn);
        m.put("userIsaCap", userIsa);
        m.put("nativeWarningsMuted", nativeMuted);
        if (verdict != null) {
            Map<String, String> tried = new LinkedHashMap<>();
            verdict.tried().forEach((r, s) -> tried.put(r.id(), s));
            m.put("routesTried", tried);
            m.put("probedAt", verdict.checkedAt());
            m.put("probeMillis", verdict.probeMillis());
            m.put("nativeWarnings", verdict.nativeWarnings());
        }
        List<Map<String, Object>> cs = new ArrayList<>();
        for (KernelCheck c : checks) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.name());
            x.put("error", Double.isFinite(c.error()) ? c.error() : null);
            x.put("tolerance", c.tolerance());
            x.put("passed", c.passed());
            cs.add(x);
        }
        m.put("selfCheckMillis", micros / 1000.0);
        m.put("checks", cs);
        return m;
    }
}
