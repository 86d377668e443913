package netviz.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs in the surefire execution {@code backend-injected} (with {@code -Dnetviz.backend.inject=conv-input-grad},
 * beside every attribution test): the probe saw every oneDNN route compute a wrong Conv input gradient and
 * chose oneDNN off, and the in-process check passes on it. The attribution tests of that execution then
 * show that the safe path gives the same numbers as their oracles.
 */
@EnabledIfSystemProperty(named = "netviz.backend.inject", matches = "conv-input-grad")
class BackendInjectedTest {

    @Test
    void theProbeRoutesAroundTheInjectedKernel() {
        BackendReport r = Backend.report();
        assertTrue(r.trusted(), () -> String.join("\n", r.lines()));
        assertEquals(Route.NO_ONEDNN, r.active(), () -> String.join("\n", r.lines()));
        if (r.verdict() != null) {
            assertNotNull(r.verdict().tried().get(Route.NO_ONEDNN));
            r.verdict().tried().forEach((route, outcome) -> {
                if (route.onednn()) {
                    assertTrue(outcome.startsWith("wrong:") && outcome.contains("input gradient"), route + ": " + outcome);
                } else {
                    assertEquals("ok", outcome);
                }
            });
        }
    }
}
