package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static netviz.zoo.GradientCheckTest.dot;
import static netviz.zoo.GradientCheckTest.gaussian;
import static netviz.zoo.GradientCheckTest.maxAbs;
import static netviz.zoo.GradientCheckTest.maxDiff;
import static netviz.zoo.GradientCheckTest.size;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import netviz.methods.attribution.GuidedBackprop;
import netviz.zoo.ModelZoo;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conv→BatchNormalization folding in autograd runs ({@link Interpreter#gradient}) and in the
 * rule-based backward ({@link Interpreter#backward}): gradients of the folded run agree with the
 * unfolded node-by-node run (forced by differentiating every folded Conv's output as well, which
 * keeps each pair apart) and with central finite differences, with respect to the input, to tapped
 * BatchNormalization and Conv outputs and to a folded pair's own parameter (which turns that fold
 * off); a backward rule that overrides Conv or BatchNormalization sees every such node as the
 * model states it.
 */
class FoldedGradientTest {
    static final double FLOAT32_TOLERANCE = 1e-4;
    static final double FLOAT64_TOLERANCE = 1e-10;
    static final double FD_TOLERANCE = 1e-5;
    static final double EPS = 1e-6;

    /** A zoo model in a float64 interpreter, a Gaussian input and a random projection of the logits. */
    private record Fixture(ZooModel z, Interpreter it, NDManager m, NDArray x, Objective obj, Map<String, NDArray> feeds)
            implements AutoCloseable {
        static Fixture float64(String name, long seed) {
            ZooModel z = ModelZoo.named(name);
            Interpreter it = Interpreter.of(z.graph(), new Interpreter.Options(DataType.FLOAT64));
            NDManager m = it.newScope();
            NDArray x = m.create(gaussian(new Random(seed), size(z.inputShape())), new Shape(z.inputShape()));
            return new Fixture(z, it, m, x, projection(z, m, it, x, seed + 1), Map.of(z.input(), x));
        }

        Gradients gradient(List<String> wrt) {
            return it.gradient(m, feeds, obj, wrt);
        }

        Gradients backward(List<String> wrt, BackwardRules rules) {
            return it.backward(m, feeds, obj, wrt, rules);
        }

        /**
         * The relative error of {@code <g, v>} against the central finite difference of the (folded)
         * objective along a random direction v of the tensor {@code fed} (the input or a parameter),
         * fed as {@code base ± εv}.
         */
        double finiteDifferenceError(String fed, NDArray base, double[] g, long seed) {
            double[] v = gaussian(new Random(seed), g.length);
            NDArray dv = m.create(v, base.getShape()).mul(EPS);
            Map<String, NDArray> plus = new HashMap<>(feeds);
            Map<String, NDArray> minus = new HashMap<>(feeds);
            plus.put(fed, base.add(dv));
            minus.put(fed, base.sub(dv));
            double fd = (objective(it, m, obj, plus) - objective(it, m, obj, minus)) / (2 * EPS);
            double analytic = dot(g, v);
            return Math.abs(fd - analytic) / Math.max(Math.abs(analytic), 1e-12);
        }

        @Override
        public void close() {
            m.close();
            it.close();
        }
    }

    private static Objective projection(ZooModel z, NDManager m, Interpreter it, NDArray x, long seed) {
        Shape s = it.forward(m, Map.of(z.input(), x), List.of()).get(z.logits()).getShape();
        double[] r = gaussian(new Random(seed), (int) s.size());
        NDArray rArr = m.create(r, s).toType(x.getDataType(), false);
        return Objective.of("r·" + z.logits(), Set.of(z.logits()), v -> v.get(z.logits()).mul(rArr).sum());
    }

    private static List<String> with(List<String> a, List<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return new ArrayList<>(s);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1", "mobilenet_v2_op9_n2"})
    void foldedInputGradientMatchesUnfoldedInFloat32(String name) {
        ZooModel z = ModelZoo.named(name);
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            NDArray x = m.create(toFloats(gaussian(new Random(1), size(z.inputShape()))), new Shape(z.inputShape()));
            Objective obj = projection(z, m, it, x, 2);
            Map<String, NDArray> feeds = Map.of(z.input(), x);
            List<String> convs = it.foldedConvOutputs();
            Gradients folded = it.gradient(m, feeds, obj, List.of(z.input()));
            Gradients unfolded = it.gradient(m, feeds, obj, with(List.of(z.input()), convs));
            float[] gf = folded.wrt(z.input()).toFloatArray();
            float[] gu = unfolded.wrt(z.input()).toFloatArray();
            double err = relMaxDiff(gf, gu);
            assertTrue(err <= FLOAT32_TOLERANCE, name + ": folded vs unfolded input gradient " + err);
            assertTrue(maxAbsOf(gu) > 0);
            // the folded run really folded: its float32 rounding differs from the node-by-node run's
            assertFalse(Arrays.equals(gf, gu), name + ": the folded gradient is bit-identical to the unfolded one");
            assertEquals(unfolded.objective(), folded.objective(), 1e-4 * Math.max(1, Math.abs(unfolded.objective())));

            Gradients rules = it.backward(m, feeds, obj, List.of(z.input()), BackwardRules.none());
            double modes = relMaxDiff(rules.wrt(z.input()).toFloatArray(), gf);
            assertTrue(modes <= FLOAT32_TOLERANCE, name + ": folded backward(rules=none) vs folded gradient " + modes);
        }
    }

    /**
     * Float64: the gradient with respect to the input, to a folded pair's BatchNormalization output
     * and to an unfolded Conv's output (a tap: that pair stays apart) agrees with the node-by-node
     * run to 1e-10 and with central finite differences of the (folded) forward along random
     * directions.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1", "mobilenet_v2_op9_n2"})
    void foldedGradientsWithTapsAgreeWithUnfoldedAndFiniteDifferences(String name) {
        try (Fixture f = Fixture.float64(name, 3)) {
            String input = f.z().input();
            List<String> convs = f.it().foldedConvOutputs();
            String bnOut = bnOutputOf(f.it(), convs.get(convs.size() / 2));
            String tappedConv = convs.get(convs.size() / 3);
            List<String> wrt = List.of(input, bnOut, tappedConv);
            Gradients folded = f.gradient(wrt);
            Gradients unfolded = f.gradient(with(wrt, convs));
            Gradients rules = f.backward(wrt, BackwardRules.none());
            for (String w : wrt) {
                double[] g = folded.wrt(w).toDoubleArray();
                double err = relMaxDiff(g, unfolded.wrt(w).toDoubleArray());
                assertTrue(err <= FLOAT64_TOLERANCE, name + ": folded vs unfolded gradient wrt " + w + ": " + err);
                double modes = relMaxDiff(rules.wrt(w).toDoubleArray(), g);
                assertTrue(modes <= FLOAT64_TOLERANCE, name + ": backward(rules=none) vs gradient wrt " + w + ": " + modes);
                assertTrue(maxAbs(g) > 0, name + ": gradient wrt " + w + " is zero");
            }
            // finite differences of the folded forward, with respect to the input
            double[] g = folded.wrt(input).toDoubleArray();
            for (long seed = 5; seed < 7; seed++) {
                double err = f.finiteDifferenceError(input, f.x(), g, seed);
                assertTrue(err <= FD_TOLERANCE, name + ": finite difference vs gradient wrt the input: " + err);
            }
        }
    }

    /**
     * Differentiating a folded pair's parameter (the BatchNormalization's scale γ) turns that fold
     * off: the gradient agrees with finite differences obtained by feeding γ ± εv.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1"})
    void differentiatedParameterOfAFoldIsExact(String name) {
        try (Fixture f = Fixture.float64(name, 7)) {
            List<String> convs = f.it().foldedConvOutputs();
            String gamma = f.z().graph().producer(bnOutputOf(f.it(), convs.get(1))).input(1);
            List<String> wrt = List.of(f.z().input(), gamma);
            Gradients folded = f.gradient(wrt);
            Gradients unfolded = f.gradient(with(wrt, convs));
            Gradients rules = f.backward(wrt, BackwardRules.none());
            double[] g = folded.wrt(gamma).toDoubleArray();
            assertTrue(maxAbs(g) > 0, "gradient wrt " + gamma + " is zero");
            assertTrue(relMaxDiff(g, unfolded.wrt(gamma).toDoubleArray()) <= FLOAT64_TOLERANCE);
            assertTrue(relMaxDiff(rules.wrt(gamma).toDoubleArray(), g) <= FLOAT64_TOLERANCE);
            double err = f.finiteDifferenceError(gamma, f.it().parameter(gamma), g, 9);
            assertTrue(err <= FD_TOLERANCE, "finite difference vs gradient wrt " + gamma + ": " + err);
        }
    }

    /** Guided backpropagation (a Relu rule) folds the pairs and agrees with its node-by-node run. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_v1_op11_n1", "mobilenet_v2_op9_n2"})
    void guidedBackpropFoldedMatchesUnfolded(String name) {
        try (Fixture f = Fixture.float64(name, 11)) {
            String input = f.z().input();
            BackwardRules guided = BackwardRules.none().with("Relu", GuidedBackprop.RULE);
            double[] folded = f.backward(List.of(input), guided).wrt(input).toDoubleArray();
            double[] unfolded = f.backward(with(List.of(input), f.it().foldedConvOutputs()), guided).wrt(input)
                    .toDoubleArray();
            double err = relMaxDiff(folded, unfolded);
            assertTrue(err <= FLOAT64_TOLERANCE, name + ": guided backprop folded vs unfolded " + err);
            assertTrue(maxAbs(folded) > 0);
        }
    }

    /** A rule on Conv or BatchNormalization sees every node of that type as the model states it: nothing is folded. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Conv", "BatchNormalization"})
    void aRuleOnConvOrBatchNormalizationTurnsFoldingOff(String op) {
        ZooModel z = ModelZoo.named("resnet_v1_op11_n1");
        Map<String, String> outputs = new HashMap<>();
        long expected = z.graph().nodes().stream().filter(n -> n.opType().equals(op)).count();
        for (Node n : z.graph().nodes()) {
            if (n.opType().equals(op)) {
                outputs.put(n.name(), n.outputs().get(0));
            }
        }
        AtomicInteger calls = new AtomicInteger();
        List<String> wrong = new ArrayList<>();
        BackwardRule counting = ctx -> {
            calls.incrementAndGet();
            if (!ctx.node().outputs().get(0).equals(outputs.get(ctx.node().name()))) {
                wrong.add(ctx.node().label());
            }
            // no gradient for the node's inputs: only which nodes the rule sees matters here
            return new NDArray[ctx.inputs().length];
        };
        try (Interpreter it = Interpreter.of(z.graph()); NDManager m = it.newScope()) {
            NDArray x = m.create(toFloats(gaussian(new Random(13), size(z.inputShape()))), new Shape(z.inputShape()));
            Objective obj = projection(z, m, it, x, 14);
            it.backward(m, Map.of(z.input(), x), obj, List.of(z.input()), BackwardRules.none().with(op, counting));
        }
        assertTrue(calls.get() > 0, "the " + op + " rule was never called");
        assertTrue(wrong.isEmpty(), "the " + op + " rule saw folded nodes: " + wrong);
        assertTrue(calls.get() <= expected);
    }

    /** The BatchNormalization output that the fold of {@code convOutput} produces. */
    private static String bnOutputOf(Interpreter it, String convOutput) {
        for (Node n : it.graph().nodes()) {
            if (n.opType().equals("BatchNormalization") && n.input(0).equals(convOutput)) {
                return n.outputs().get(0);
            }
        }
        throw new AssertionError("no BatchNormalization reads " + convOutput);
    }

    private static double objective(Interpreter it, NDManager m, Objective obj, Map<String, NDArray> feeds) {
        Values v = it.forward(m, feeds, List.copyOf(obj.tensors()));
        return obj.evaluate(v).toType(DataType.FLOAT64, false).getDouble();
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double maxAbsOf(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double relMaxDiff(double[] a, double[] b) {
        return maxDiff(a, b) / Math.max(1e-300, maxAbs(b));
    }

    static double relMaxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
        }
        return d / Math.max(1e-300, maxAbsOf(b));
    }
}
