package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import netviz.ModelFormatException;
import netviz.io.Npy;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every user error is one line on stderr and exit code 2; a bug is one line and exit code 1; nothing half-written. */
class ErrorsTest {
    @TempDir
    Path dir;
    Path model;
    Path out;

    @BeforeEach
    void writeModel() {
        model = dir.resolve("small.onnx");
        OnnxWriter.write(InfoCommandTest.small(), model);
        out = dir.resolve("out");
    }

    private static void assertOneLineError(Cli.Result r, String expected) {
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: " + expected + "\n", r.err(), r.toString());
        assertEquals("", r.out());
    }

    private void assertNothingWritten() throws IOException {
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                assertEquals(0, s.count(), "files left in " + out);
            }
        }
    }

    @Test
    void missingModelFile() throws IOException {
        Path missing = dir.resolve("nope.onnx");
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[3], 1, 3);
        Cli.Result r = Cli.run("forward", "--model", missing.toString(), "--input", x.toString(), "--out-dir", out.toString());
        assertOneLineError(r, "model file '" + missing + "' does not exist");
        assertNothingWritten();
    }

    @Test
    void notAnOnnxFile() throws IOException {
        Path bogus = dir.resolve("bogus.onnx");
        Files.writeString(bogus, "this is a text file, not a model\n");
        Cli.Result r = Cli.run("info", "--model", bogus.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: 'bogus.onnx' is not"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void unknownTapSuggestsCloseNames() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[] {1, 2, 3}, 1, 3);
        Cli.Result r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(), "--tap", "relu",
                "--out-dir", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: unknown layer 'relu'; did you mean: relu1"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertNothingWritten();
    }

    @Test
    void wrongInputShapeNamesTheExpectedShape() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[8], 2, 4);
        Cli.Result r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(), "--out-dir", out.toString());
        assertOneLineError(r, "input 'x' has shape [2, 4] but the model expects [N, 3]");
        assertNothingWritten();
    }

    @Test
    void corruptNpy() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[] {1, 2, 3}, 1, 3);
        byte[] b = Files.readAllBytes(x);
        Files.write(x, Arrays.copyOf(b, b.length - 5));
        Cli.Result r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(), "--out-dir", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: ") && r.err().contains("x.npy"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertNothingWritten();

        Files.writeString(x, "not numpy at all");
        r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(), "--out-dir", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertNothingWritten();
    }

    @Test
    void integerNpyIsRejected() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, netviz.engine.Tensor.ofLongs(new long[] {1, 3}, 1, 2, 3));
        Cli.Result r = Cli.run("forward", "--model", model.toString(), "--input", x.toString(), "--out-dir", out.toString());
        assertOneLineError(r, "input '" + x + "' holds int64 values; --input takes a float32 array of shape (N,C,H,W) or (C,H,W)");
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        Cli.Result r = Cli.run("forward", "--model", model.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: Missing required option: '--out-dir=DIR'; see 'netviz forward --help'\n", r.err());

        r = Cli.run("infoo");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("info"), r.err());

        r = Cli.run("forward", "--model", model.toString(), "--out-dir", out.toString());
        assertOneLineError(r, "no input: give --image IMAGE or --input x.npy");
    }

    @Command(name = "boom")
    static final class Boom implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("kaboom");
        }
    }

    @Command(name = "wrapped")
    static final class Wrapped implements Runnable {
        @Override
        public void run() {
            throw new RuntimeException(new ModelFormatException("inner user error"));
        }
    }

    private static Cli.Result runWith(Object command, String... args) {
        CommandLine cl = Main.newCommandLine();
        cl.addSubcommand(command);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        int code = cl.execute(args);
        return new Cli.Result(code, o.toString(), e.toString());
    }

    @Test
    void unexpectedExceptionsExitOneAndShowTheTraceOnlyWhenVerbose() {
        Cli.Result r = runWith(new Boom(), "boom");
        assertEquals(1, r.code(), r.toString());
        assertEquals("netviz: internal error: java.lang.IllegalStateException: kaboom "
                + "(run with --verbose for the stack trace)\n", r.err());

        r = runWith(new Boom(), "boom", "--verbose");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("\tat netviz.cli.ErrorsTest$Boom.run"), r.err());

        r = runWith(new Boom(), "--verbose", "boom");
        assertTrue(r.err().contains("\tat netviz.cli.ErrorsTest$Boom.run"), r.err());

        r = runWith(new Wrapped(), "wrapped");
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: inner user error\n", r.err());
    }

    @Test
    void versionAndHelp() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("netviz "), r.out());
        r = Cli.run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info") && r.out().contains("forward"), r.out());
    }
}
