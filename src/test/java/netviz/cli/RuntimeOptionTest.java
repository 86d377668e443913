package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Random;
import netviz.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --runtime ort} and {@code --runtime torch} give the same numbers: the same confusion matrix
 * from {@code evaluate} on 200 bundled test images, and the same classes and probabilities (to 1e-5
 * relative to the largest) from {@code classify}; an unknown runtime is one readable line and exit
 * code 2, on a command, on {@code report} and on {@code serve}.
 */
class RuntimeOptionTest {

    static JsonNode json(String... args) throws Exception {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.toString());
        return OutputOptions.mapper().readTree(r.out());
    }

    @Test
    void evaluateGivesTheSameConfusionMatrixOnBothRuntimes() throws Exception {
        JsonNode ort = json("evaluate", "--limit", "200", "--json", "--no-progress", "--runtime", "ort");
        JsonNode torch = json("evaluate", "--limit", "200", "--json", "--no-progress", "--runtime", "torch");
        assertEquals(200, ort.get("examples").asInt());
        assertEquals(torch.get("confusion"), ort.get("confusion"));
        assertEquals(torch.get("correct"), ort.get("correct"));
    }

    @Test
    void classifyGivesTheSameProbabilitiesOnBothRuntimes(@TempDir Path dir) throws Exception {
        Random r = new Random(3);
        float[] x = new float[4 * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        Path in = dir.resolve("x.npy");
        Npy.write(in, x, 4, 1, 28, 28);
        JsonNode ort = json("classify", "--input", in.toString(), "--json", "-k", "10", "--runtime", "ort");
        JsonNode torch = json("classify", "--input", in.toString(), "--json", "-k", "10", "--runtime", "torch");
        for (int e = 0; e < 4; e++) {
            JsonNode a = ort.get("examples").get(e).get("top");
            JsonNode b = torch.get("examples").get(e).get("top");
            double top = b.get(0).get("probability").asDouble();
            for (int k = 0; k < 10; k++) {
                assertEquals(b.get(k).get("index"), a.get(k).get("index"), "example " + e + " rank " + k);
                assertEquals(b.get(k).get("probability").asDouble(), a.get(k).get("probability").asDouble(), 1e-5 * top,
                        "example " + e + " rank " + k);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"evaluate --limit 10 --no-progress", "report -o REPORT", "serve --port 0 --cache REPORT"})
    void anUnknownRuntimeIsOneLineAndExitCodeTwo(String command, @TempDir Path dir) {
        String[] args = (command.replace("REPORT", dir.resolve("r").toString()) + " --runtime tensorrt").split(" ");
        Cli.Result r = Cli.run(args);
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: unknown runtime 'tensorrt'; --runtime accepts ort (ONNX Runtime, the default) or"
                + " torch (the libtorch interpreter)", r.err().strip(), r.toString());
    }
}
