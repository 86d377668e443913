package netviz.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.image.Preprocessing;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.Selection;
import netviz.methods.attribution.Target;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * What the attribution recipes share: the pictures stacked into one batch, the class target
 * parsed against the class names, a selection described in words, and a fill or baseline spec
 * ("mean", "zero", "blur", "R,G,B") resolved into the model's input space.
 */
final class AttributionInputs {
    private AttributionInputs() {
    }

    /** The pictures as one (N, C, H, W) batch in {@code scope}; they must all have the same shape. */
    static NDArray stack(NDManager scope, List<Picture> pictures) {
        if (pictures.isEmpty()) {
            throw new netviz.InputFormatException("the input holds no images (a batch of 0); give at least one");
        }
        Picture first = pictures.get(0);
        int per = first.input().length;
        float[] all = new float[pictures.size() * per];
        for (int i = 0; i < pictures.size(); i++) {
            Picture p = pictures.get(i);
            if (!Arrays.equals(p.shape(), first.shape())) {
                throw new ShapeMismatchException("image '" + p.id() + "' preprocesses to " + Arrays.toString(p.shape())
                        + " but '" + first.id() + "' to " + Arrays.toString(first.shape())
                        + "; give --crop PX so that every image has the same size");
            }
            System.arraycopy(p.input(), 0, all, i * per, per);
        }
        return scope.create(all, new Shape(pictures.size(), first.channels(), first.height(), first.width()));
    }

    /**
     * The class names when the classes have names (the user's file, the model's metadata, ImageNet's
     * for 1000 declared outputs), else null: classes are then shown by index. Checked against the
     * model's class count only when there are names.
     */
    static List<String> names(Session s) {
        Graph g = s.graph();
        int outputs = 0;
        if (!g.outputs().isEmpty() && g.outputs().get(0).hasShape()) {
            long[] d = g.outputs().get(0).dims();
            if (d.length == 2 && d[1] > 0) {
                outputs = (int) d[1];
            }
        }
        if (s.labelsPath() == null && s.config().labels().isEmpty() && outputs != 1000) {
            return null;
        }
        return s.labels().names();
    }

    /** The class target: {@code spec} (an index or a class name), or the predicted class when it is null. */
    static Target classTarget(String spec, List<String> names) {
        return spec == null ? Target.predicted() : Target.parseClass(spec, names);
    }

    /** "7 Sneaker" or "7". */
    static String className(int k, List<String> names) {
        return k + (names != null && k < names.size() ? " " + names.get(k) : "");
    }

    /** What example i was explained for, in words: "class 7 Sneaker", "conv2_out channel 1 at 3,3". */
    static String describe(Session s, List<String> names, Selection sel, int i) {
        if (sel == null) {
            return "";
        }
        int[] co = sel.coords()[i];
        if (sel.tensor().equals(s.scoreTensor())) {
            return "class " + className(co[0], names);
        }
        return sel.tensor() + " channel " + co[0] + (co.length == 3 ? " at " + co[1] + "," + co[2] : "");
    }

    /** Per-image details: the target in words and its index. */
    static Map<String, Object> detail(Session s, List<String> names, Selection sel, int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", describe(s, names, sel, i));
        if (sel != null) {
            m.put("index", sel.coords()[i].length == 1 ? (Object) sel.coords()[i][0] : sel.coords()[i].clone());
        }
        return m;
    }

    /**
     * A fill / baseline spec in the model's input space ({@code option} names the flag in errors):
     * <ul>
     *   <li>{@code mean}: the dataset's mean pixel. When the preprocessing subtracts the dataset mean
     *       (the model records its normalisation, or {@code --mean} is given) that pixel is 0 in input
     *       space; otherwise the image's own mean per channel stands in for it.</li>
     *   <li>{@code R,G,B}: for pictures, pixel values in [0, 1] normalised like the image
     *       ((v − mean) / std); for raw tensors, values written into the tensor as they are.</li>
     *   <li>{@code zero}, {@code blur}, {@code blur:SIGMA}: as in {@link Baseline#parse}.</li>
     * </ul>
     */
    static Baseline baseline(String option, String spec, Session s, Picture first) {
        String lower = spec.trim().toLowerCase(Locale.ROOT);
        boolean fromImage = first.picture() != null;
        float[][] norm = normalisation(s, fromImage);
        if (lower.equals("mean")) {
            return norm != null ? Baseline.zero() : Baseline.mean();
        }
        Baseline b = parse(option, spec);
        int channels = first.channels();
        if (b instanceof Baseline.Constant c && c.values().length != 1 && c.values().length != channels) {
            throw new OutOfRangeException(option + " " + spec + " gives " + c.values().length
                    + " values but the input has " + channels + (channels == 1 ? " channel; give one value"
                    : " channels; give one value or " + channels));
        }
        if (b instanceof Baseline.Constant c && fromImage && norm != null && !lower.matches("zeros?|0")) {
            double[] v = c.values();
            double[] out = new double[Math.max(v.length, norm[0].length)];
            for (int i = 0; i < out.length; i++) {
                double m = norm[0][Math.min(i, norm[0].length - 1)];
                double sd = norm[1][Math.min(i, norm[1].length - 1)];
                out[i] = (v[Math.min(i, v.length - 1)] - m) / sd;
            }
            return Baseline.constant(out);
        }
        return b;
    }

    /** Checks a fill / baseline spec without a model (the error names {@code option}). */
    static Baseline parse(String option, String spec) {
        try {
            return Baseline.parse(spec);
        } catch (NetvizException e) {
            throw new OutOfRangeException(option + " " + spec + ": " + e.getMessage());
        }
    }

    /**
     * {mean[], std[]} of the input normalisation: for pictures, the session's preprocessing; for raw
     * tensors, the one the model records; null when none subtracts a mean.
     */
    private static float[][] normalisation(Session s, boolean fromImage) {
        Preprocessing p = fromImage ? s.preprocessing() : s.config().preprocessing().orElse(null);
        if (p == null || p.mean() == null || p.mean().length == 0) {
            return null;
        }
        return new float[][] {p.mean(), p.std()};
    }
}
