package netviz.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.data.Batch;
import netviz.engine.Interpreter;
import netviz.engine.Objective;

/**
 * What a job will cost before it starts: its work in the units the user knows (images scanned,
 * optimisation steps, t-SNE points) and the seconds that work takes on this machine. Forward and
 * backward passes are timed once, on the served model and dataset, the first time an estimate is
 * asked for (a fraction of a second); t-SNE's cost per iteration follows Barnes-Hut's n log n with a
 * constant measured on a 2-core machine (BENCHMARKS.md). An estimate is a guide, within a factor of
 * about two on an idle machine, and longer on a loaded one.
 */
final class JobCost {
    /** An estimate: seconds, and the work in words. */
    record Estimate(double seconds, String work) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            m.put("work", work);
            m.put("words", words(seconds));
            return m;
        }

        /** "under a second", "about 40 s", "about 3 min". */
        static String words(double s) {
            if (s < 1) {
                return "under a second";
            }
            if (s < 90) {
                return String.format(Locale.ROOT, "about %.0f s", Math.max(1, s));
            }
            return String.format(Locale.ROOT, "about %.0f min", s / 60);
        }
    }

    /** Barnes-Hut t-SNE seconds per iteration per n·log2(n) (10,000 points, 1,000 iterations: 112 s). */
    static final double TSNE_PER_NLOGN = 8.4e-7;
    /** The exact neighbour graph of t-SNE's affinities: seconds per pair of points. */
    static final double TSNE_PER_PAIR = 2.3e-7;

    private final ModelSession s;
    private double forward = -1;
    private double gradient = -1;

    JobCost(ModelSession s) {
        this.s = s;
    }

    /** Seconds of one image's forward pass in batches (measured once). */
    synchronized double forwardPerImage() {
        if (forward < 0) {
            measure();
        }
        return forward;
    }

    /** Seconds of one image's forward and backward pass (measured once). */
    synchronized double gradientPerImage() {
        if (gradient < 0) {
            measure();
        }
        return gradient;
    }

    private void measure() {
        Interpreter it = s.interpreter();
        int n = Math.max(1, Math.min(64, s.size()));
        Batch b = s.dataset().batches(n, 0, n).iterator().next();
        String out = it.outputName();
        double fwd = Double.MAX_VALUE;
        double grad = Double.MAX_VALUE;
        for (int round = 0; round < 2; round++) { // the first round warms up
            try (NDManager scope = it.newScope()) {
                NDArray x = b.toNDArray(scope);
                long t0 = System.nanoTime();
                it.tensors(scope, Map.of(it.inputName(), x), List.of(out));
                fwd = Math.min(fwd, (System.nanoTime() - t0) / 1e9 / n);
                NDArray one = x.get("0:1");
                long t1 = System.nanoTime();
                it.gradient(scope, Map.of(it.inputName(), one), Objective.logit(s.session().scoreTensor(), 0),
                        List.of(it.inputName()));
                grad = Math.min(grad, (System.nanoTime() - t1) / 1e9);
            }
        }
        forward = fwd;
        gradient = grad;
    }

    /** Scanning the first {@code n} served images (forward passes). */
    Estimate scan(int n, String what) {
        return new Estimate(n * forwardPerImage(), String.format(Locale.ROOT, "%s: a forward pass over %,d images", what, n));
    }

    /** {@code steps} forward and backward passes of {@code batch} images. */
    Estimate steps(int steps, int batch, String what) {
        return new Estimate((double) steps * batch * gradientPerImage(),
                String.format(Locale.ROOT, "%s: %,d gradient steps%s", what, steps, batch > 1 ? " of " + batch + " images" : ""));
    }

    /** Barnes-Hut t-SNE of {@code n} points for {@code iterations} iterations, with its neighbour graph. */
    static double tsneSeconds(int n, int iterations) {
        double nlogn = n * Math.max(1, Math.log(n) / Math.log(2));
        return iterations * TSNE_PER_NLOGN * nlogn + TSNE_PER_PAIR * (double) n * n;
    }

    /** The sum of two estimates, their work joined. */
    static Estimate plus(Estimate a, Estimate b) {
        return new Estimate(a.seconds() + b.seconds(), a.work() + "; " + b.work());
    }
}
