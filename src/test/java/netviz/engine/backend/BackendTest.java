package netviz.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import netviz.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The backend guard in this JVM: the route it chose passes every kernel check, and the doctor says so. */
class BackendTest {

    @Test
    void theActiveRoutePassesEveryKernelCheck() {
        BackendReport r = Backend.report();
        assertTrue(r.trusted(), () -> String.join("\n", r.lines()));
        assertFalse(r.checks().isEmpty());
        for (KernelCheck c : r.checks()) {
            assertTrue(c.passed(), c::line);
        }
        if (r.verdict() != null) {
            assertEquals(r.verdict().route(), r.chosen());
            assertEquals("ok", r.verdict().tried().get(r.verdict().route()));
        }
        // the checks run again on the live engine (with the route in force) and still pass
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            List<KernelCheck> again = KernelChecks.quick(m);
            assertTrue(KernelChecks.allPassed(again), () -> BackendReport.failed(again));
        }
    }

    @Test
    void nativeSwitchesAreReachable() {
        Backend.ensure();
        // re-applying the state in force proves that the symbol is found and the call returns it
        assertTrue(NativeLibs.setOnednnEnabled(Backend.onednnEnabledNow()));
        assertTrue(NativeLibs.loaded("libtorch_cpu.so").isPresent());
        assertTrue(r().nativeMuted() || Boolean.getBoolean("netviz.backend.native-warnings"));
    }

    private static BackendReport r() {
        return Backend.report();
    }

    @Test
    void aNonFiniteErrorFails() {
        assertFalse(new KernelCheck("x", Double.NaN, 1e-4).passed());
        assertFalse(new KernelCheck("x", 2e-4, 1e-4).passed());
        assertTrue(new KernelCheck("x", 0, 1e-4).passed());
    }

    @Test
    void routesParseByTheirIds() {
        for (Route r : Route.values()) {
            assertEquals(r, Route.parse(r.id()));
        }
        assertEquals(Route.AVX512_CORE, Route.parse("AVX512_core"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Route.parse("sse"));
        assertTrue(e.getMessage().contains("no-onednn"), e.getMessage());
    }

    @Test
    void candidatesFollowTheCpuFlags() {
        Backend.Machine avx512 = new Backend.Machine("cpu", "v", "26", "2", "1",
                java.util.Set.of("avx", "avx2", "avx512f", "avx512bw", "avx512_bf16"), 2, 2, "t");
        assertEquals(List.of(Route.DEFAULT, Route.AVX512_CORE, Route.AVX2, Route.AVX, Route.NO_ONEDNN),
                avx512.candidates());
        Backend.Machine avx2 = new Backend.Machine("cpu", "v", "6", "2", "1", java.util.Set.of("avx", "avx2"), 2, 2,
                "t");
        assertEquals(List.of(Route.DEFAULT, Route.AVX, Route.NO_ONEDNN), avx2.candidates());
        assertEquals("AVX2", avx2.isa());
    }

    @Test
    void doctorPrintsEveryCheckAndTheVerdict() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        int code = cl.execute("doctor");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("route:"), text);
        assertTrue(text.contains("verdict:    OK"), text);
        assertTrue(text.contains("conv 3x3 3->8 8x8 batch 2: input gradient"), text);
        StringWriter json = new StringWriter();
        cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(json));
        assertEquals(0, cl.execute("doctor", "--json"));
        assertTrue(json.toString().contains("\"trusted\" : true") || json.toString().contains("\"trusted\":true"),
                json.toString());
        Map<String, Object> map = Backend.report().toMap();
        assertEquals(Backend.report().active().id(), map.get("route"));
    }
}
