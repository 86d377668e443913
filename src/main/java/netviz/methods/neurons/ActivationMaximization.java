package netviz.methods.neurons;

import netviz.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.NetvizException;
import netviz.methods.Finite;
import netviz.OutOfRangeException;
import netviz.engine.Autograd;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;
import netviz.engine.Objective;
import netviz.engine.ValueInfo;
import netviz.engine.OwnedArrays;
import netviz.engine.Values;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.unit.Units;

/**
 * Activation maximization: the image that a unit responds to most (Erhan, Bengio, Courville and
 * Vincent 2009; Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks", ICLR
 * workshop 2014, section 2; Yosinski, Clune, Nguyen, Fuchs and Lipson, "Understanding Neural
 * Networks Through Deep Visualization", 2015):
 * <pre>  I* = argmax_I  f(I) − λ/2 ‖I‖²  </pre>
 * found by gradient ascent on the image, f a class score (the logit, not the probability:
 * Simonyan et al. section 2) or a channel or neuron of any layer ({@link Units}).
 *
 * <p>Two parameterisations. {@link Param#PIXEL}: the optimiser holds the model input I itself
 * (normalised; I = 0 is the preprocessing's mean colour), each step moves it by η ∇f / mean|∇f|
 * (a step of η in model-input units whatever the scale of f), then applies the
 * {@link Regularizers} of Yosinski et al. (and, when asked, the {@link CenterBias} of Nguyen et al.
 * 2016, which applies the step only inside a window growing from the centre) and clamps I to the valid pixel range
 * [(0 − mean)/std, (1 − mean)/std]. {@link Param#FOURIER}: the decorrelated Fourier
 * parameterisation of Olah et al. 2017 ({@link FourierImage}), optimised with Adam
 * (Kingma and Ba 2015, lr 0.05 as in Lucid), valid by construction. In both, a composable random
 * {@link Transform} (jitter, scale, rotate) is applied before every forward pass and the
 * gradient flows back through it. Several images are optimised as one batch (one target each,
 * or N images of one unit with the {@link #diversity} term added to the objective).
 */
public final class ActivationMaximization {
    /** The stage name under which the optimisation reports its progress. */
    static final String STAGE = "activation maximization";


    /** How the image is parameterised. */
    public enum Param { PIXEL, FOURIER }

    /** How the image starts. */
    public enum Init { ZEROS, NOISE, IMAGE }

    /**
     * @param iterations  gradient steps (1 to 100000)
     * @param step        η: pixel steps in model-input units (default 0.05); Adam's learning
     *                    rate for {@link Param#FOURIER}
     * @param regularizers pixel-space regularisers (pixel parameterisation only, except jitter)
     * @param param       the parameterisation
     * @param transforms  further random transforms (scale, rotate, ...) after the jitter
     * @param init        how the image starts
     * @param initImage   the starting model input (N or 1 image) for {@link Init#IMAGE}
     * @param noise       standard deviation of {@link Init#NOISE} in [0,1] pixel units
     * @param diversity   weight of the diversity term (0: none)
     * @param diversityLayer the (N, C, H, W) layer whose Gram matrices the diversity term compares
     * @param seed        seed of every random choice
     */
    public record Options(int iterations, double step, Regularizers regularizers, Param param, List<Transform> transforms,
                          Init init, float[] initImage, double noise, double diversity, String diversityLayer,
                          long seed) {
        public Options {
            if (iterations < 1 || iterations > 100_000) {
                throw new OutOfRangeException("iterations must be between 1 and 100000, not " + iterations);
            }
            if (!(step > 0) || Double.isInfinite(step)) {
                throw new OutOfRangeException("step size must be positive, not " + step);
            }
            if (!(noise >= 0)) {
                throw new OutOfRangeException("noise must be 0 or more, not " + noise);
            }
            if (!(diversity >= 0)) {
                throw new OutOfRangeException("diversity weight must be 0 or more, not " + diversity);
            }
            transforms = List.copyOf(transforms);
            if (init == Init.IMAGE && initImage == null) {
                throw new IllegalArgumentException("init IMAGE needs an image");
            }
            if (param == Param.FOURIER && (regularizers.decay() > 0 || regularizers.blurEvery() > 0 && regularizers.blurSigma() > 0
                    || regularizers.normPercentile() > 0 || regularizers.contributionPercentile() > 0)) {
                throw new NetvizException("L2 decay, blur and clipping act on pixels; with the Fourier "
                        + "parameterisation use only jitter and the transforms (or choose the pixel parameterisation)");
            }
            if (param == Param.FOURIER && regularizers.centerBias().enabled()) {
                throw new NetvizException("the centre bias masks the pixel gradient; it needs the pixel parameterisation");
            }
            if (param == Param.FOURIER && init == Init.IMAGE) {
                throw new NetvizException("the Fourier parameterisation starts from a random spectrum; "
                        + "an initial image needs the pixel parameterisation");
            }
        }

        /** 200 steps of η = 0.05 from zeros, no regularisation, pixels. */
        public static Options defaults() {
            return new Options(200, 0.05, Regularizers.none(), Param.PIXEL, List.of(), Init.ZEROS, null, 0.1, 0, null, 0);
        }

        public Options withIterations(int v) {
            return new Options(v, step, regularizers, param, transforms, init, initImage, noise, diversity, diversityLayer, seed);
        }

        public Options withStep(double v) {
            return new Options(iterations, v, regularizers, param, transforms, init, initImage, noise, diversity, diversityLayer, seed);
        }

        public Options withRegularizers(Regularizers v) {
            return new Options(iterations, step, v, param, transforms, init, initImage, noise, diversity, diversityLayer, seed);
        }

        public Options withParam(Param v) {
            return new Options(iterations, step, regularizers, v, transforms, init, initImage, noise, diversity, diversityLayer, seed);
        }

        public Options withTransforms(List<Transform> v) {
            return new Options(iterations, step, regularizers, param, v, init, initImage, noise, diversity, diversityLayer, seed);
        }

        public Options withInit(Init v, float[] image) {
            return new Options(iterations, step, regularizers, param, transforms, v, image, noise, diversity, diversityLayer, seed);
        }

        public Options withDiversity(double weight, String layer) {
            return new Options(iterations, step, regularizers, param, transforms, init, initImage, noise, weight, layer, seed);
        }

        public Options withSeed(long v) {
            return new Options(iterations, step, regularizers, param, transforms, init, initImage, noise, diversity, diversityLayer, v);
        }
    }

    /**
     * The optimised images.
     *
     * @param input  model inputs, (N, C, H, W) row-major
     * @param pixels the same images un-normalised to [0, 1]
     * @param shape  (N, C, H, W)
     * @param start  each example's unit value on the starting image
     * @param end    each example's unit value on the final image
     * @param trace  the batch objective after each step (under that step's random transform)
     */
    public record Result(float[] input, float[] pixels, long[] shape, double[] start, double[] end, double[] trace) {
    }

    private final Interpreter interpreter;
    private final float[] mean;
    private final float[] std;

    /**
     * @param mean per-channel mean of the preprocessing on the [0,1] scale (one value or C)
     * @param std  per-channel standard deviation (one value or C)
     */
    public ActivationMaximization(Interpreter interpreter, float[] mean, float[] std) {
        this.interpreter = interpreter;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Model inputs (N, C, H, W) row-major, N any, un-normalised to [0, 1] pixels with this
     * instance's preprocessing: {@code clamp(x · std_c + mean_c, 0, 1)}, as in {@link Result#pixels()}.
     */
    public float[] pixels(float[] x) {
        return pixels(x, inputShape(), mean, std);
    }

    /**
     * Images (N, C, H, W) row-major with {@code chw} = (C, H, W), normalised with per-channel
     * {@code mean} and {@code std} on the [0, 1] scale (one value or C; empty: 0 and 1), back to
     * [0, 1] pixels.
     */
    public static float[] pixels(float[] x, int[] chw, float[] mean, float[] std) {
        int hw = chw[1] * chw[2];
        float[] px = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            int ch = (k / hw) % chw[0];
            float m = mean.length == 0 ? 0f : mean[Math.min(ch, mean.length - 1)];
            float sd = std.length == 0 ? 1f : std[Math.min(ch, std.length - 1)];
            px[k] = Math.max(0f, Math.min(1f, x[k] * sd + m));
        }
        return px;
    }

    /** The input shape (C, H, W) of the model; fails when it is not a fixed-size image input. */
    public int[] inputShape() {
        ValueInfo in = interpreter.graph().inputs().get(0);
        long[] d = in.dims();
        if (d.length != 4 || d[1] <= 0 || d[2] <= 0 || d[3] <= 0) {
            throw new NetvizException("activation maximization needs a fixed-size image input (N, C, H, W); input '"
                    + in.name() + "' is " + in.shapeString());
        }
        return new int[] {(int) d[1], (int) d[2], (int) d[3]};
    }

    private float mean(int c) {
        return mean.length == 0 ? 0f : mean[Math.min(c, mean.length - 1)];
    }

    private float std(int c) {
        return std.length == 0 ? 1f : std[Math.min(c, std.length - 1)];
    }

    /** Optimises one image per example of {@code goal}. */
    public Result run(Units request, Options o, Progress reporter) {
        Progress progress = Progress.orNone(reporter);
        Units goal = request.on(ScoreTensor.tensorOf(interpreter.graph(), request.tensor()));
        int[] chw = inputShape();
        int n = goal.size();
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        int hw = h * w;
        long[] shape = {n, c, h, w};
        Objective objective = goal.objective();
        if (o.diversity() > 0 && n > 1) {
            if (o.diversityLayer() == null) {
                throw new NetvizException("the diversity term needs a layer with spatial axes");
            }
            objective = objective.plus(diversity(interpreter.graph().resolveTensor(o.diversityLayer()), o.diversity()));
        }
        List<Transform> ts = new ArrayList<>();
        if (o.regularizers().jitter() > 0) {
            ts.add(Transform.jitter(o.regularizers().jitter()));
        }
        ts.addAll(o.transforms());
        Transform transform = ts.isEmpty() ? null : Transform.compose(ts);
        Random rnd = new Random(o.seed());
        float[] lo = new float[c];
        float[] hi = new float[c];
        for (int ch = 0; ch < c; ch++) {
            lo[ch] = (0 - mean(ch)) / std(ch);
            hi[ch] = (1 - mean(ch)) / std(ch);
        }
        String in = interpreter.inputName();
        double[] trace = new double[o.iterations()];
        float[] x = new float[n * c * hw];
        if (o.init() == Init.IMAGE) {
            int per = c * hw;
            if (o.initImage().length != per && o.initImage().length != x.length) {
                throw new NetvizException("the initial image has " + o.initImage().length + " values; the model takes "
                        + c + "x" + h + "x" + w + " = " + per);
            }
            for (int e = 0; e < n; e++) {
                System.arraycopy(o.initImage(), o.initImage().length == per ? 0 : e * per, x, e * per, per);
            }
        } else if (o.init() == Init.NOISE) {
            for (int e = 0; e < n; e++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < hw; i++) {
                        double p = 0.5 + o.noise() * rnd.nextGaussian();
                        x[(e * c + ch) * hw + i] = (float) ((Math.max(0, Math.min(1, p)) - mean(ch)) / std(ch));
                    }
                }
            }
        }
        FourierImage fourier = null;
        float[] re = null;
        float[] im = null;
        if (o.param() == Param.FOURIER) {
            fourier = new FourierImage(n, c, h, w);
            re = fourier.init(rnd);
            im = fourier.init(rnd);
            x = fourierInput(fourier, re, im, shape);
        }
        double[] start = values(goal, x, shape);

        if (o.param() == Param.PIXEL) {
            for (int t = 1; t <= o.iterations(); t++) {
                float[][] vg = new float[1][];
                trace[t - 1] = pixelGradient(objective, in, x, shape, transform, rnd, vg);
                float[] g = vg[0];
                finiteStep(goal, t, o.iterations(), trace[t - 1], g);
                Regularizers r = o.regularizers();
                if (r.centerBias().enabled()) {
                    float[] mask = r.centerBias().mask(t, o.iterations(), h, w);
                    int inside = 0;
                    for (float v : mask) {
                        inside += (int) v;
                    }
                    float[] gm = g.clone();
                    for (int p = 0; p < n * c; p++) {
                        for (int i = 0; i < hw; i++) {
                            gm[p * hw + i] *= mask[i];
                        }
                    }
                    ascend(x, gm, n, c * hw, o.step(), c * inside);
                } else {
                    ascend(x, g, n, c * hw, o.step());
                }
                if (r.decay() > 0) {
                    Regularizers.decay(x, r.decay());
                }
                if (r.blursAt(t)) {
                    Regularizers.blur(x, n * c, h, w, r.blurSigma());
                }
                if (r.normPercentile() > 0) {
                    Regularizers.clip(x, n, c, h, w, Regularizers.pixelNorms(x, n, c, hw), r.normPercentile());
                }
                if (r.contributionPercentile() > 0) {
                    Regularizers.clip(x, n, c, h, w, Regularizers.contributions(x, g, n, c, hw), r.contributionPercentile());
                }
                clamp(x, n, c, hw, lo, hi);
                progress.update(STAGE + Progress.DETAIL + "objective " + String.format(java.util.Locale.ROOT, "%.4g", trace[t - 1]),
                        t, o.iterations());
                progress.checkCancelled();
            }
        } else {
            Adam adamRe = new Adam(re.length, o.step());
            Adam adamIm = new Adam(im.length, o.step());
            for (int t = 1; t <= o.iterations(); t++) {
                try (NDManager scope = interpreter.newScope(); Autograd.Mode m = Autograd.record()) {
                    NDArray r = Autograd.leaf(scope.create(re, fourier.paramShape()));
                    NDArray i = Autograd.leaf(scope.create(im, fourier.paramShape()));
                    NDArray xin = normalise(fourier.pixels(r, i));
                    if (transform != null) {
                        xin = transform.apply(xin, rnd);
                    }
                    Gradients gr = interpreter.gradient(scope, Map.of(in, xin.stopGradient()), objective, List.of(in));
                    Autograd.backward(xin, gr.wrt(in).toType(xin.getDataType(), false), false);
                    trace[t - 1] = gr.objective();
                    float[] gRe = floats(r.getGradient());
                    float[] gIm = floats(i.getGradient());
                    finiteStep(goal, t, o.iterations(), trace[t - 1], gRe);
                    finiteStep(goal, t, o.iterations(), trace[t - 1], gIm);
                    adamRe.ascend(re, gRe, t);
                    adamIm.ascend(im, gIm, t);
                }
                progress.update(STAGE + Progress.DETAIL + "objective " + String.format(java.util.Locale.ROOT, "%.4g", trace[t - 1]),
                        t, o.iterations());
                progress.checkCancelled();
            }
            x = fourierInput(fourier, re, im, shape);
        }
        double[] end = values(goal, x, shape);
        String what = "activation maximization of " + goal.describe();
        Finite.checkPerImage(start, what + ": the unit's value at the start");
        Finite.check(x, shape, what + ": the synthesised image");
        Finite.checkPerImage(end, what + ": the unit's value at the end");
        return new Result(x, pixels(x), shape, start, end, trace);
    }

    /** Stops the run at step {@code t} when its objective or gradient is not finite. */
    private static void finiteStep(Units goal, int t, int steps, double objective, float[] gradient) {
        int bad = Finite.firstNonFinite(gradient);
        if (bad >= 0 || !Double.isFinite(objective)) {
            throw Finite.result("activation maximization of " + goal.describe() + " became non-finite at step " + t
                    + " of " + steps + " (objective " + Finite.name(objective)
                    + (bad >= 0 ? ", gradient " + Finite.name(gradient[bad]) + " at index " + bad : "") + ")");
        }
    }

    /** The objective value and (in {@code out[0]}) its gradient with respect to the image, through the transform. */
    private double pixelGradient(Objective objective, String in, float[] x, long[] shape, Transform transform,
                                 Random rnd, float[][] out) {
        try (NDManager scope = interpreter.newScope()) {
            NDArray img = scope.create(x, new Shape(shape));
            if (transform == null) {
                Gradients gr = interpreter.gradient(scope, Map.of(in, img), objective, List.of(in));
                out[0] = floats(gr.wrt(in));
                return gr.objective();
            }
            try (Autograd.Mode m = Autograd.record()) {
                NDArray leaf = Autograd.leaf(img);
                NDArray xin = transform.apply(leaf, rnd);
                Gradients gr = interpreter.gradient(scope, Map.of(in, xin.stopGradient()), objective, List.of(in));
                if (xin == leaf) {
                    out[0] = floats(gr.wrt(in));
                } else {
                    Autograd.backward(xin, gr.wrt(in).toType(xin.getDataType(), false), false);
                    out[0] = floats(leaf.getGradient());
                }
                return gr.objective();
            }
        }
    }

    private NDArray normalise(NDArray px) {
        int c = (int) px.getShape().get(1);
        float[] m = new float[c];
        float[] s = new float[c];
        for (int ch = 0; ch < c; ch++) {
            m[ch] = mean(ch);
            s[ch] = std(ch);
        }
        NDManager mg = px.getManager();
        return px.sub(mg.create(m, new Shape(1, c, 1, 1))).div(mg.create(s, new Shape(1, c, 1, 1)));
    }

    private float[] fourierInput(FourierImage f, float[] re, float[] im, long[] shape) {
        try (NDManager scope = interpreter.newScope()) {
            return floats(normalise(f.pixels(scope.create(re, f.paramShape()), scope.create(im, f.paramShape()))));
        }
    }

    /** Each example's unit value on images {@code x}. */
    public double[] values(Units units, float[] x, long[] shape) {
        Units goal = units.on(ScoreTensor.tensorOf(interpreter.graph(), units.tensor()));
        try (NDManager scope = interpreter.newScope()) {
            Values v = interpreter.forward(scope, Map.of(interpreter.inputName(), scope.create(x, new Shape(shape))),
                    List.of(goal.tensor()));
            goal.check(v.get(goal.tensor()).getShape().getShape());
            return goal.values(v);
        }
    }

    /**
     * The diversity term of Olah et al. 2017 (Lucid's {@code objectives.diversity}): minus the
     * mean over examples of the summed cosine similarity between example i's and every other
     * example's Gram matrix of {@code tensor} (a (N, C, H, W) layer), times {@code weight}. Added
     * to a batch objective it pushes the images of one unit apart in style.
     */
    public static Objective diversity(String tensor, double weight) {
        return Objective.of("diversity(" + tensor + ")", java.util.Set.of(tensor), v -> {
            NDArray a = v.get(tensor);
            long n = a.getShape().get(0);
            long c = a.getShape().get(1);
            NDArray f = a.reshape(n, c, -1);
            NDArray gram = f.matMul(f.transpose(0, 2, 1)).reshape(n, -1);
            NDArray norm = gram.norm(new int[] {1}, true).add(1e-8);
            NDArray unit = gram.div(norm);
            NDArray sim = unit.matMul(unit.transpose());
            NDArray offDiagonal = sim.sum().sub((double) n);
            // scalars libtorch owns: autograd saves the divisor and the factor (see OwnedArrays)
            NDArray mean = offDiagonal.div(OwnedArrays.scalar(offDiagonal, n));
            return mean.mul(OwnedArrays.scalar(mean, -weight));
        });
    }

    static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** x ← x + η g / mean|g|, per example. */
    static void ascend(float[] x, float[] g, int n, int per, double eta) {
        ascend(x, g, n, per, eta, per);
    }

    /**
     * x ← x + η g / (Σ|g| / active), per example: the mean magnitude taken over the {@code active}
     * entries that may be non-zero (all {@code per} of them, or those inside a centre-bias window).
     */
    static void ascend(float[] x, float[] g, int n, int per, double eta, int active) {
        for (int e = 0; e < n; e++) {
            double s = 0;
            for (int i = 0; i < per; i++) {
                s += Math.abs(g[e * per + i]);
            }
            double m = s / Math.max(1, active);
            if (m == 0 || !Double.isFinite(m)) {
                continue;
            }
            float f = (float) (eta / m);
            for (int i = 0; i < per; i++) {
                x[e * per + i] += f * g[e * per + i];
            }
        }
    }

    static void clamp(float[] x, int n, int c, int hw, float[] lo, float[] hi) {
        for (int e = 0; e < n; e++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    float v = x[off + i];
                    x[off + i] = v < lo[ch] ? lo[ch] : v > hi[ch] ? hi[ch] : v;
                }
            }
        }
    }

    /** Adam (Kingma and Ba 2015) on a float array, ascending; β1 0.9, β2 0.999, ε 1e-8. */
    static final class Adam {
        private final float[] m;
        private final float[] v;
        private final double lr;

        Adam(int size, double lr) {
            m = new float[size];
            v = new float[size];
            this.lr = lr;
        }

        void ascend(float[] p, float[] g, int t) {
            double b1 = 0.9;
            double b2 = 0.999;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                m[i] = (float) (b1 * m[i] + (1 - b1) * g[i]);
                v[i] = (float) (b2 * v[i] + (1 - b2) * g[i] * g[i]);
                p[i] += (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
            }
        }
    }

    @Override
    public String toString() {
        return "ActivationMaximization(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
