package netviz.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * A model that normalises its own input (Sub/Div or Mul/Add on it, as Keras Rescaling and
 * Normalization layers export) gets, by default, no second normalisation from netviz: images are fed
 * in the pixel range its constants imply. Metadata and explicit presets still win.
 */
class InGraphPreprocessingTest {

    /** x (N, 3, 32, 32) → op1 with constant c1 [→ op2 with c2] → Relu. */
    static Graph model(String op1, float[] c1, String op2, float[] c2) {
        GraphBuilder g = new GraphBuilder("pre", 13);
        String t = g.node(op1, "pre1", List.of(g.input("x", -1, 3, 32, 32),
                g.initializer("c1", Tensor.ofFloats(new long[] {1, c1.length, 1, 1}, c1))));
        if (op2 != null) {
            t = g.node(op2, "pre2", List.of(t, g.initializer("c2", Tensor.ofFloats(new long[] {1, c2.length, 1, 1}, c2))));
        }
        g.output(g.node("Relu", "relu", List.of(t)));
        return g.build();
    }

    private static Preprocessing resolve(Graph g, String preset) {
        return ModelConfig.of(g).resolvePreprocessing(preset, g);
    }

    @Test
    void imagenetConstantsInTheGraphMeanPixelsInZeroOne() {
        Graph g = model("Sub", new float[] {0.485f, 0.456f, 0.406f}, "Div", new float[] {0.229f, 0.224f, 0.225f});
        assertEquals(1, ModelConfig.inGraphScale(g));
        Preprocessing p = resolve(g, null);
        assertArrayEquals(new float[] {0, 0, 0}, p.mean());
        assertArrayEquals(new float[] {1, 1, 1}, p.std());
        assertEquals(3, p.channels());
    }

    @Test
    void rescalingByOneOver255MeansPixelsInZero255() {
        for (Graph g : List.of(model("Mul", new float[] {1f / 255}, null, null),
                model("Mul", new float[] {1f / 127.5f}, "Add", new float[] {-1f}),
                model("Sub", new float[] {123.68f, 116.78f, 103.94f}, null, null),
                model("Div", new float[] {255f}, null, null))) {
            assertEquals(255, ModelConfig.inGraphScale(g));
            Preprocessing p = resolve(g, null);
            assertArrayEquals(new float[] {0, 0, 0}, p.mean());
            assertArrayEquals(new float[] {1 / 255f, 1 / 255f, 1 / 255f}, p.std());
        }
    }

    @Test
    void otherModelsAndExplicitChoicesAreUnchanged() {
        GraphBuilder b = new GraphBuilder("plain", 13);
        b.output(b.node("Relu", "relu", List.of(b.input("x", -1, 3, 32, 32))));
        Graph plain = b.build();
        assertEquals(0, ModelConfig.inGraphScale(plain));
        assertArrayEquals(Preprocessing.imagenet().mean(), resolve(plain, null).mean());
        Graph g = model("Mul", new float[] {1f / 255}, null, null);
        assertArrayEquals(Preprocessing.imagenet().mean(), resolve(g, "imagenet").mean());
    }
}
