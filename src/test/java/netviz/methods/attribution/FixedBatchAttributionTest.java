package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.Function;
import netviz.engine.Interpreter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every attribution method on a model with a fixed batch (1 or 4; the flatten a Flatten or a
 * Reshape to [B, -1]) gives the numbers of the same model with a free batch: saliency,
 * SmoothGrad, Integrated Gradients, occlusion, guided backpropagation, Grad-CAM and guided
 * Grad-CAM, on 5 images (not a multiple of 4: the last pass is padded). Float64, so the two agree
 * to rounding.
 */
class FixedBatchAttributionTest {

    static Interpreter f64(long batch, boolean reshape) {
        return Interpreter.of(AttributionModels.cnn(31, 2, true, batch, reshape),
                Interpreter.Options.defaults().withPrecision(DataType.FLOAT64));
    }

    @ParameterizedTest(name = "batch {0}, reshape {1}")
    @CsvSource({"1, false", "4, false", "1, true", "4, true"})
    void everyMethodEqualsTheFreeBatchModel(long batch, boolean reshape) {
        try (Interpreter free = f64(-1, false); Interpreter fixed = f64(batch, reshape); NDManager m = free.newScope()) {
            NDArray x = AttributionModels.images(m, 32, 5, 2, DataType.FLOAT64);
            Target perExample = Target.classes(0, 2, 1, 1, 0);
            same("forward", free, fixed, it -> new Attributions(
                    floats(AttributionModels.tensor(it, x, "prob_out")), new long[] {5, 3}, null));
            same("saliency", free, fixed, it -> new Saliency(it).attribute(x, Target.predicted()));
            same("gradient", free, fixed, it -> new Saliency(it).gradient(x, perExample));
            same("smoothgrad", free, fixed, it -> new NoiseTunnel(it, new Saliency(it),
                    NoiseTunnel.Options.defaults().withSamples(3).withBatch(7)).attribute(x, perExample));
            same("integrated gradients", free, fixed, it -> new IntegratedGradients(it,
                    IntegratedGradients.Options.defaults().withSteps(6).withBatch(9)).attribute(x, perExample));
            same("occlusion", free, fixed, it -> new Occlusion(it,
                    new Occlusion.Options(3, 2, Baseline.zero(), 7)).attribute(x, perExample));
            same("guided backprop", free, fixed, it -> new GuidedBackprop(it).attribute(x, perExample));
            same("grad-cam", free, fixed, it -> new GradCam(it).attribute(x, perExample));
            same("guided grad-cam", free, fixed, it -> new GuidedGradCam(it, "conv2").attribute(x, perExample));
            same("neuron", free, fixed, it -> new Saliency(it).attribute(x, Target.neuron("conv2", 4)));
        }
    }

    private static void same(String what, Interpreter free, Interpreter fixed, Function<Interpreter, Attributions> f) {
        Attributions a = f.apply(free);
        Attributions b = f.apply(fixed);
        assertArrayEquals(a.shape(), b.shape(), what);
        assertEquals(5, a.shape()[0], what);
        double norm = 0;
        for (int i = 0; i < a.values().length; i++) {
            assertEquals(a.values()[i], b.values()[i], 1e-6 * (1 + Math.abs(a.values()[i])), what + " at " + i);
            norm += Math.abs(a.values()[i]);
        }
        assertTrue(norm > 0, what + " is all zeros");
        if (a.target() != null) {
            assertEquals(a.target().toString(), b.target().toString(), what);
        }
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
