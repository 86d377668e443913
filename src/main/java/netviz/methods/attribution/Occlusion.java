package netviz.methods.attribution;

import netviz.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.OutOfRangeException;
import netviz.engine.Forward;
import netviz.methods.Finite;

/**
 * Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding Convolutional
 * Networks", ECCV 2014, section 4.2 and figure 7): a square window slides over the image, is
 * filled with a reference value ({@link Baseline}; the dataset's mean pixel by default in the
 * CLI), and at each position the probability of the target class is recorded. Where the
 * probability drops, the classifier relied on what the window hid.
 * <p>
 * Positions are those where the window fits inside the image, row-major from the top-left:
 * rows = ⌊(H − window) / stride⌋ + 1, cols = ⌊(W − window) / stride⌋ + 1. The probability is
 * softmax(S)_k of the unnormalised score S ({@link ScoreTensor}); for a neuron target the
 * recorded value is that neuron's activation. Perturbed images go through the model
 * {@code batch} at a time; {@link Progress} hears of every batch.
 */
public final class Occlusion implements Attribution {
    /** The stage name under which this method reports its progress. */
    static final String STAGE = "occlusion";


    /**
     * @param window side of the square mask in pixels
     * @param stride step between mask positions in pixels
     * @param fill   what the mask writes (in the model's input space)
     * @param batch  perturbed images per forward pass
     */
    public record Options(int window, int stride, Baseline fill, int batch) {
        public Options {
            if (window < 1) {
                throw new OutOfRangeException("occlusion window " + window + " must be at least 1 pixel");
            }
            if (stride < 1) {
                throw new OutOfRangeException("occlusion stride " + stride + " must be at least 1 pixel");
            }
            if (batch < 1) {
                throw new OutOfRangeException("batch " + batch + " must be at least 1");
            }
        }

        /** Window 8, stride 4, zero fill, batch 32 (sized for 28×28 to 64×64 inputs). */
        public static Options defaults() {
            return new Options(8, 4, Baseline.zero(), 32);
        }

        public Options withWindow(int w) {
            return new Options(w, stride, fill, batch);
        }

        public Options withStride(int s) {
            return new Options(window, s, fill, batch);
        }

        public Options withFill(Baseline f) {
            return new Options(window, stride, f, batch);
        }

        public Options withBatch(int b) {
            return new Options(window, stride, fill, b);
        }
    }

    /**
     * @param map        the probability of the target at each mask position, (N, rows, cols)
     * @param unoccluded the probability of the target on the intact image, per example
     */
    public record Result(Attributions map, double[] unoccluded) {
    }

    private final Forward interpreter;
    private final Options options;
    private final Progress progress;

    public Occlusion(Forward interpreter, Options options) {
        this(interpreter, options, Progress.NONE);
    }

    public Occlusion(Forward interpreter, Options options, Progress progress) {
        this.interpreter = interpreter;
        this.options = options;
        this.progress = Progress.orNone(progress);
    }

    /** The same method reporting its progress to {@code p}. */
    public Occlusion withProgress(Progress p) {
        return new Occlusion(interpreter, options, p);
    }

    /**
     * @return the probability of the target at each mask position, shape (N, rows, cols)
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        return run(inputs, target).map();
    }

    /** The occlusion map and the intact image's probability. */
    public Result run(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, "occlusion");
        int n = s[0];
        int c = s[1];
        int per = c * s[2] * s[3];
        OcclusionGrid grid = new OcclusionGrid(options.window(), options.stride(), s[2], s[3]);
        String in = interpreter.inputName();
        String t = target.tensor(interpreter.graph());
        // softmax of the logits; a --score probability output is already the probability
        boolean probability = t.equals(ScoreTensor.logits(interpreter.graph()));
        float[] x = BatchArrays.floats(inputs);
        Selection sel;
        double[] clean;
        try (NDManager scope = interpreter.newScope()) {
            NDArray v = interpreter.tensors(scope, Map.of(in, inputs), List.of(t)).get(t);
            sel = target.select(interpreter.graph(), v);
            clean = read(v, sel, 0, n, probability);
        }
        Finite.checkPerImage(clean, "occlusion of " + BatchArrays.describe(sel) + ": the " + (probability ? "probability" : "value")
                + " on the intact image");
        float[][] fills = new float[n][];
        for (int i = 0; i < n; i++) {
            fills[i] = options.fill().image(Arrays.copyOfRange(x, i * per, (i + 1) * per), c, s[2], s[3]);
        }
        int positions = grid.positions();
        long total = (long) n * positions;
        float[] out = new float[(int) total];
        progress.update(STAGE, 0, total);
        float[] reused = null;
        for (long start = 0; start < total; start += options.batch()) {
            int b = (int) Math.min(options.batch(), total - start);
            // every row is rewritten whole (image, then window), so a full batch reuses one array
            float[] batch = reused != null && reused.length == b * per ? reused : new float[b * per];
            reused = batch;
            int[] rows = new int[b];
            for (int r = 0; r < b; r++) {
                int ex = (int) ((start + r) / positions);
                int p = (int) ((start + r) % positions);
                rows[r] = ex;
                grid.occlude(x, ex * per, fills[ex], c, p, batch, r * per);
            }
            try (NDManager scope = interpreter.newScope()) {
                NDArray v = BatchArrays.tap(interpreter, scope, batch, new long[] {b, c, s[2], s[3]},
                        inputs.getDataType(), t);
                double[] got = read(v, sel.rows(rows), 0, b, probability);
                for (int r = 0; r < b; r++) {
                    out[(int) (start + r)] = (float) got[r];
                }
            }
            progress.checkCancelled();
            progress.update(STAGE, start + b, total);
        }
        int bad = Finite.firstNonFinite(out);
        if (bad >= 0) {
            int p = bad % positions;
            throw Finite.result("occlusion of " + BatchArrays.describe(sel) + " became non-finite with the window at row "
                    + p / grid.cols() + ", column " + p % grid.cols() + " of image " + bad / positions + " ("
                    + (probability ? "probability " : "value ") + Finite.name(out[bad]) + ")");
        }
        return new Result(new Attributions(out, new long[] {n, grid.rows(), grid.cols()}, sel), clean);
    }

    /** Per row of {@code v}: the target's probability (class scores) or its raw value. */
    static double[] read(NDArray v, Selection sel, int from, int count, boolean probability) {
        float[] all = BatchArrays.floats(v);
        long[] shape = v.getShape().getShape();
        int per = all.length / (int) shape[0];
        double[] p = probability ? BatchArrays.softmax(all, (int) shape[0], per) : null;
        double[] out = new double[count];
        for (int r = 0; r < count; r++) {
            int[] co = sel.coords()[from + r];
            long flat = 0;
            for (int k = 0; k < shape.length - 1; k++) {
                flat = flat * shape[k + 1] + (k < co.length ? co[k] : 0);
            }
            int idx = (from + r) * per + (int) flat;
            out[r] = probability ? p[idx] : all[idx];
        }
        return out;
    }

    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return "occlusion";
    }
}
