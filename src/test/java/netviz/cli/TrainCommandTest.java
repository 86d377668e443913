package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import netviz.NetvizException;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

public class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAndOptionsParse() {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs();
        assertEquals(8, c.epochs); // the recipe of the bundled model (models/README.md)
        assertEquals(128, c.batchSize);
        assertEquals(1e-3f, c.learningRate);
        assertEquals(42, c.seed);
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), c.data);
        assertEquals(null, c.out);
        assertTrue(c.progress);
        new CommandLine(c).parseArgs("--epochs", "2", "--batch-size", "64", "--lr", "0.002", "--seed", "7",
                "--data", "d", "--out", "m.onnx", "--limit", "100", "--no-progress");
        assertEquals(2, c.epochs);
        assertEquals(64, c.batchSize);
        assertEquals(0.002f, c.learningRate);
        assertEquals(7, c.seed);
        assertEquals(Path.of("d"), c.data);
        assertEquals(Path.of("m.onnx"), c.out);
        assertEquals(100, c.limit);
        assertFalse(c.progress);
    }

    @Test
    void missingDataDirectoryIsAUserError() {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs("--data", dir.resolve("none").toString(), "--out", dir.resolve("m.onnx").toString());
        NetvizException e = assertThrows(NetvizException.class, c::call);
        assertEquals("Fashion-MNIST data directory '" + dir.resolve("none") + "' does not exist (give a directory holding"
                + " train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void aPartialRunMustNotReplaceTheBundledModel() {
        Cli.Result r = Cli.run("train", "--limit", "100", "--data", dir.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: --limit trains a partial model: give --out FILE.onnx so that the bundled model"
                + " is not replaced\n", r.err());
    }

    @Test
    void missingDataDirectoryIsOneLineAndExitCode2() {
        Cli.Result r = Cli.run("train", "--data", dir.resolve("none").toString(), "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: Fashion-MNIST data directory '"), r.toString());
        assertEquals(1, r.err().split("\n").length, r.toString());
        assertEquals("", r.out(), r.toString());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void aQuickRunWritesALoadableModelAndReports() {
        Path out = dir.resolve("quick.onnx");
        StringWriter text = new StringWriter();
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setOut(new PrintWriter(text));
        int code = cl.execute("--epochs", "1", "--limit", "256", "--batch-size", "64", "--no-progress", "--out", out.toString());
        assertEquals(0, code, text.toString());
        assertTrue(text.toString().contains("epoch 1  loss "), text.toString());
        assertTrue(text.toString().contains("test accuracy ") && text.toString().contains("on 10000 images"), text.toString());
        assertTrue(text.toString().contains("wrote " + out), text.toString());
        assertEquals("softmax", OnnxLoader.load(out).outputs().get(0).name());
    }
}
