package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code netviz serve} is registered, documents its options and turns bad options into one-line errors. */
class ServeCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("serve", "--help");
        assertEquals(0, r.code(), r.err());
        for (String o : new String[] {"--model", "--data", "--port", "--host", "--cache", "--limit", "--queue", "127.0.0.1"}) {
            assertTrue(r.out().contains(o), o + " missing in: " + r.out());
        }
        assertTrue(run("--help").out().contains("serve"), "listed among the commands");
    }

    @Test
    void badOptionsAreUserErrors() {
        Run port = run("serve", "--port", "70000", "--cache", "target/serve-test-cache");
        assertEquals(Main.EXIT_USER_ERROR, port.code());
        assertTrue(port.err().contains("--port must be between 0 and 65535"), port.err());
        Run model = run("serve", "--model", "no-such-model.onnx", "--port", "0", "--cache", "target/serve-test-cache");
        assertEquals(Main.EXIT_USER_ERROR, model.code());
        assertEquals(1, model.err().strip().lines().count(), "one line: " + model.err());
        Run limit = run("serve", "--limit", "-1", "--cache", "target/serve-test-cache");
        assertEquals(Main.EXIT_USER_ERROR, limit.code());
    }
}
