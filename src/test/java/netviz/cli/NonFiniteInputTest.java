package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import netviz.NonFiniteModels;
import netviz.NonFiniteResultException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Finite or fail" through the CLI: a NaN, infinite or empty {@code --input} is refused by every
 * command with one line and exit code 2, naming the file and the first bad index; a model that
 * computes NaN (the bundled classifier with {@code Sqrt(t - 1000)} spliced in) makes every method
 * stop with one line naming the method and the step, exit code 1, and write no picture.
 */
class NonFiniteInputTest {
    @TempDir
    static Path dir;
    static Path nan;
    static Path inf;
    static Path negInf;
    static Path empty;
    static Path finite;
    static Path nanLogits;
    static Path nanEverywhere;

    @BeforeAll
    static void files() throws IOException {
        nan = NonFiniteModels.npy(dir.resolve("in/nan.npy"), Float.NaN);
        inf = NonFiniteModels.npy(dir.resolve("in/inf.npy"), Float.POSITIVE_INFINITY);
        negInf = NonFiniteModels.npy(dir.resolve("in/neg-inf.npy"), Float.NEGATIVE_INFINITY);
        empty = NonFiniteModels.emptyBatch(dir.resolve("in/empty.npy"));
        finite = NonFiniteModels.npy(dir.resolve("in/finite.npy"), 0.5f);
        nanLogits = NonFiniteModels.nanLogits(dir.resolve("models"));
        nanEverywhere = NonFiniteModels.nanEverywhere(dir.resolve("models"));
    }

    /** The commands that take {@code --input}, with an output under {@code out}. */
    private static List<String[]> inputCommands(Path out) {
        return List.of(
                new String[] {"classify"},
                new String[] {"forward", "--out-dir", out.resolve("fwd").toString()},
                new String[] {"activations", "--out", out.resolve("a.png").toString()},
                new String[] {"saliency", "--out", out.resolve("s.png").toString()},
                new String[] {"saliency", "--smooth", "2", "--out", out.resolve("sg.png").toString()},
                new String[] {"guided-backprop", "--out", out.resolve("g.png").toString()},
                new String[] {"integrated-gradients", "--steps", "4", "--out", out.resolve("ig.png").toString()},
                new String[] {"grad-cam", "--out", out.resolve("gc.png").toString()},
                new String[] {"grad-cam", "--guided", "--out", out.resolve("ggc.png").toString()},
                new String[] {"occlusion", "--window", "14", "--stride", "14", "--out", out.resolve("o.png").toString()});
    }

    @ParameterizedTest
    @ValueSource(strings = {"nan", "inf", "neg-inf"})
    void nonFiniteInputIsRefusedByEveryCommand(String which) throws IOException {
        Path file = dir.resolve("in/" + which + ".npy");
        String bad = which.equals("nan") ? "NaN" : which.equals("inf") ? "Infinity" : "-Infinity";
        Path out = Files.createDirectories(dir.resolve("out-" + which));
        for (String[] c : inputCommands(out)) {
            Cli.Result r = Cli.run(args(c, "--input", file.toString()));
            String line = assertOneLine(r, 2);
            assertTrue(line.contains("input '" + file + "' holds " + bad + " at index [0, 0, 3, 4] (1 of 784 values"),
                    c[0] + ": " + line);
        }
        assertNoFiles(out);
    }

    @Test
    void emptyBatchIsRefusedByEveryCommand() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out-empty"));
        for (String[] c : inputCommands(out)) {
            Cli.Result r = Cli.run(args(c, "--input", empty.toString()));
            String line = assertOneLine(r, 2);
            assertTrue(line.contains("input '" + empty + "' has shape [0, 1, 28, 28]: an empty batch"), c[0] + ": " + line);
        }
        assertNoFiles(out);
    }

    @Test
    void nonFiniteNpyDatasetIsRefusedNamingTheImage() throws IOException {
        float[] v = new float[3 * 28 * 28];
        v[2 * 784 + 5 * 28 + 6] = Float.NaN;
        Path data = dir.resolve("ds/batch.npy");
        Files.createDirectories(data.getParent());
        netviz.io.Npy.write(data, v, 3, 1, 28, 28);
        netviz.io.Npy.write(dir.resolve("ds/batch-labels.npy"), netviz.engine.Tensor.ofLongs(new long[] {3}, new long[] {0, 1, 2}));
        Path out = Files.createDirectories(dir.resolve("out-ds"));
        Cli.Result r = Cli.run("evaluate", "--data", data.toString(), "--out", out.resolve("c.png").toString());
        String line = assertOneLine(r, 2);
        assertTrue(line.contains("'" + data + "' image 2 holds NaN at index [0, 5, 6]"), line);
        assertNoFiles(out);
    }

    /** Each method on the model whose class scores are NaN: one line naming it and the step, exit 1, no picture. */
    @Test
    void methodsStopWhenTheScoreIsNotFinite() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out-logits"));
        String m = nanLogits.toString();
        String in = finite.toString();
        List<String[]> cases = List.of(
                new String[] {"the model's output 'softmax' is not finite (NaN at index [0, 0]",
                        "classify", "-m", m, "--input", in},
                new String[] {"saliency of class 3 ('fc2_nan'): the class score in the forward pass is NaN", "saliency", "-m", m, "--input", in, "--target", "3"},
                new String[] {"the class score in the forward pass is NaN",
                        "saliency", "-m", m, "--input", in, "--target", "3", "--smooth", "2"},
                new String[] {"guided backprop of", "guided-backprop", "-m", m, "--input", in, "--target", "3"},
                new String[] {"integrated gradients of class 3 ('fc2_nan')", "integrated-gradients", "-m", m, "--input", in,
                        "--target", "3", "--steps", "4"},
                new String[] {"Grad-CAM of", "grad-cam", "-m", m, "--input", in, "--target", "3"},
                new String[] {"occlusion of class 3 ('fc2_nan')", "occlusion", "-m", m, "--input", in, "--target", "3",
                        "--window", "14", "--stride", "14"},
                new String[] {"the model's output 'softmax' is not finite", "evaluate", "-m", m, "--limit", "20"},
                new String[] {"activation maximization of 'fc2_nan' unit 3 became non-finite at step 1 of 3 (objective NaN",
                        "maximize", "-m", m, "--target", "3", "--iterations", "3"},
                new String[] {"DGN-AM for class 3 became non-finite at step 1 of 3 (logit NaN)",
                        "dgn", "-m", m, "--generator", "models/fashion-mnist-generator.onnx", "--target", "3", "--iterations", "3", "--am-iterations", "0"},
                new String[] {"multifaceted visualization of fc2_nan:8 became non-finite while scanning image",
                        "facets", "-m", m, "--target", "8", "--limit", "100"});
        List<String> failures = new ArrayList<>();
        for (String[] c : cases) {
            String[] a = Arrays.copyOfRange(c, 1, c.length);
            String[] withOut = args(a, "--out", out.resolve(c[1] + "-" + failures.size()).toString()
                    + (c[1].equals("dgn") || c[1].equals("facets") || c[1].equals("classify") ? "" : ".png"));
            Cli.Result r = Cli.run(c[1].equals("classify") ? a : withOut);
            String line = assertOneLine(r, NonFiniteResultException.EXIT_CODE);
            if (!line.contains(c[0]) || !line.contains("; the model overflows or divides by zero on this input")) {
                failures.add(c[1] + ": " + line);
            }
        }
        assertEquals(List.of(), failures);
        assertNoFiles(out);
    }

    /**
     * The issue's case, a run that goes NaN in mid-run: on the model with a cliff in its class
     * scores (finite below logit 10), DGN-AM and activation maximisation climb for several steps
     * and then stop with one line naming the class and the step at which they turned NaN.
     */
    @Test
    void runsThatTurnNonFiniteMidwayNameTheStep() throws IOException {
        Path cliff = NonFiniteModels.cliff(dir.resolve("models"), 10f);
        Path out = Files.createDirectories(dir.resolve("out-cliff"));
        Cli.Result r = Cli.run("dgn", "-m", cliff.toString(), "--generator", "models/fashion-mnist-generator.onnx",
                "--target", "3", "--iterations", "60", "--am-iterations", "0", "--out", out.resolve("dgn").toString());
        String line = assertOneLine(r, NonFiniteResultException.EXIT_CODE);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "^netviz: error: DGN-AM for class 3 became non-finite at step (\\d+) of 60 \\(logit NaN\\); ").matcher(line);
        assertTrue(m.find(), line);
        assertTrue(Integer.parseInt(m.group(1)) > 1, line);
        r = Cli.run("maximize", "-m", cliff.toString(), "--target", "3", "--iterations", "100",
                "--out", out.resolve("am.png").toString());
        line = assertOneLine(r, NonFiniteResultException.EXIT_CODE);
        m = java.util.regex.Pattern.compile("^netviz: error: activation maximization of 'fc2_nan' unit 3 became "
                + "non-finite at step (\\d+) of 100 \\(objective NaN").matcher(line);
        assertTrue(m.find(), line);
        assertTrue(Integer.parseInt(m.group(1)) > 1, line);
        assertNoFiles(out);
    }

    /** Dataset-wide methods on the model that is NaN from its first layer on. */
    @Test
    void datasetMethodsStopWhenActivationsAreNotFinite() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out-everywhere"));
        String m = nanEverywhere.toString();
        String cache = dir.resolve("cache").toString();
        List<String[]> cases = List.of(
                new String[] {"the dead-filter scan of layer 'relu1' became non-finite at image 0 (channel 0, mean activation NaN)",
                        "dead-filters", "-m", m, "--limit", "20", "--out", out.resolve("d.png").toString()},
                new String[] {"the features of layer 'relu3' are not finite for image",
                        "embed", "-m", m, "--limit", "50", "--cache-dir", cache, "--out", out.resolve("e.png").toString()},
                new String[] {"the features of layer 'relu3' are not finite for image",
                        "neighbors", "-m", m, "--index", "0", "--limit", "50", "--cache-dir", cache,
                        "--out", out.resolve("n.png").toString()},
                new String[] {"the top images of 'conv2' channel 1 became non-finite at image 0 (activation NaN)",
                        "top-images", "-m", m, "--layer", "conv2", "--channel", "1", "--limit", "20",
                        "--out", out.resolve("t.png").toString()},
                new String[] {"the activation map of layer 'conv1' is not finite",
                        "activations", "-m", m, "--input", finite.toString(), "--layer", "conv1",
                        "--out", out.resolve("a.png").toString()});
        List<String> failures = new ArrayList<>();
        for (String[] c : cases) {
            Cli.Result r = Cli.run(Arrays.copyOfRange(c, 1, c.length));
            String line = assertOneLine(r, NonFiniteResultException.EXIT_CODE);
            if (!line.contains(c[0])) {
                failures.add(c[1] + ": " + line);
            }
        }
        assertEquals(List.of(), failures);
        assertNoFiles(out);
    }

    /** The hint of every non-finite message points at forward --all: it must show where NaN starts. */
    @Test
    void forwardShowsWhichTensorsAreNotFinite() throws IOException {
        Path out = dir.resolve("out-forward");
        Cli.Result r = Cli.run("forward", "-m", nanLogits.toString(), "--input", finite.toString(), "--all",
                "--out-dir", out.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("fc2 ") && !l.contains("not finite")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("fc2_nan ") && l.endsWith("(10 values not finite)")),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("softmax") && l.endsWith("(10 values not finite)")),
                r::toString);
    }

    private static String[] args(String[] c, String... more) {
        String[] a = Arrays.copyOf(c, c.length + more.length);
        System.arraycopy(more, 0, a, c.length, more.length);
        return a;
    }

    /** One line {@code netviz: error: …} (warnings aside), no stack trace, the expected exit code; returns the line. */
    static String assertOneLine(Cli.Result r, int code) {
        assertEquals(code, r.code(), r::toString);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("warning:")
                && !l.startsWith("netviz: warning:")).toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("netviz: error: "), r::toString);
        return lines.get(0);
    }

    private static void assertNoFiles(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            assertEquals(List.of(), files, "nothing written");
        }
    }
}
