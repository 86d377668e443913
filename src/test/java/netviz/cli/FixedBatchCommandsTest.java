package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netviz.io.Npy;
import netviz.methods.attribution.AttributionModels;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model exported with its batch fixed to 1 (input [1, 2, 8, 8], a Reshape to [1, -1] inside, as
 * {@code torch.onnx.export} writes it without {@code dynamic_axes}) runs the batched commands end
 * to end, and their raw results equal those of the same model with a free batch.
 */
class FixedBatchCommandsTest {
    @TempDir
    Path dir;

    Path fixed;
    Path free;
    Path two;

    @BeforeEach
    void setUp() throws Exception {
        fixed = dir.resolve("fixed.onnx");
        free = dir.resolve("free.onnx");
        OnnxWriter.write(AttributionModels.cnn(61, 2, true, 1, true), fixed);
        OnnxWriter.write(AttributionModels.cnn(61, 2, true), free);
        two = dir.resolve("two.npy");
        Npy.write(two, AttributionModels.random(new Random(62), 2 * 2 * 64, 1), 2, 2, 8, 8);
    }

    private float[] both(String... args) {
        float[] first = null;
        for (Path m : List.of(fixed, free)) {
            Path raw = dir.resolve(m.getFileName() + "-" + args[0] + ".npy");
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--model", m.toString(), "--raw", raw.toString(),
                    "--out", dir.resolve(m.getFileName() + "-" + args[0] + ".png").toString()));
            Cli.Result r = Cli.run(all.toArray(String[]::new));
            assertEquals(0, r.code(), String.join(" ", all) + " → " + r);
            assertTrue(Files.exists(raw));
            float[] v = Npy.read(raw).toFloatArray();
            if (first == null) {
                first = v;
            } else {
                assertArrayEquals(first, v, 1e-4f, args[0]);
            }
        }
        return first;
    }

    @Test
    void infoSaysThePassesOnce() {
        Cli.Result r = Cli.run("info", "--model", fixed.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, r.out().lines().filter(l -> l.equals(
                "batch     fixed to 1 by the input; netviz runs any number of images in passes of 1")).count(), r.out());
        Cli.Result f = Cli.run("info", "--model", free.toString());
        assertTrue(f.out().lines().noneMatch(l -> l.startsWith("batch ")), f.out());
    }

    @Test
    void occlusion() {
        both("occlusion", "--input", two.toString(), "--window", "3", "--stride", "2");
    }

    @Test
    void integratedGradients() {
        both("integrated-gradients", "--input", two.toString(), "--steps", "8");
    }

    @Test
    void smoothGrad() {
        both("saliency", "--input", two.toString(), "--smooth", "5");
    }

    @Test
    void maximizeTwoClasses() {
        Cli.Result r = Cli.run("maximize", "--model", fixed.toString(), "--target", "0,2", "--iterations", "20",
                "--out", dir.resolve("max.png").toString(), "--raw", dir.resolve("max.npy").toString(), "--no-progress");
        assertEquals(0, r.code(), r.toString());
        assertArrayEquals(new long[] {2, 2, 8, 8}, Npy.read(dir.resolve("max.npy")).shape());
    }
}
