package netviz.methods.generative;

import netviz.Progress;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.unit.Units;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.methods.Finite;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.OwnedArrays;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.methods.evaluation.Classifier;

/**
 * Activation maximization through a deep generator network, DGN-AM (Nguyen, Dosovitskiy,
 * Yosinski, Brox &amp; Clune, "Synthesizing the preferred inputs for neurons in neural networks
 * via deep generator networks", NIPS 2016). Instead of the pixels, the optimiser holds a code h
 * that a generator G (trained to invert the classifier's hidden layer, see
 * {@link GeneratorModel}) turns into an image, and solves
 * <pre>
 * h* = argmax_h  a(C(G(h))) − λ/2 ‖h‖²    subject to  lo_d ≤ h_d ≤ hi_d,
 * </pre>
 * where a is the unit (a class logit, or a channel of any layer) of the classifier C. The
 * gradient flows through both networks, each in its own {@link Interpreter}: first
 * g_x = ∂a/∂x at x = G(h) by the classifier's backward pass, then ∂a/∂h = J_G(h)ᵀ g_x as the
 * gradient of the linear objective ⟨G(h), g_x⟩ by the generator's backward pass. Each step is an
 * Adam step (Kingma &amp; Ba 2015) on h followed by clamping h to the range seen on real data
 * (the paper clamps fc6 codes to [0, 3σ]; netviz clamps each dimension to the minimum and maximum
 * of the code over the training images by default, or to their 1st and 99th percentiles), so
 * that G is only asked for codes like those it was trained on. The image prior is G itself: the
 * result is the image G draws for the best code, a natural-looking image by construction.
 */
public final class DeepGeneratorActivationMaximization {

    /** Where the code starts. */
    public enum Start { ZEROS, MEAN, CODE }

    /** The box h is kept in. */
    public enum Clamp {
        /** Each dimension within [min, max] of the code over the training images. */
        RANGE,
        /** Each dimension within [1st, 99th percentile]. */
        PERCENTILE,
        /** No clamping (for comparison; G then draws codes it never saw). */
        NONE
    }

    /**
     * @param iterations Adam steps on h (1 to 100000; default 200)
     * @param learningRate Adam's step size in code units (default 0.05 × the mean per-dimension
     *     code std is a good scale; the default 0.1 suits the bundled model's relu3 codes)
     * @param l2 λ of the L2 penalty λ/2 ‖h‖² (default 1e-3)
     * @param start where h starts
     * @param startCodes the start codes for {@link Start#CODE} (one code of D values, or N·D)
     * @param noise standard deviation of seeded Gaussian noise added to the start, in units of each
     *     dimension's std on real data (0: none)
     * @param clamp the box h is kept in
     * @param seed seeds the noise
     */
    public record Options(int iterations, double learningRate, double l2, Start start, float[] startCodes, double noise,
                          Clamp clamp, long seed) {
        public Options {
            if (iterations < 1 || iterations > 100_000) {
                throw new OutOfRangeException("iterations must be between 1 and 100000, not " + iterations);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new OutOfRangeException("learning rate must be positive, not " + learningRate);
            }
            if (!(l2 >= 0) || Double.isInfinite(l2)) {
                throw new OutOfRangeException("the L2 weight must be 0 or more, not " + l2);
            }
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new OutOfRangeException("noise must be 0 or more, not " + noise);
            }
            if (start == Start.CODE && startCodes == null) {
                throw new NetvizException("start CODE needs start codes");
            }
            startCodes = startCodes == null ? null : startCodes.clone();
        }

        /** 200 steps, Adam lr 0.1, λ 1e-3, from the mean code, no noise, clamped to the range, seed 0. */
        public static Options defaults() {
            return new Options(200, 0.1, 1e-3, Start.MEAN, null, 0, Clamp.RANGE, 0);
        }

        public Options withIterations(int v) {
            return new Options(v, learningRate, l2, start, startCodes, noise, clamp, seed);
        }

        public Options withLearningRate(double v) {
            return new Options(iterations, v, l2, start, startCodes, noise, clamp, seed);
        }

        public Options withL2(double v) {
            return new Options(iterations, learningRate, v, start, startCodes, noise, clamp, seed);
        }

        public Options withStart(Start v, float[] codes) {
            return new Options(iterations, learningRate, l2, v, codes, noise, clamp, seed);
        }

        public Options withNoise(double v) {
            return new Options(iterations, learningRate, l2, start, startCodes, v, clamp, seed);
        }

        public Options withClamp(Clamp v) {
            return new Options(iterations, learningRate, l2, start, startCodes, noise, v, seed);
        }

        public Options withSeed(long v) {
            return new Options(iterations, learningRate, l2, start, startCodes, noise, clamp, v);
        }
    }

    /**
     * The outcome, one row per example of the goal.
     *
     * @param codes the final codes h*, N·D
     * @param input G(h*), the classifier's (normalised) input, (N, C, H, W) row-major
     * @param pixels the same images un-normalised to [0, 1]
     * @param shape (N, C, H, W)
     * @param activation each example's unit value on G(h*)
     * @param probability each example's target-class probability on G(h*) (NaN when the goal is
     *     not a class score of the model's output)
     * @param activationTrace the unit value of every example at the start (row 0) and after every
     *     step (row t after step t; the last row equals {@code activation}), [iterations + 1][example]
     * @param probabilityTrace the target probability likewise (NaN rows when not a class)
     */
    public record Result(float[] codes, float[] input, float[] pixels, long[] shape, double[] activation,
                         double[] probability, double[][] activationTrace, double[][] probabilityTrace) {
    }

    /**
     * The value of the goal and its gradient with respect to the codes.
     *
     * @param objective the batch objective (sum of the units)
     * @param values each example's unit value
     * @param gradient ∂objective/∂h, N·D
     * @param input G(h), the classifier input the values were computed on
     * @param goalTensor the goal tensor's values (the logits for a class goal), row-major
     */
    public record CodeGradient(double objective, double[] values, float[] gradient, float[] input, float[] goalTensor) {
    }

    private final Interpreter classifier;
    private final Interpreter generator;
    private final GeneratorModel model;
    private final float[] mean;
    private final float[] std;

    /**
     * @param classifier the classifier C
     * @param generator G, whose output feeds C's input
     * @param model G's metadata (code size and range)
     * @param mean per-channel preprocessing mean on the [0,1] scale (to draw pixels)
     * @param std per-channel preprocessing standard deviation
     */
    public DeepGeneratorActivationMaximization(Interpreter classifier, Interpreter generator, GeneratorModel model,
                                               float[] mean, float[] std) {
        this.classifier = classifier;
        this.generator = generator;
        this.model = model;
        this.mean = mean.clone();
        this.std = std.clone();
        ValueInfo gin = generator.graph().inputs().get(0);
        if (gin.dims().length != 2 || gin.dims()[1] != model.codeSize()) {
            throw new ShapeMismatchException("the generator's input " + gin.shapeString() + " is not [N," + model.codeSize()
                    + "]");
        }
    }

    public GeneratorModel model() {
        return model;
    }

    /** Runs DGN-AM for every example of {@code request}. */
    public Result run(Units request, Options o, Progress reporter) {
        Progress progress = Progress.orNone(reporter);
        Units goal = request.on(ScoreTensor.tensorOf(classifier.graph(), request.tensor()));
        int n = goal.size();
        int d = model.codeSize();
        boolean classScore = checkGoal(goal);
        float[] lo = new float[d];
        float[] hi = new float[d];
        float[] min = model.min();
        float[] max = model.max();
        float[] p01 = model.p01();
        float[] p99 = model.p99();
        float[] std = model.std();
        for (int j = 0; j < d; j++) {
            switch (o.clamp()) {
                case RANGE -> {
                    lo[j] = min[j];
                    hi[j] = max[j];
                }
                case PERCENTILE -> {
                    lo[j] = p01[j];
                    hi[j] = p99[j];
                }
                case NONE -> {
                    lo[j] = Float.NEGATIVE_INFINITY;
                    hi[j] = Float.POSITIVE_INFINITY;
                }
            }
        }
        float[] h = startCodes(o, n, d);
        Random random = new Random(o.seed());
        if (o.noise() > 0) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += (float) (random.nextGaussian() * o.noise() * std[j]);
                }
            }
        }
        clamp(h, lo, hi, d);
        // row t: the values after step t (row 0: at the start); step t's gradient is taken at row t-1
        double[][] aTrace = new double[o.iterations() + 1][];
        double[][] pTrace = new double[o.iterations() + 1][];
        double[] m1 = new double[h.length];
        double[] m2 = new double[h.length];
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        for (int t = 1; t <= o.iterations(); t++) {
            CodeGradient g = gradient(goal, h, n);
            finiteStep(goal, classScore, t, o.iterations(), g, n, d);
            for (int i = 0; i < h.length; i++) {
                double grad = g.gradient()[i] - o.l2() * h[i];
                m1[i] = b1 * m1[i] + (1 - b1) * grad;
                m2[i] = b2 * m2[i] + (1 - b2) * grad * grad;
                double mh = m1[i] / (1 - Math.pow(b1, t));
                double vh = m2[i] / (1 - Math.pow(b2, t));
                h[i] += (float) (o.learningRate() * mh / (Math.sqrt(vh) + eps));
            }
            clamp(h, lo, hi, d);
            aTrace[t - 1] = g.values();
            pTrace[t - 1] = classScore ? softmax(g.goalTensor(), n, goal) : nans(n);
            progress.update("DGN-AM" + Progress.DETAIL + "objective " + String.format(java.util.Locale.ROOT, "%.4g", g.objective()),
                    t, o.iterations());
            progress.checkCancelled();
        }
        float[] input = generate(h, n);
        double[] act;
        try (NDManager scope = classifier.newScope()) {
            NDArray x = scope.create(input, new Shape(shape(n)));
            act = goal.values(classifier.forward(scope, Map.of(classifier.inputName(), x), List.of(goal.tensor())));
        }
        double[] prob = classScore ? probabilities(input, n, goal) : nans(n);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(act[i]) || (classScore && !Double.isFinite(prob[i]))) {
                throw Finite.result("DGN-AM for " + unitName(goal, i, classScore) + " became non-finite at the end ("
                        + (classScore ? "logit " : "unit value ") + Finite.name(act[i])
                        + (classScore ? ", probability " + Finite.name(prob[i]) : "") + ")");
            }
        }
        Finite.check(input, shape(n), "DGN-AM for " + goal.describe() + ": the generated images");
        aTrace[o.iterations()] = act.clone();
        pTrace[o.iterations()] = prob.clone();
        return new Result(h, input, pixels(input, n), shape(n), act, prob, aTrace, pTrace);
    }

    /**
     * Stops the run at step {@code t} when the unit values, the generated images or the code
     * gradient are not finite, naming the first example and what went bad.
     */
    private static void finiteStep(Units goal, boolean classScore, int t, int steps, CodeGradient g, int n, int d) {
        int example = -1;
        String what = null;
        for (int i = 0; i < n && example < 0; i++) {
            if (!Double.isFinite(g.values()[i])) {
                example = i;
                what = (classScore ? "logit " : "unit value ") + Finite.name(g.values()[i]);
            }
        }
        if (example < 0) {
            int bad = Finite.firstNonFinite(g.input());
            if (bad >= 0) {
                example = bad / Math.max(1, g.input().length / n);
                what = "generated image " + Finite.name(g.input()[bad]);
            }
        }
        if (example < 0) {
            int bad = Finite.firstNonFinite(g.gradient());
            if (bad >= 0) {
                example = bad / d;
                what = "code gradient " + Finite.name(g.gradient()[bad]);
            }
        }
        if (example >= 0) {
            throw Finite.result("DGN-AM for " + unitName(goal, example, classScore) + " became non-finite at step " + t
                    + " of " + steps + " (" + what + ")");
        }
    }

    /** "class 3", or "'relu3' unit 5" for a goal that is not a class score. */
    private static String unitName(Units goal, int example, boolean classScore) {
        int c = goal.channels()[example];
        return classScore ? "class " + c : "'" + goal.tensor() + "' unit " + c;
    }

    private float[] startCodes(Options o, int n, int d) {
        float[] h = new float[n * d];
        switch (o.start()) {
            case ZEROS -> {
            }
            case MEAN -> {
                float[] m = model.mean();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(m, 0, h, i * d, d);
                }
            }
            case CODE -> {
                float[] c = o.startCodes();
                if (c.length == d) {
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(c, 0, h, i * d, d);
                    }
                } else if (c.length == n * d) {
                    System.arraycopy(c, 0, h, 0, n * d);
                } else {
                    throw new ShapeMismatchException("start codes hold " + c.length + " values; expected " + d + " (one code)"
                            + " or " + (n * d) + " (" + n + " codes of " + d + ")");
                }
            }
        }
        return h;
    }

    private static void clamp(float[] h, float[] lo, float[] hi, int d) {
        for (int i = 0; i < h.length; i++) {
            int j = i % d;
            h[i] = Math.max(lo[j], Math.min(hi[j], h[i]));
        }
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /** The image shape (N, C, H, W) of G's output for n codes. */
    public long[] shape(int n) {
        long[] s = generator.graph().outputs().get(0).dims().clone();
        if (s.length != 4) {
            throw new ShapeMismatchException("the generator's output " + generator.graph().outputs().get(0).shapeString()
                    + " is not an image (N, C, H, W)");
        }
        s[0] = n;
        return s;
    }

    /** G(h) for n codes, the classifier's normalised input, row-major. */
    public float[] generate(float[] codes, int n) {
        try (NDManager scope = generator.newScope()) {
            NDArray h = scope.create(codes, new Shape(n, model.codeSize()));
            return generator.forward(scope, h).get(generator.outputName()).toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }

    /** Un-normalises model inputs to [0, 1] pixels. */
    public float[] pixels(float[] input, int n) {
        long[] s = shape(n);
        return ActivationMaximization.pixels(input, new int[] {(int) s[1], (int) s[2], (int) s[3]}, mean, std);
    }

    /**
     * The goal's batch objective at codes h (N·D values) and its gradient ∂/∂h, through the
     * generator and the classifier (no penalty, no clamping).
     */
    public CodeGradient gradient(Units goal, float[] codes, int n) {
        int d = model.codeSize();
        if (codes.length != n * d) {
            throw new ShapeMismatchException(codes.length + " code values for " + n + " codes of " + d);
        }
        DataType gType = generator.options().precision();
        DataType cType = classifier.options().precision();
        String in = classifier.inputName();
        String out = generator.outputName();
        String gin = generator.inputName();
        try (NDManager gs = generator.newScope(); NDManager cs = classifier.newScope()) {
            NDArray h = gs.create(codes, new Shape(n, d)).toType(gType, false);
            Gradients[] inner = new Gradients[1];
            float[][] image = new float[1][];
            // One pass through G: its objective <G(h), g_x> takes g_x = dC/dx from the classifier's own
            // backward pass at x = G(h) (a detached copy), so dObjective/dh = J_G(h)^T g_x.
            Objective chain = Objective.of("<G(h), dC/dx>", Set.of(out), v -> {
                NDArray x = v.get(out);
                NDArray xc = x.getDataType() == DataType.FLOAT64 && cType == DataType.FLOAT64
                        ? cs.create(x.toDoubleArray(), x.getShape())
                        : cs.create(x.toType(DataType.FLOAT32, false).toFloatArray(), x.getShape()).toType(cType, false);
                image[0] = xc.toType(DataType.FLOAT32, false).toFloatArray();
                Gradients cg = classifier.gradient(cs, Map.of(in, xc), goal.objective(), List.of(in));
                inner[0] = cg;
                NDArray gx = cg.wrt(in);
                NDArray gxG = gType == DataType.FLOAT64 && gx.getDataType() == DataType.FLOAT64
                        ? gs.create(gx.toDoubleArray(), gx.getShape())
                        : gs.create(gx.toType(DataType.FLOAT32, false).toFloatArray(), gx.getShape()).toType(gType, false);
                // libtorch-owned: autograd saves the factor of the product (see OwnedArrays)
                return x.mul(OwnedArrays.copyOf(gxG)).sum();
            });
            Gradients gg = generator.gradient(gs, Map.of(gin, h), chain, List.of(gin));
            float[] gh = gg.wrt(gin).toType(DataType.FLOAT32, false).toFloatArray();
            Values fwd = inner[0].forward();
            float[] unit = fwd.get(goal.tensor()).toType(DataType.FLOAT32, false).toFloatArray();
            return new CodeGradient(inner[0].objective(), goal.values(fwd), gh, image[0], unit);
        }
    }

    /**
     * Checks every unit of {@code goal} against its tensor's shape (one clear line when a channel or
     * position is out of range) and tells whether the goal is a class score (a (N, K) tensor as wide
     * as the classifier's output, without a position).
     */
    private boolean checkGoal(Units goal) {
        try (NDManager scope = classifier.newScope()) {
            long[] s = shape(1);
            NDArray x = scope.zeros(new Shape(s)).toType(classifier.options().precision(), false);
            Values v = classifier.forward(scope, Map.of(classifier.inputName(), x), List.of(goal.tensor()));
            NDArray t = v.get(goal.tensor());
            goal.check(t.getShape().getShape());
            NDArray out = v.get(classifier.outputName());
            return goal.ys() == null && t.getShape().dimension() == 2 && out.getShape().dimension() == 2
                    && t.getShape().get(1) == out.getShape().get(1);
        }
    }

    /** Softmax of the goal tensor (the logits, or the probabilities themselves when it is the output). */
    private double[] probabilities(float[] input, int n, Units goal) {
        try (NDManager scope = classifier.newScope()) {
            NDArray x = scope.create(input, new Shape(shape(n))).toType(classifier.options().precision(), false);
            Values v = classifier.forward(scope, Map.of(classifier.inputName(), x), List.of(goal.tensor()));
            float[] out = v.get(classifier.outputName()).toType(DataType.FLOAT32, false).toFloatArray();
            int k = out.length / n;
            boolean logitsAreOutput = goal.tensor().equals(classifier.outputName());
            float[] logits = logitsAreOutput ? out : v.get(goal.tensor()).toType(DataType.FLOAT32, false).toFloatArray();
            double[] p = Classifier.softmaxAt(logits, goal.channels());
            for (int i = 0; i < n; i++) {
                if (logitsAreOutput && isDistribution(out, i * k, k)) {
                    p[i] = out[i * k + goal.channels()[i]];
                }
            }
            return p;
        }
    }

    /** Each example's target probability from the goal tensor's values (softmax unless they already sum to 1). */
    private static double[] softmax(float[] t, int n, Units goal) {
        int k = t.length / n;
        double[] p = Classifier.softmaxAt(t, goal.channels());
        for (int i = 0; i < n; i++) {
            if (isDistribution(t, i * k, k)) {
                p[i] = t[i * k + goal.channels()[i]];
            }
        }
        return p;
    }

    private static boolean isDistribution(float[] a, int from, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            if (a[from + j] < 0) {
                return false;
            }
            s += a[from + j];
        }
        return Math.abs(s - 1) < 1e-3;
    }

    @Override
    public String toString() {
        return "DGN-AM(code " + model.codeLayer() + ", " + model.codeSize() + " values)";
    }
}
