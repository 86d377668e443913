package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.Values;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients of every zoo model, in float64, against central finite differences along random
 * directions v: {@code (f(h + εv) - f(h - εv)) / 2ε} against {@code <df/dh, v>}, for the input and
 * for intermediate tensors h (perturbed alone, by evaluating the {@link GraphCut} of the model
 * below h with every other upstream tensor held at its forward value). The objective is a random
 * projection of the logits, {@code f = Σ r ⊙ logits}. Relative error
 * {@code |fd - <g, v>| / max(|<g, v>|, 1e-12)} ≤ 1e-4. The rule-based backward with no override
 * must equal the autograd gradient (max |a - b| / max |b| ≤ 1e-9).
 */
public class GradientCheckTest {
    static final double FD_TOLERANCE = 1e-4;
    static final double MODES_TOLERANCE = 1e-9;
    static final double EPS = 1e-6;
    static final int DIRECTIONS = 2;
    private static final Map<String, double[]> WORST = new ConcurrentSkipListMap<>();

    static List<ZooModel> models() {
        return ModelZoo.all();
    }

    /**
     * Three intermediate tensors at about a quarter, half and three quarters of the model's depth,
     * among those with no exact zero: a tensor of ReLU outputs sits on the kinks of the max pools
     * and ReLUs that read it (a window of tied zeros has no derivative), where a finite difference
     * of h itself measures a one-sided slope rather than the gradient. Perturbing the input never
     * lands on those kinks, since ReLU outputs stay exactly zero nearby.
     */
    static List<String> probes(ZooModel z, Interpreter it, NDManager m, NDArray x) {
        Values all = it.forward(m, Map.of(z.input(), x), z.probes());
        List<String> smooth = new ArrayList<>();
        for (String t : z.probes()) {
            if (all.get(t).eq(0).countNonzero().getLong() == 0) {
                smooth.add(t);
            }
        }
        List<String> s = new ArrayList<>();
        for (double f : new double[] {0.25, 0.5, 0.75}) {
            String t = smooth.get((int) (f * (smooth.size() - 1)));
            if (!s.contains(t)) {
                s.add(t);
            }
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void finiteDifferencesAndBothBackwardModes(ZooModel z) {
        Random rnd = new Random(z.name().hashCode());
        List<String> wrt = new ArrayList<>();
        wrt.add(z.input());
        double worstFd = 0;
        double worstModes = 0;
        try (Interpreter it = Interpreter.of(z.graph(), new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            NDArray x = m.create(gaussian(rnd, size(z.inputShape())), new Shape(z.inputShape()));
            wrt.addAll(probes(z, it, m, x));
            Values ref = it.forward(m, Map.of(z.input(), x), List.of(z.logits()));
            Shape logitShape = ref.get(z.logits()).getShape();
            double[] r = gaussian(rnd, (int) logitShape.size());
            NDArray rArr = m.create(r, logitShape);
            Objective obj = Objective.of("r·" + z.logits(), Set.of(z.logits()), v -> v.get(z.logits()).mul(rArr).sum());

            Gradients auto = it.gradient(m, Map.of(z.input(), x), obj, wrt);
            Gradients rules = it.backward(m, Map.of(z.input(), x), obj, wrt, BackwardRules.none());
            assertTrue(Math.abs(auto.objective() - rules.objective()) <= 1e-12 * Math.max(1, Math.abs(auto.objective())));
            double f0 = dot(ref.get(z.logits()).toDoubleArray(), r);
            assertTrue(Math.abs(f0 - auto.objective()) <= 1e-9 * Math.max(1, Math.abs(f0)),
                    "objective " + auto.objective() + " vs forward " + f0);

            for (String w : wrt) {
                double[] g = auto.wrt(w).toDoubleArray();
                double[] gr = rules.wrt(w).toDoubleArray();
                double modes = maxDiff(gr, g) / Math.max(1e-300, maxAbs(g));
                worstModes = Math.max(worstModes, modes);
                assertTrue(modes <= MODES_TOLERANCE, z.name() + ": backward(rules=none) and gradient differ wrt " + w
                        + " by " + modes);
                assertTrue(maxAbs(g) > 0, z.name() + ": gradient wrt " + w + " is identically zero");

                double err = w.equals(z.input()) ? checkInput(it, m, z, x, r, g, rnd) : checkIntermediate(it, m, z, x, w, r, g, rnd);
                worstFd = Math.max(worstFd, err);
            }
        }
        WORST.put(z.name(), new double[] {worstFd, worstModes});
        System.out.printf("GradientCheck %-22s wrt %d tensors: max FD rel err %.2e, backward-vs-gradient %.2e%n",
                z.name(), wrt.size(), worstFd, worstModes);
    }

    private double checkInput(Interpreter it, NDManager m, ZooModel z, NDArray x, double[] r, double[] g, Random rnd) {
        double worst = 0;
        double[] x0 = x.toDoubleArray();
        for (int d = 0; d < DIRECTIONS; d++) {
            double[] v = gaussian(rnd, x0.length);
            double fp = objective(it, m, Map.of(z.input(), shifted(m, x0, v, EPS, x.getShape())), z.logits(), r);
            double fm = objective(it, m, Map.of(z.input(), shifted(m, x0, v, -EPS, x.getShape())), z.logits(), r);
            worst = Math.max(worst, compare(z, z.input(), (fp - fm) / (2 * EPS), dot(g, v)));
        }
        return worst;
    }

    private double checkIntermediate(Interpreter it, NDManager m, ZooModel z, NDArray x, String h, double[] r,
                                     double[] g, Random rnd) {
        GraphCut cut = GraphCut.below(z.graph(), h, z.logits());
        List<String> taps = new ArrayList<>(cut.externals);
        taps.add(h);
        Values up = it.forward(m, Map.of(z.input(), x), taps);
        NDArray h0Arr = up.get(h);
        double[] h0 = h0Arr.toDoubleArray();
        double worst = 0;
        try (Interpreter below = Interpreter.of(cut.graph, new Interpreter.Options(DataType.FLOAT64))) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            for (String e : cut.externals) {
                feeds.put(e, up.get(e));
            }
            // the cut model reproduces the objective at h itself
            Map<String, NDArray> at0 = new HashMap<>(feeds);
            at0.put(h, h0Arr);
            double f0 = objective(below, m, at0, z.logits(), r);
            double full = objective(it, m, Map.of(z.input(), x), z.logits(), r);
            assertTrue(Math.abs(f0 - full) <= 1e-9 * Math.max(1, Math.abs(full)), "cut model below " + h + " gives "
                    + f0 + " instead of " + full);
            for (int d = 0; d < DIRECTIONS; d++) {
                double[] v = gaussian(rnd, h0.length);
                Map<String, NDArray> plus = new HashMap<>(feeds);
                plus.put(h, shifted(m, h0, v, EPS, h0Arr.getShape()));
                Map<String, NDArray> minus = new HashMap<>(feeds);
                minus.put(h, shifted(m, h0, v, -EPS, h0Arr.getShape()));
                double fd = (objective(below, m, plus, z.logits(), r) - objective(below, m, minus, z.logits(), r)) / (2 * EPS);
                worst = Math.max(worst, compare(z, h, fd, dot(g, v)));
            }
        }
        return worst;
    }

    private static double compare(ZooModel z, String w, double fd, double analytic) {
        double err = Math.abs(fd - analytic) / Math.max(Math.abs(analytic), 1e-12);
        assertTrue(err <= FD_TOLERANCE, z.name() + ": d objective / d " + w + " along a random direction: "
                + "finite difference " + fd + ", gradient " + analytic + ", relative error " + err);
        return err;
    }

    private static double objective(Interpreter it, NDManager m, Map<String, NDArray> feeds, String logits, double[] r) {
        try (NDManager s = m.newSubManager()) {
            Values v = it.forward(s, feeds, List.of(logits));
            return dot(v.get(logits).toDoubleArray(), r);
        }
    }

    private static NDArray shifted(NDManager m, double[] base, double[] v, double eps, Shape shape) {
        double[] s = new double[base.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = base[i] + eps * v[i];
        }
        return m.create(s, shape);
    }

    public static double[] gaussian(Random rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextGaussian();
        }
        return d;
    }

    public static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double maxAbs(double[] a) {
        double m = 0;
        for (double d : a) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    public static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @AfterAll
    static void summary() {
        double fd = WORST.values().stream().mapToDouble(d -> d[0]).max().orElse(Double.NaN);
        double modes = WORST.values().stream().mapToDouble(d -> d[1]).max().orElse(Double.NaN);
        System.out.printf("GradientCheck: %d models, worst FD relative error %.2e (tolerance %.0e), worst "
                + "backward-vs-gradient %.2e%n", WORST.size(), fd, FD_TOLERANCE, modes);
    }
}
