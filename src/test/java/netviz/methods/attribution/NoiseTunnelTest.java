package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import netviz.engine.Interpreter;
import org.junit.jupiter.api.Test;

class NoiseTunnelTest {

    @Test
    void zeroNoiseGivesTheWrappedMethod() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(51, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 52, 3, 2, DataType.FLOAT32);
            for (Attribution method : new Attribution[] {new Saliency(it), new GuidedBackprop(it)}) {
                Attributions plain = method.attribute(x, Target.predicted());
                Attributions smooth = new NoiseTunnel(it, method, new NoiseTunnel.Options(4, 0, 1, 5))
                        .attribute(x, Target.predicted());
                assertArrayEquals(plain.shape(), smooth.shape());
                assertArrayEquals(plain.values(), smooth.values(), 1e-6f);
                assertEquals(plain.target(), smooth.target());
            }
        }
    }

    /** The mean over noisy copies, the target fixed on the clean image, reproducible by seed. */
    @Test
    void averagesNoisyCopiesReproducibly() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(53, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 54, 2, 1, DataType.FLOAT32);
            Saliency s = new Saliency(it);
            Attributions clean = s.attribute(x, Target.predicted());
            NoiseTunnel.Options o = NoiseTunnel.Options.defaults().withSamples(6).withNoise(0.15).withSeed(7).withBatch(4);
            Attributions a = new NoiseTunnel(it, s, o).attribute(x, Target.predicted());
            Attributions b = new NoiseTunnel(it, s, o.withBatch(12)).attribute(x, Target.predicted());
            Attributions c = new NoiseTunnel(it, s, o.withSeed(8)).attribute(x, Target.predicted());
            assertEquals(clean.target(), a.target());
            assertArrayEquals(a.values(), b.values(), 1e-6f);
            assertFalse(Arrays.equals(a.values(), c.values()));
            assertFalse(Arrays.equals(a.values(), clean.values()));
            // a mean of saliency maps recorded through a wrapper that sees every noisy batch
            double[] sum = new double[a.values().length];
            int[] seen = {0};
            Attribution spy = new Attribution() {
                @Override
                public Attributions attribute(NDArray inputs, Target target) {
                    Attributions r = s.attribute(inputs, target);
                    for (int i = 0; i < r.size(); i++) {
                        int ex = (seen[0] + i) / 6;
                        float[] e = r.example(i);
                        for (int j = 0; j < e.length; j++) {
                            sum[ex * 64 + j] += e[j] / 6.0;
                        }
                    }
                    seen[0] += r.size();
                    return r;
                }

                @Override
                public String name() {
                    return "spy";
                }
            };
            Attributions viaSpy = new NoiseTunnel(it, spy, o).attribute(x, Target.predicted());
            assertEquals(12, seen[0]);
            assertArrayEquals(a.values(), viaSpy.values(), 0f);
            for (int i = 0; i < sum.length; i++) {
                assertEquals(sum[i], a.values()[i], 1e-5);
            }
        }
    }
}
