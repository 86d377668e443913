package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OPERATORS.md must say exactly what the registry implements. Run with
 * {@code -Dnetviz.updateDocs=true} to rewrite the file from the registry.
 */
class OperatorsDocTest {
    static final Path FILE = Path.of("OPERATORS.md");

    @Test
    void committedMatrixMatchesRegistry() throws IOException {
        List<OpDef> rows = OpRegistry.get().all();
        String want = OperatorsDoc.markdown(rows);
        if (Boolean.getBoolean("netviz.updateDocs")) {
            Files.writeString(FILE, want, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(FILE), "OPERATORS.md is missing; create it with " + OperatorsDoc.REGENERATE);
        String have = Files.readString(FILE, StandardCharsets.UTF_8);
        assertEquals(want, have, "OPERATORS.md differs from the operator registry; regenerate it with "
                + OperatorsDoc.REGENERATE);
    }

    @Test
    void everyRowIsListedWithItsRange() {
        String md = OperatorsDoc.markdown(OpRegistry.get().all());
        for (OpDef r : OpRegistry.get().all()) {
            assertTrue(md.contains("| " + r.opType() + " | " + r.range() + " |"), r.opType() + " " + r.range());
        }
        assertTrue(md.contains("| Clip | 1-10 | min/max attributes |"), md);
        assertTrue(md.contains("| Clip | 11-22 | min/max inputs |"), md);
    }
}
