package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import org.junit.jupiter.api.Test;

class SaliencyTest {

    /** M(i,j) = max_c |dS/dI(c,i,j)| against central finite differences of S, in float64. */
    @Test
    void equalsCentralFiniteDifferencesInFloat64() {
        Graph g = AttributionModels.cnn(7, 2, true);
        try (Interpreter it = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 11, 1, 2, DataType.FLOAT64);
            double[] xv = x.toDoubleArray();
            int k = 2;
            Attributions sal = new Saliency(it).attribute(x, Target.classes(k));
            assertArrayEquals(new long[] {1, 8, 8}, sal.shape());
            double h = 1e-6;
            double[] fd = new double[2 * 64];
            for (int i = 0; i < xv.length; i++) {
                double[] p = xv.clone();
                p[i] += h;
                double up = AttributionModels.tensor(it, m.create(p, new Shape(1, 2, 8, 8)), "fc_out")[k];
                p[i] -= 2 * h;
                double down = AttributionModels.tensor(it, m.create(p, new Shape(1, 2, 8, 8)), "fc_out")[k];
                fd[i] = (up - down) / (2 * h);
            }
            double max = 0;
            for (int pix = 0; pix < 64; pix++) {
                double expect = Math.max(Math.abs(fd[pix]), Math.abs(fd[64 + pix]));
                max = Math.max(max, expect);
                assertEquals(expect, sal.values()[pix], 1e-6 + 1e-5 * expect, "pixel " + pix);
            }
            assertTrue(max > 1e-3, "the test model must have a non-trivial gradient");
            // the signed gradient is the finite difference itself
            Attributions grad = new Saliency(it).gradient(x, Target.classes(k));
            for (int i = 0; i < fd.length; i++) {
                assertEquals(fd[i], grad.values()[i], 1e-6 + 1e-5 * Math.abs(fd[i]));
            }
        }
    }

    /** One batched call with a target per example equals one call per image. */
    @Test
    void batchedWithPerExampleTargetsEqualsOneAtATime() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(3, 3, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 5, 3, 3, DataType.FLOAT32);
            int[] targets = {2, 0, 1};
            Saliency s = new Saliency(it);
            Attributions all = s.attribute(x, Target.classes(targets));
            assertArrayEquals(new long[] {3, 8, 8}, all.shape());
            for (int n = 0; n < 3; n++) {
                Attributions one = s.attribute(x.get(n + ":" + (n + 1)), Target.classes(targets[n]));
                assertArrayEquals(one.values(), all.example(n), 1e-6f);
                assertEquals(targets[n], all.target().index(n));
            }
        }
    }

    /** The default target is the predicted class, resolved inside the same pass. */
    @Test
    void defaultTargetIsThePredictedClass() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(3, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 8, 4, 1, DataType.FLOAT32);
            Attributions a = new Saliency(it).attribute(x, Target.predicted());
            for (int n = 0; n < 4; n++) {
                double[] s = AttributionModels.tensor(it, x.get(n + ":" + (n + 1)), "fc_out");
                int best = 0;
                for (int j = 1; j < s.length; j++) {
                    best = s[j] > s[best] ? j : best;
                }
                assertEquals(best, a.target().index(n));
                Attributions one = new Saliency(it).attribute(x.get(n + ":" + (n + 1)), Target.classes(best));
                assertArrayEquals(one.values(), a.example(n), 1e-6f);
            }
        }
    }

    @Test
    void badTargetsAndShapesAreOneClearLine() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(3, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 8, 1, 1, DataType.FLOAT32);
            OutOfRangeException e = assertThrows(OutOfRangeException.class,
                    () -> new Saliency(it).attribute(x, Target.classes(3)));
            assertEquals("target class 3 is out of range: the model has 3 classes (0 to 2)", e.getMessage());
            ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
                    () -> new Saliency(it).attribute(x.reshape(1, 64), Target.predicted()));
            assertTrue(s.getMessage().startsWith("saliency needs a batch of images of shape (N, C, H, W)"));
        }
    }
}
