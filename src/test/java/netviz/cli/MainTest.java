package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** Every registered command answers --help with its usage and exit code 0, and has a description. */
class MainTest {
    @Test
    void everyCommandHasHelpAndADescription() {
        Map<String, CommandLine> subs = Main.newCommandLine().getSubcommands();
        assertTrue(subs.keySet().containsAll(java.util.List.of("info", "forward", "classify", "evaluate")), subs.keySet().toString());
        for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            assertTrue(e.getValue().getCommandSpec().usageMessage().description().length > 0, e.getKey() + " has no description");
            Cli.Result r = Cli.run(e.getKey(), "--help");
            assertEquals(0, r.code(), e.getKey() + ": " + r);
            assertTrue(r.out().startsWith("Usage: netviz " + e.getKey()), e.getKey() + ": " + r.out());
            assertFalse(r.out().contains("${"), e.getKey() + " has an unresolved variable in its help: " + r.out());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("netviz: error: missing command"), r.err());
    }
}
