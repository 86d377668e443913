package netviz.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process safe path, in a fresh JVM (the guard runs once per process): with a broken Conv input
 * gradient injected and the default route forced, the in-process check fails, oneDNN is switched off,
 * the check passes and the backend stays trusted; without the injection the forced route is kept.
 */
class BackendChildProcessTest {

    @TempDir
    Path cache;

    private JsonNode doctor(String... props) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-Dai.djl.pytorch.num_threads=1",
                "-Dnetviz.cache=" + cache));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("netviz.cli.Main", "doctor", "--json"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return new ObjectMapper().readTree(text).get("backend");
    }

    @Test
    void aBrokenConvGradientSwitchesOneDnnOffInProcess() throws Exception {
        JsonNode b = doctor("-Dnetviz.backend.route=default", "-Dnetviz.backend.inject=conv-input-grad");
        assertEquals("default", b.get("routeChosen").asText());
        assertEquals("no-onednn", b.get("route").asText(), b.toPrettyString());
        assertTrue(b.get("fallback").asText().contains("input gradient"), b.get("fallback").asText());
        assertTrue(b.get("trusted").asBoolean());
        assertTrue(!b.get("onednn").asBoolean());
    }

    @Test
    void withoutInjectionTheForcedRouteRunsChecked() throws Exception {
        JsonNode b = doctor("-Dnetviz.backend.route=no-onednn");
        assertEquals("no-onednn", b.get("route").asText());
        assertTrue(b.get("fallback").isNull());
        assertTrue(b.get("trusted").asBoolean(), b.toPrettyString());
        assertTrue(b.get("checks").size() > 10);
    }
}
