package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import netviz.OutOfRangeException;
import netviz.engine.InputGradients;

/**
 * SmoothGrad (Smilkov, Thorat, Kim, Viégas and Wattenberg, "SmoothGrad: removing noise by adding
 * noise", 2017) as a noise tunnel around any attribution method (after Captum's
 * {@code NoiseTunnel}): the average of the wrapped method's attributions over {@code samples}
 * copies of the image with Gaussian noise added,
 * <pre>  M̂(x) = 1/n Σ_{i=1..n} M(x + N(0, σ²)),   σ = noise · (max(x) − min(x))  </pre>
 * where the range is taken per image. The paper's defaults: n = 50, noise level 10–20%
 * (0.15 here). The target is resolved once on the clean image (its predicted class, or its
 * neuron position), then used for every noisy copy. Noise comes from a seeded
 * {@link SplittableRandom}, so a run is reproducible. The result has the wrapped method's shape.
 */
public final class NoiseTunnel implements Attribution {

    /**
     * @param samples number of noisy copies (paper: 50)
     * @param noise   σ as a fraction of the image's value range (paper: 0.10–0.20)
     * @param seed    seed of the noise
     * @param batch   how many noisy images go through the wrapped method at once
     */
    public record Options(int samples, double noise, long seed, int batch) {
        public Options {
            if (samples < 1) {
                throw new OutOfRangeException("SmoothGrad samples " + samples + " must be at least 1");
            }
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new OutOfRangeException("SmoothGrad noise " + noise + " must be a fraction >= 0 (e.g. 0.15)");
            }
            if (batch < 1) {
                throw new OutOfRangeException("batch " + batch + " must be at least 1");
            }
        }

        public static Options defaults() {
            return new Options(50, 0.15, 0, 16);
        }

        public Options withSamples(int n) {
            return new Options(n, noise, seed, batch);
        }

        public Options withNoise(double s) {
            return new Options(samples, s, seed, batch);
        }

        public Options withSeed(long s) {
            return new Options(samples, noise, s, batch);
        }

        public Options withBatch(int b) {
            return new Options(samples, noise, seed, b);
        }
    }

    private final InputGradients gradients;
    private final Attribution method;
    private final Options options;

    public NoiseTunnel(InputGradients gradients, Attribution method, Options options) {
        this.gradients = gradients;
        this.method = method;
        this.options = options;
    }

    /**
     * @return the mean of the wrapped method's attributions over the noisy copies, in its shape
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "SmoothGrad");
        int n = s[0];
        int per = s[1] * s[2] * s[3];
        float[] x = BatchArrays.floats(inputs);
        Selection sel;
        try (NDManager scope = gradients.newScope()) {
            String t = target.tensor(gradients.graph());
            sel = target.select(gradients.graph(), gradients.tensors(scope,
                    Map.of(gradients.inputName(), inputs), List.of(t)).get(t));
        }
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int j = i * per; j < (i + 1) * per; j++) {
                lo = Math.min(lo, x[j]);
                hi = Math.max(hi, x[j]);
            }
            sigma[i] = options.noise() * (hi - lo);
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        int total = n * options.samples();
        double[] sum = null;
        long[] shape = null;
        try (NDManager scope = gradients.newScope()) {
            for (int start = 0; start < total; start += options.batch()) {
                int b = Math.min(options.batch(), total - start);
                float[] noisy = new float[b * per];
                int[] rows = new int[b];
                for (int r = 0; r < b; r++) {
                    int ex = (start + r) / options.samples();
                    rows[r] = ex;
                    for (int j = 0; j < per; j++) {
                        noisy[r * per + j] = (float) (x[ex * per + j] + sigma[ex] * gaussian(random));
                    }
                }
                Attributions a;
                try (NDArray batch = BatchArrays.create(scope, noisy, new Shape(b, s[1], s[2], s[3]),
                        inputs.getDataType())) {
                    a = method.attribute(batch, Target.of(sel.rows(rows)));
                }
                int outPer = a.values().length / b;
                if (sum == null) {
                    sum = new double[n * outPer];
                    shape = a.shape().clone();
                    shape[0] = n;
                }
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < outPer; j++) {
                        sum[rows[r] * outPer + j] += a.values()[r * outPer + j];
                    }
                }
            }
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = (float) (sum[i] / options.samples());
        }
        return BatchArrays.finite(new Attributions(mean, shape, sel), name(), "the mean over the noisy copies");
    }

    /** A standard normal deviate (Box–Muller on the seeded generator). */
    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return "SmoothGrad " + method.name();
    }

    @Override
    public String toString() {
        return name() + " " + options;
    }
}
