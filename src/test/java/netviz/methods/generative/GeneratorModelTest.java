package netviz.methods.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.file.Files;
import java.nio.file.Path;
import netviz.engine.Graph;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The code statistics of a generator cannot be changed through its accessors. */
class GeneratorModelTest {
    @Test
    void statisticsAreCopies() {
        Path p = Path.of("models", "fashion-mnist-generator.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(p), "bundled generator not present");
        Graph g = OnnxLoader.load(p);
        GeneratorModel m = GeneratorModel.of(g, p.toString());
        float[][] before = {m.min(), m.max(), m.mean(), m.std(), m.p01(), m.p99()};
        float[][] handed = {m.min(), m.max(), m.mean(), m.std(), m.p01(), m.p99()};
        for (float[] a : handed) {
            java.util.Arrays.fill(a, Float.NaN);
        }
        float[][] after = {m.min(), m.max(), m.mean(), m.std(), m.p01(), m.p99()};
        for (int i = 0; i < before.length; i++) {
            assertEquals(m.codeSize(), after[i].length);
            assertArrayEquals(before[i], after[i], "statistic " + i + " changed through its accessor");
            assertNotSame(after[i], m.min());
        }
        // the arrays given to the constructor are copied too
        float[] min = m.min();
        GeneratorModel c = new GeneratorModel(g, "c", "", "relu3", m.codeSize(), min, m.max(), m.mean(), m.std(),
                m.p01(), m.p99());
        min[0] = Float.NaN;
        assertEquals(m.min()[0], c.min()[0]);
    }
}
