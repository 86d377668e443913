package netviz.methods.evaluation;

import java.util.Arrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import netviz.OutOfRangeException;
import netviz.engine.Interpreter;

/**
 * The deletion and insertion metrics of Petsiuk et al. (2018, "RISE: Randomized Input Sampling for
 * Explanation of Black-box Models", section 4.1): how faithfully a map ranks the pixels the model
 * relies on.
 * <ul>
 * <li><b>Deletion</b>: starting from the image, replace the most relevant pixels first (all
 * channels of a pixel at once) by the <i>removed</i> image's values (the paper: zero), a fraction
 * {@code step} of the pixels at a time, and record p(class) after each step. A faithful map makes
 * the probability fall at once: a <i>low</i> area under the curve.</li>
 * <li><b>Insertion</b>: starting from the <i>canvas</i> (the paper: a blurred copy), put the most
 * relevant pixels of the image back first. A faithful map makes p(class) rise at once: a
 * <i>high</i> area.</li>
 * </ul>
 * Pixels are ranked by the map's value, largest first (ties by pixel index, row-major); the curve
 * has n + 1 points at fractions 0, 1/n, …, 1 (n = ⌈1/step⌉; after step i, round(i·H·W/n) pixels
 * are changed), p(class) is the softmax of the score tensor, and the area is the trapezoidal rule
 * over the fraction, so it lies in [0, 1].
 */
public final class DeletionInsertion {
    /** Images per forward pass. */
    static final int BATCH = 32;

    private DeletionInsertion() {
    }

    /** One curve: p(class) after each step, and its area. */
    public record Curve(double[] fraction, double[] probability, double auc) {
    }

    /**
     * Deletion: the image, its most relevant pixels replaced by {@code removed} step by step.
     *
     * @param model  the model; {@code score} is the tensor whose softmax gives p(class)
     * @param image  the input (C, H, W), row-major
     * @param chw    its shape
     * @param map    the relevance of each pixel (H × W)
     * @param removed what a deleted pixel becomes (C, H, W)
     * @param cls    the class whose probability is tracked
     * @param step   the fraction of pixels changed per step, in (0, 1]
     */
    public static Curve deletion(Interpreter model, String score, float[] image, int[] chw, float[] map, float[] removed,
                                 int cls, double step) {
        return curve(model, score, image, removed, chw, map, cls, step);
    }

    /** Insertion: the {@code canvas}, the image's most relevant pixels put back step by step (see {@link #deletion}). */
    public static Curve insertion(Interpreter model, String score, float[] image, int[] chw, float[] map, float[] canvas,
                                  int cls, double step) {
        return curve(model, score, canvas, image, chw, map, cls, step);
    }

    /** The order in which pixels are changed: by decreasing relevance, ties by index. */
    public static int[] order(float[] map) {
        Integer[] o = new Integer[map.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        Arrays.sort(o, (a, b) -> {
            int c = Float.compare(map[b], map[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[o.length];
        for (int i = 0; i < o.length; i++) {
            out[i] = o[i];
        }
        return out;
    }

    /** The trapezoidal area under y over x. */
    public static double auc(double[] x, double[] y) {
        double a = 0;
        for (int i = 1; i < x.length; i++) {
            a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return a;
    }

    private static Curve curve(Interpreter model, String score, float[] from, float[] to, int[] chw, float[] map,
                               int cls, double step) {
        if (!(step > 0 && step <= 1)) {
            throw new OutOfRangeException("the deletion/insertion step " + step + " must be a fraction in (0, 1]");
        }
        int c = chw[0];
        int hw = chw[1] * chw[2];
        if (map.length != hw || from.length != c * hw || to.length != c * hw) {
            throw new IllegalArgumentException("a map of " + map.length + " values and images of " + from.length
                    + " and " + to.length + " values for (C, H, W) = (" + c + ", " + chw[1] + ", " + chw[2] + ")");
        }
        int n = (int) Math.ceil(1 / step - 1e-9);
        int[] order = order(map);
        double[] fraction = new double[n + 1];
        double[] prob = new double[n + 1];
        float[] current = from.clone();
        int changed = 0;
        for (int start = 0; start <= n; start += BATCH) {
            int count = Math.min(BATCH, n + 1 - start);
            float[] batch = new float[count * c * hw];
            for (int b = 0; b < count; b++) {
                int i = start + b;
                int target = (int) Math.round((double) i * hw / n);
                for (; changed < target; changed++) {
                    int q = order[changed];
                    for (int ch = 0; ch < c; ch++) {
                        current[ch * hw + q] = to[ch * hw + q];
                    }
                }
                System.arraycopy(current, 0, batch, b * c * hw, c * hw);
                fraction[i] = (double) i / n;
            }
            try (NDManager scope = model.newScope()) {
                NDArray x = scope.create(batch, new Shape(count, c, chw[1], chw[2]));
                NDArray s = model.forward(scope, x, score).get(score);
                float[] p = s.reshape(count, -1).softmax(1).toType(DataType.FLOAT32, false)
                        .toFloatArray();
                int k = p.length / count;
                if (cls < 0 || cls >= k) {
                    throw new OutOfRangeException("class " + cls + " is not one of the model's " + k + " classes");
                }
                for (int b = 0; b < count; b++) {
                    prob[start + b] = p[b * k + cls];
                }
            }
        }
        return new Curve(fraction, prob, auc(fraction, prob));
    }
}
