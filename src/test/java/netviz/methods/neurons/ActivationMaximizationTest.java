package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.unit.Units;
import org.junit.jupiter.api.Test;

class ActivationMaximizationTest {
    static final float[] MEAN = {0.3f};
    static final float[] STD = {0.35f};

    private static Graph model() {
        return NeuronModels.classifier(11);
    }

    @Test
    void objectiveRisesByALargeFactor() {
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            for (int ch : new int[] {1, 4}) {
                ActivationMaximization.Result r = am.run(Units.repeat("conv2", ch, null, 1),
                        ActivationMaximization.Options.defaults().withIterations(60)
                                .withInit(ActivationMaximization.Init.NOISE, null), null);
                double start = r.start()[0];
                double end = r.end()[0];
                assertTrue(end > 10 * Math.max(Math.abs(start), 0.05), "channel " + ch + ": " + start + " -> " + end);
                // the trace rises overall
                assertTrue(r.trace()[59] > r.trace()[0]);
            }
        }
    }

    @Test
    void classScoreMaximizationIsClassifiedAsTheTarget() {
        Graph g = model();
        String logits = ScoreTensor.find(g);
        int[] targets = {0, 3, 7, 9};
        try (Interpreter ip = Interpreter.of(g)) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            ActivationMaximization.Result r = am.run(new Units(logits, targets, null, null),
                    ActivationMaximization.Options.defaults().withIterations(100)
                            .withRegularizers(Regularizers.simonyan()), null);
            try (NDManager m = ip.newScope()) {
                float[] p = ip.forward(m, m.create(r.input(), new Shape(r.shape()))).get("softmax_out")
                        .toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < targets.length; i++) {
                    assertTrue(p[i * 10 + targets[i]] > 0.9, "class " + targets[i] + " probability "
                            + p[i * 10 + targets[i]]);
                }
            }
            for (float v : r.pixels()) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void l2DecayLowersTheNorm() {
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(40);
            float[] plain = am.run(Units.repeat("conv2", 2, null, 1), o, null).input();
            float[] decayed = am.run(Units.repeat("conv2", 2, null, 1),
                    o.withRegularizers(Regularizers.none().withDecay(0.1)), null).input();
            assertTrue(norm(decayed) < 0.8 * norm(plain), norm(decayed) + " vs " + norm(plain));
            float[] x = NeuronModels.random(new Random(1), 100, 1);
            double before = norm(x);
            Regularizers.decay(x, 0.25);
            assertEquals(0.75 * before, norm(x), 1e-4);
        }
    }

    @Test
    void blurLowersHighFrequencyEnergy() {
        float[] x = NeuronModels.random(new Random(2), 2 * 16 * 16, 1);
        double before = highFrequency(x, 2, 16, 16);
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        Regularizers.blur(x, 2, 16, 16, 1.0);
        double after = highFrequency(x, 2, 16, 16);
        assertTrue(after < 0.2 * before, after + " vs " + before);
        double meanAfter = 0;
        for (float v : x) {
            meanAfter += v;
        }
        assertEquals(mean / x.length, meanAfter / x.length, 0.05, "blur keeps the mean roughly");
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(40)
                    .withInit(ActivationMaximization.Init.NOISE, null);
            float[] plain = am.run(Units.repeat("conv2", 5, null, 1), o, null).input();
            float[] blurred = am.run(Units.repeat("conv2", 5, null, 1),
                    o.withRegularizers(Regularizers.none().withBlur(1.0, 4)), null).input();
            assertTrue(highFrequency(blurred, 1, 16, 16) / energy(blurred) < highFrequency(plain, 1, 16, 16) / energy(plain));
        }
    }

    @Test
    void clippingZeroesTheShareOfPixelsItSays() {
        int n = 2;
        float[] x = NeuronModels.random(new Random(3), n * 3 * 100, 1);
        Regularizers.clip(x, n, 3, 10, 10, Regularizers.pixelNorms(x, n, 3, 100), 30);
        for (int e = 0; e < n; e++) {
            int zero = 0;
            for (int p = 0; p < 100; p++) {
                boolean all = true;
                for (int c = 0; c < 3; c++) {
                    all &= x[(e * 3 + c) * 100 + p] == 0f;
                }
                zero += all ? 1 : 0;
            }
            assertEquals(30, zero);
        }
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            for (Regularizers reg : new Regularizers[] {Regularizers.none().withNormPercentile(50),
                Regularizers.none().withContributionPercentile(90)}) {
                ActivationMaximization.Result r = am.run(Units.repeat("conv2", 3, null, 1),
                        ActivationMaximization.Options.defaults().withIterations(20).withRegularizers(reg)
                                .withInit(ActivationMaximization.Init.NOISE, null), null);
                int zero = 0;
                for (float v : r.input()) {
                    zero += v == 0f ? 1 : 0;
                }
                double share = reg.normPercentile() > 0 ? 0.5 : 0.9;
                assertTrue(zero >= (int) Math.floor(share * 256), reg.describe() + ": " + zero + " zeros");
            }
        }
    }

    @Test
    void fourierParameterisationWithTransformsRaisesTheObjective() {
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            ActivationMaximization.Result r = am.run(Units.repeat("conv2", 1, new int[] {4, 4}, 1),
                    ActivationMaximization.Options.defaults().withIterations(60).withStep(0.05)
                            .withParam(ActivationMaximization.Param.FOURIER)
                            .withRegularizers(Regularizers.none().withJitter(1))
                            .withTransforms(List.of(Transform.scale(0.95, 1.0, 1.05), Transform.rotate(-5, 0, 5))), null);
            assertTrue(r.end()[0] > r.start()[0] + 1.0 && r.end()[0] > 5 * Math.abs(r.start()[0]),
                    r.start()[0] + " -> " + r.end()[0]);
            for (float v : r.pixels()) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void diversityMakesImagesOfOneUnitDiffer() {
        try (Interpreter ip = Interpreter.of(model())) {
            ActivationMaximization am = new ActivationMaximization(ip, MEAN, STD);
            ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(50)
                    .withInit(ActivationMaximization.Init.NOISE, null);
            ActivationMaximization.Result same = am.run(Units.repeat("conv2", 6, null, 3), o, null);
            ActivationMaximization.Result diverse = am.run(Units.repeat("conv2", 6, null, 3), o.withDiversity(10, "relu2"),
                    null);
            // the Gram matrices of relu2 are less alike: the diversity term (minus summed cosine similarity) is higher
            double dSame = dissimilarity(ip, same);
            double dDiverse = dissimilarity(ip, diverse);
            assertTrue(dDiverse > dSame + 0.05, dDiverse + " vs " + dSame);
        }
    }

    @Test
    void badOptionsAreOneClearError() {
        OutOfRangeException e = assertThrows(OutOfRangeException.class,
                () -> ActivationMaximization.Options.defaults().withIterations(0));
        assertTrue(e.getMessage().contains("iterations"), e.getMessage());
        assertThrows(OutOfRangeException.class, () -> Regularizers.none().withNormPercentile(100));
        assertThrows(OutOfRangeException.class, () -> Regularizers.none().withContributionPercentile(-1));
        assertThrows(OutOfRangeException.class, () -> Regularizers.yosinski(5));
        assertThrows(NetvizException.class, () -> ActivationMaximization.Options.defaults()
                .withRegularizers(Regularizers.yosinski()).withParam(ActivationMaximization.Param.FOURIER));
        assertEquals(new Regularizers(0, 0.5, 4, 50, 0, 0), Regularizers.preset("yosinski1"));
    }

    static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double energy(float[] x) {
        return norm(x) * norm(x) + 1e-12;
    }

    /** Sum of squared differences between horizontal and vertical neighbours. */
    static double highFrequency(float[] x, int planes, int h, int w) {
        double s = 0;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < w; i++) {
                    float v = x[p * h * w + y * w + i];
                    if (i + 1 < w) {
                        s += Math.pow(v - x[p * h * w + y * w + i + 1], 2);
                    }
                    if (y + 1 < h) {
                        s += Math.pow(v - x[p * h * w + (y + 1) * w + i], 2);
                    }
                }
            }
        }
        return s;
    }

    static double dissimilarity(Interpreter ip, ActivationMaximization.Result r) {
        try (NDManager m = ip.newScope()) {
            netviz.engine.Values v = ip.forward(m, Map.of("input", m.create(r.input(), new Shape(r.shape()))),
                    List.of("relu2_out"));
            return ActivationMaximization.diversity("relu2_out", 1).evaluate(v).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Mean pairwise distance between the n images. */
    static double spread(float[] x, int n) {
        int per = x.length / n;
        double s = 0;
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double d = 0;
                for (int i = 0; i < per; i++) {
                    d += Math.pow(x[a * per + i] - x[b * per + i], 2);
                }
                s += Math.sqrt(d);
            }
        }
        return s;
    }
}
