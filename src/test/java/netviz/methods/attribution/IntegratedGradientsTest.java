package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import netviz.OutOfRangeException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class IntegratedGradientsTest {

    /** S = W·flatten(x) + b: IG is exactly (x − x') ⊙ W[k] whatever the steps. */
    @Test
    void linearModelIsExact() {
        float[] w = AttributionModels.random(new Random(1), 2 * 12, 1);
        GraphBuilder g = new GraphBuilder("linear", 13);
        String x = g.input("x", -1, 3, 2, 2);
        String f = g.node("Flatten", "flatten", List.of(x));
        String wt = g.initializer("w", Tensor.ofFloats(new long[] {2, 12}, w));
        String b = g.initializer("b", Tensor.ofFloats(new long[] {2}, 0.3f, -0.7f));
        g.output(g.node("Gemm", "fc", List.of(f, wt, b), Attribute.ofInt("transB", 1)));
        try (Interpreter it = Interpreter.of(g.build()); NDManager m = it.newScope()) {
            float[] xv = AttributionModels.random(new Random(2), 12, 1);
            NDArray in = m.create(xv, new Shape(1, 3, 2, 2));
            for (Baseline base : List.of(Baseline.zero(), Baseline.constant(0.1, 0.2, -0.3), Baseline.mean())) {
                float[] ref = base.image(xv, 3, 2, 2);
                IntegratedGradients.Result r = new IntegratedGradients(it,
                        IntegratedGradients.Options.defaults().withSteps(3).withBaseline(base)).run(in, Target.classes(1));
                assertArrayEquals(new long[] {1, 3, 2, 2}, r.attributions().shape());
                for (int i = 0; i < 12; i++) {
                    assertEquals((xv[i] - ref[i]) * w[12 + i], r.attributions().values()[i], 1e-5);
                }
                assertEquals(0, r.gap(0), 1e-4);
            }
        }
    }

    /**
     * Completeness Σ IG = S(x) − S(x') within 1% at 64 steps on a conv net, for a batch, with the
     * second-order rules (midpoint, trapezoid); the first-order rules converge as the steps grow.
     */
    @Test
    void completenessWithinOnePercentAt64Steps() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(31, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 32, 3, 2, DataType.FLOAT32);
            for (IntegratedGradients.Rule rule : List.of(IntegratedGradients.Rule.MIDPOINT,
                    IntegratedGradients.Rule.TRAPEZOID)) {
                IntegratedGradients.Result r = new IntegratedGradients(it, IntegratedGradients.Options.defaults()
                        .withSteps(64).withRule(rule).withBatch(24)).run(x, Target.predicted());
                for (int n = 0; n < 3; n++) {
                    double[] s = AttributionModels.tensor(it, x.get(n + ":" + (n + 1)), "fc_out");
                    assertEquals(s[r.attributions().target().index(n)], r.score()[n], 1e-5);
                    assertTrue(Math.abs(r.score()[n] - r.baselineScore()[n]) > 0.1);
                    assertTrue(r.relativeGap(n) < 0.01, rule + " example " + n + ": relative gap " + r.relativeGap(n));
                }
            }
        }
    }

    @Test
    void firstOrderRulesConverge() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(31, 2, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 32, 1, 2, DataType.FLOAT32);
            for (IntegratedGradients.Rule rule : List.of(IntegratedGradients.Rule.LEFT, IntegratedGradients.Rule.RIGHT)) {
                double coarse = new IntegratedGradients(it, IntegratedGradients.Options.defaults().withSteps(8)
                        .withRule(rule).withBatch(64)).run(x, Target.classes(0)).relativeGap(0);
                double fine = new IntegratedGradients(it, IntegratedGradients.Options.defaults().withSteps(128)
                        .withRule(rule).withBatch(64)).run(x, Target.classes(0)).relativeGap(0);
                assertTrue(fine < coarse && fine < 0.01, rule + ": " + coarse + " at 8 steps, " + fine + " at 128");
            }
        }
    }

    /** The batched path sum equals a loop of single gradients at α = (k + ½)/m. */
    @Test
    void equalsALoopOfSingleGradients() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(33, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 34, 1, 1, DataType.FLOAT32);
            float[] xv = x.toFloatArray();
            float[] base = Baseline.blur(2).image(xv, 1, 8, 8);
            int steps = 8;
            double[] avg = new double[64];
            Saliency s = new Saliency(it);
            for (int k = 0; k < steps; k++) {
                double a = (k + 0.5) / steps;
                float[] p = new float[64];
                for (int i = 0; i < 64; i++) {
                    p[i] = (float) (base[i] + a * (xv[i] - base[i]));
                }
                float[] g = s.gradient(m.create(p, new Shape(1, 1, 8, 8)), Target.classes(0)).values();
                for (int i = 0; i < 64; i++) {
                    avg[i] += g[i] / (double) steps;
                }
            }
            Attributions ig = new IntegratedGradients(it, new IntegratedGradients.Options(steps, Baseline.blur(2),
                    IntegratedGradients.Rule.MIDPOINT, 3)).attribute(x, Target.classes(0));
            for (int i = 0; i < 64; i++) {
                assertEquals((xv[i] - base[i]) * avg[i], ig.values()[i], 1e-5);
            }
        }
    }

    @Test
    void badOptions() {
        OutOfRangeException e = assertThrows(OutOfRangeException.class,
                () -> IntegratedGradients.Options.defaults().withSteps(0));
        assertEquals("integrated gradients steps 0 must be at least 1", e.getMessage());
    }
}
