package netviz.methods.attribution;

import netviz.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.OutOfRangeException;
import netviz.engine.Gradients;
import netviz.methods.Finite;
import netviz.engine.InputGradients;

/**
 * Integrated Gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks",
 * ICML 2017): the gradient of the score S integrated along the straight path from a baseline x'
 * to the image x, times the difference,
 * <pre>  IG_i(x) = (x_i − x'_i) · ∫₀¹ ∂S(x' + α (x − x')) / ∂x_i dα  </pre>
 * approximated by a Riemann sum over {@code steps} points (midpoint rule by default; the paper's
 * section 5 suggests 20 to 300 steps). Attributions satisfy completeness, Σ_i IG_i = S(x) − S(x'),
 * up to the error of the sum: {@link Result#gap()} reports |Σ IG − (S(x) − S(x'))| so a user can
 * tell whether there were enough steps. The path points of all examples go through the model
 * {@code batch} at a time. Result shape (N, C, H, W).
 */
public final class IntegratedGradients implements Attribution {
    /** The stage name under which this method reports its progress. */
    static final String STAGE = "integrated gradients";


    /** Where in each of the {@code steps} intervals of [0, 1] the gradient is taken. */
    public enum Rule {
        /** α_k = (k + ½) / m, weights 1/m: error O(1/m²) for smooth paths. */
        MIDPOINT,
        /** α_k = k / m. */
        LEFT,
        /** α_k = (k + 1) / m. */
        RIGHT,
        /** α_k = k / (m − 1), end points weighted ½. */
        TRAPEZOID
    }

    /**
     * @param steps    points of the Riemann sum
     * @param baseline the path's start (paper: a black image, i.e. zero in input space)
     * @param rule     the Riemann rule
     * @param batch    path points per forward+backward pass
     */
    public record Options(int steps, Baseline baseline, Rule rule, int batch) {
        public Options {
            if (steps < 1 || (rule == Rule.TRAPEZOID && steps < 2)) {
                throw new OutOfRangeException("integrated gradients steps " + steps + " must be at least "
                        + (rule == Rule.TRAPEZOID ? 2 : 1));
            }
            if (batch < 1) {
                throw new OutOfRangeException("batch " + batch + " must be at least 1");
            }
        }

        /** 50 midpoint steps from a zero baseline, batch 16. */
        public static Options defaults() {
            return new Options(50, Baseline.zero(), Rule.MIDPOINT, 16);
        }

        public Options withSteps(int s) {
            return new Options(s, baseline, rule, batch);
        }

        public Options withBaseline(Baseline b) {
            return new Options(steps, b, rule, batch);
        }

        public Options withRule(Rule r) {
            return new Options(steps, baseline, r, batch);
        }

        public Options withBatch(int b) {
            return new Options(steps, baseline, rule, b);
        }

        double[] alphas() {
            double[] a = new double[steps];
            for (int k = 0; k < steps; k++) {
                a[k] = switch (rule) {
                    case MIDPOINT -> (k + 0.5) / steps;
                    case LEFT -> (double) k / steps;
                    case RIGHT -> (k + 1.0) / steps;
                    case TRAPEZOID -> (double) k / (steps - 1);
                };
            }
            return a;
        }

        double[] weights() {
            double[] w = new double[steps];
            if (rule == Rule.TRAPEZOID) {
                Arrays.fill(w, 1.0 / (steps - 1));
                w[0] /= 2;
                w[steps - 1] /= 2;
            } else {
                Arrays.fill(w, 1.0 / steps);
            }
            return w;
        }
    }

    /**
     * @param attributions  IG, (N, C, H, W)
     * @param score         S(x) per example
     * @param baselineScore S(x') per example
     */
    public record Result(Attributions attributions, double[] score, double[] baselineScore) {
        /** |Σ IG − (S(x) − S(x'))| for example n (the completeness gap). */
        public double gap(int n) {
            return Math.abs(attributions.sum(n) - (score[n] - baselineScore[n]));
        }

        /** The gap relative to |S(x) − S(x')| (0 when both are 0). */
        public double relativeGap(int n) {
            double d = Math.abs(score[n] - baselineScore[n]);
            return d == 0 ? gap(n) : gap(n) / d;
        }

        /** The gap of every example. */
        public double[] gap() {
            double[] g = new double[score.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = gap(i);
            }
            return g;
        }
    }

    private final InputGradients gradients;
    private final Options options;
    private final Progress progress;

    public IntegratedGradients(InputGradients gradients, Options options) {
        this(gradients, options, Progress.NONE);
    }

    public IntegratedGradients(InputGradients gradients, Options options, Progress progress) {
        this.gradients = gradients;
        this.options = options;
        this.progress = Progress.orNone(progress);
    }

    /** @return the integrated gradients, shape (N, C, H, W) */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        return run(inputs, target).attributions();
    }

    /** The attributions with S(x) and S(x') for the completeness check. */
    public Result run(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "integrated gradients");
        int n = s[0];
        int c = s[1];
        int per = c * s[2] * s[3];
        String in = gradients.inputName();
        String t = target.tensor(gradients.graph());
        float[] x = BatchArrays.floats(inputs);
        float[] base = new float[n * per];
        for (int i = 0; i < n; i++) {
            float[] b = options.baseline().image(Arrays.copyOfRange(x, i * per, (i + 1) * per), c, s[2], s[3]);
            System.arraycopy(b, 0, base, i * per, per);
        }
        Selection sel;
        double[] score;
        double[] baseScore;
        try (NDManager scope = gradients.newScope()) {
            NDArray v = gradients.tensors(scope, Map.of(in, inputs), List.of(t)).get(t);
            sel = target.select(gradients.graph(), v);
            score = Occlusion.read(v, sel, 0, n, false);
            NDArray xb = BatchArrays.create(scope, base, new Shape(n, c, s[2], s[3]), inputs.getDataType());
            NDArray vb = gradients.tensors(scope, Map.of(in, xb), List.of(t)).get(t);
            baseScore = Occlusion.read(vb, sel, 0, n, false);
        }
        Finite.checkPerImage(score, "integrated gradients of " + BatchArrays.describe(sel) + ": the class score of the input");
        Finite.checkPerImage(baseScore, "integrated gradients of " + BatchArrays.describe(sel) + ": the class score of the baseline");
        int m = options.steps();
        double[] alphas = options.alphas();
        double[] weights = options.weights();
        double[] avg = new double[n * per];
        long total = (long) n * m;
        progress.update(STAGE, 0, total);
        for (long start = 0; start < total; start += options.batch()) {
            int b = (int) Math.min(options.batch(), total - start);
            float[] path = new float[b * per];
            int[] rows = new int[b];
            for (int r = 0; r < b; r++) {
                int ex = (int) ((start + r) / m);
                double a = alphas[(int) ((start + r) % m)];
                rows[r] = ex;
                for (int j = 0; j < per; j++) {
                    float b0 = base[ex * per + j];
                    path[r * per + j] = (float) (b0 + a * (x[ex * per + j] - b0));
                }
            }
            try (NDManager scope = gradients.newScope()) {
                NDArray xb = BatchArrays.create(scope, path, new Shape(b, c, s[2], s[3]), inputs.getDataType());
                Gradients g = gradients.gradient(scope, Map.of(in, xb), sel.rows(rows).objective(), List.of(in));
                double[] grad = BatchArrays.doubles(g.wrt(in));
                int bad = Finite.firstNonFinite(grad);
                if (bad >= 0 || !Double.isFinite(g.objective())) {
                    int r = bad >= 0 ? bad / per : 0;
                    int step = (int) ((start + r) % m);
                    throw Finite.result("integrated gradients of " + BatchArrays.describe(sel) + " became non-finite at step " + (step + 1)
                            + " of " + m + " (alpha " + (float) alphas[step] + ", image " + rows[r] + "; "
                            + (bad >= 0 ? "gradient " + Finite.name(grad[bad]) : "score " + Finite.name(g.objective()))
                            + ")");
                }
                for (int r = 0; r < b; r++) {
                    int ex = rows[r];
                    double w = weights[(int) ((start + r) % m)];
                    for (int j = 0; j < per; j++) {
                        avg[ex * per + j] += w * grad[r * per + j];
                    }
                }
            }
            progress.checkCancelled();
            progress.update(STAGE, start + b, total);
        }
        float[] ig = new float[n * per];
        for (int j = 0; j < ig.length; j++) {
            ig[j] = (float) ((x[j] - base[j]) * avg[j]);
        }
        return new Result(BatchArrays.finite(new Attributions(ig, new long[] {n, c, s[2], s[3]}, sel),
                "integrated gradients", "the attributions"), score, baseScore);
    }

    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return "integrated gradients";
    }
}
