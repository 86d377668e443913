package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import netviz.ShapeMismatchException;
import netviz.engine.Interpreter;
import org.junit.jupiter.api.Test;

class GradCamPlusPlusTest {

    /**
     * By hand on {@link AttributionModels#signSplit} with the image {@link AttributionModels#SIGN_SPLIT_IMAGE}:
     * the max-pool sends ∂S_0/∂P to one position per window, so for A_1 = ReLU(x) (Σ A_1 = 19) the
     * gradient is 1, −1, 0.5, 2 at four positions and 0 elsewhere, and for A_2 = ReLU(−x)
     * (Σ A_2 = 17) it is −1, −2, 0.5, −0.5. With α = g²/(2g² + ΣA·g³) = 1/(2 + ΣA·g) where g ≠ 0:
     * w_1 = 1/21·1 + 1/11.5·0.5 + 1/40·2 (g = −1 adds ReLU(−1) = 0) and w_2 = 1/10.5·0.5.
     */
    @Test
    void equalsTheClosedFormByHand() {
        double w1 = 1 / 21.0 + 0.5 / 11.5 + 2 / 40.0;
        double w2 = 0.5 / 10.5;
        try (Interpreter it = Interpreter.of(AttributionModels.signSplit(GradCamTest.SIGN_SPLIT_FC)); NDManager m = it.newScope()) {
            NDArray x = m.create(AttributionModels.SIGN_SPLIT_IMAGE, new Shape(1, 1, 4, 4));
            GradCamPlusPlus cam = new GradCamPlusPlus(it);
            assertEquals("relu_out", cam.layer(x), "the default layer of Grad-CAM");
            Attributions a = cam.attribute(x, Target.classes(0));
            assertArrayEquals(new long[] {1, 4, 4}, a.shape());
            assertEquals(0, a.target().index(0));
            for (int p = 0; p < 16; p++) {
                float v = AttributionModels.SIGN_SPLIT_IMAGE[p];
                assertEquals(w1 * Math.max(v, 0) + w2 * Math.max(-v, 0), a.values()[p], 1e-6, "pixel " + p);
            }
            // class 1: g = −1 at the four maxima of A_1 and 0 for A_2: every ReLU(g) is 0, so the map is 0
            assertArrayEquals(new float[16], new GradCamPlusPlus(it).attribute(x, Target.classes(1)).values());
        }
    }

    /** A batch explains each example on its own: the same maps as one image at a time. */
    @Test
    void aBatchEqualsOneImageAtATime() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(45, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 46, 3, 2, DataType.FLOAT32);
            Attributions all = new GradCamPlusPlus(it, "relu2").attribute(x, Target.predicted());
            for (int n = 0; n < 3; n++) {
                Attributions one = new GradCamPlusPlus(it, "relu2").attribute(x.get(n + ":" + (n + 1)),
                        Target.classes(all.target().index(n)));
                assertArrayEquals(one.values(), all.example(n), 1e-5f);
            }
            assertThrows(ShapeMismatchException.class, () -> new GradCamPlusPlus(it, "flatten").attribute(x, Target.predicted()));
        }
    }
}
