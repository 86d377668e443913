package netviz.methods.evaluation;

import java.util.Arrays;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;

/**
 * {@link ParameterRandomization} on the bundled model: the layers top-down, a copy of the graph whose
 * chosen parameters (and only those) are Gaussian noise of the original's standard deviation, the
 * session's graph untouched, and the same noise for a layer at every step of the cascade.
 */
public class ParameterRandomizationTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    @Test
    void layersAreListedFromTheOutputDownAndOnlyTheirParametersChange() {
        Graph g = OnnxLoader.load(MODEL);
        List<ParameterRandomization.Layer> layers = ParameterRandomization.layers(g);
        assertEquals(List.of("fc2", "fc1", "conv2", "conv1"), layers.stream().map(ParameterRandomization.Layer::node)
                .toList());
        assertEquals(2, layers.get(0).parameters().size(), "weight and bias");
        float[][] before = g.initializers().values().stream().map(Tensor::toFloatArray).toArray(float[][]::new);

        Graph r = ParameterRandomization.randomized(g, layers.subList(0, 2), 7);
        int i = 0;
        for (String name : g.initializers().keySet()) {
            assertArrayEquals(before[i++], g.initializers().get(name).toFloatArray(), "the original graph is untouched");
            boolean randomised = layers.subList(0, 2).stream().anyMatch(l -> l.parameters().contains(name));
            Tensor o = g.initializers().get(name);
            Tensor n = r.initializers().get(name);
            if (!randomised) {
                assertSame(o, n, name);
                continue;
            }
            assertArrayEquals(o.shape(), n.shape(), name);
            assertFalse(Arrays.equals(o.toFloatArray(), n.toFloatArray()), name);
            if (o.size() >= 1000) {
                assertEquals(std(o.toFloatArray()), std(n.toFloatArray()), 0.1 * std(o.toFloatArray()), name);
            }
        }
        // step 3 re-uses step 2's noise for the two layers already randomised; the seed decides the noise
        Graph r3 = ParameterRandomization.randomized(g, layers.subList(0, 3), 7);
        Graph other = ParameterRandomization.randomized(g, layers.subList(0, 2), 8);
        for (String p : layers.get(0).parameters()) {
            assertArrayEquals(r.initializers().get(p).toFloatArray(), r3.initializers().get(p).toFloatArray());
            assertFalse(Arrays.equals(r.initializers().get(p).toFloatArray(),
                    other.initializers().get(p).toFloatArray()));
        }
    }

    static double std(float[] v) {
        double m = 0;
        for (float f : v) {
            m += f;
        }
        m /= v.length;
        double s = 0;
        for (float f : v) {
            s += (f - m) * (f - m);
        }
        return Math.sqrt(s / v.length);
    }
}
