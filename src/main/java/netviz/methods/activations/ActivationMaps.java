package netviz.methods.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.engine.Forward;
import netviz.engine.Values;

/**
 * Activation maps: the values a <em>layer</em> computes for one input, one h x w map per channel
 * c, {@code A_c(y, x) = layer(input)[n, c, y, x]}, taken from a forward pass with the layer
 * tapped ({@link Forward#forward}). Showing them next to the input reveals what each layer
 * responds to: early maps keep the image's detail, late maps are coarse and abstract (Zeiler and
 * Fergus, "Visualizing and understanding convolutional networks", ECCV 2014; Yosinski et al.,
 * "Understanding neural networks through deep visualization", 2015).
 * <p>
 * Per layer, the first {@code count} channels are kept, or the strongest by mean or by maximum
 * activation. Tensors of rank 4 (N, C, H, W) give C maps of H x W; rank 3 (N, C, L) gives 1 x L
 * maps; rank 2 (N, F) (a fully connected layer) gives one 1 x 1 "map" per unit. The results are
 * plain arrays; rendering is {@code netviz.render.ActivationFigure}'s job.
 */
public final class ActivationMaps {

    /** Which channels to keep: the first ones, or the strongest by mean or by max activation. */
    public enum Order {
        INDEX, MEAN, MAX;

        /** Parses "index", "mean" or "max" (case-insensitive). */
        public static Order parse(String s) {
            for (Order o : values()) {
                if (o.name().equalsIgnoreCase(s.trim())) {
                    return o;
                }
            }
            throw new NetvizException("unknown order '" + s + "'; use index, mean or max");
        }
    }

    /** {@code count}: maps kept per layer (0 = all); {@code order}; {@code example}: which example of the batch. */
    public record Options(int count, Order order, int example) {
        public Options {
            if (count < 0 || example < 0) {
                throw new IllegalArgumentException("count and example must be >= 0");
            }
        }

        /** 16 maps in channel order, first example. */
        public static Options defaults() {
            return new Options(16, Order.INDEX, 0);
        }

        public Options withCount(int c) {
            return new Options(c, order, example);
        }

        public Options withOrder(Order o) {
            return new Options(count, o, example);
        }

        public Options withExample(int e) {
            return new Options(count, order, e);
        }
    }

    /**
     * One layer's maps: {@code layer} as the user named it, {@code tensor} the tensor tapped,
     * {@code shape} the full tensor shape; {@code channels[i]} is the channel of {@code maps[i]}
     * (h x w, row-major); {@code mean} and {@code max} hold every channel's mean and max;
     * {@code all} is the whole activation of the example, (C, h, w) row-major.
     */
    public record LayerMaps(String layer, String tensor, long[] shape, int height, int width, int[] channels,
                            float[][] maps, float[] mean, float[] max, float[] all) {

        /** Total channels of the layer. */
        public int channelCount() {
            return mean.length;
        }

        /** The kept maps as one (kept, h, w) array. */
        public float[] stacked() {
            int plane = height * width;
            float[] out = new float[maps.length * plane];
            for (int i = 0; i < maps.length; i++) {
                System.arraycopy(maps[i], 0, out, i * plane, plane);
            }
            return out;
        }

        /** The shape of {@link #all()}: the tensor's shape without the batch axis. */
        public long[] exampleShape() {
            return Arrays.copyOfRange(shape, 1, shape.length);
        }

        /** "[1, 64, 56, 56]". */
        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private ActivationMaps() {
    }

    /**
     * Runs example {@code o.example()} of {@code input} once with every layer tapped; the maps of
     * each layer, in the order given (shapes have batch size 1).
     */
    public static List<LayerMaps> compute(Forward model, NDArray input, List<String> layers, Options o) {
        if (layers.isEmpty()) {
            throw new NetvizException("no layer given; name at least one layer (node name, tensor name or index)");
        }
        Map<String, String> tensors = new LinkedHashMap<>();
        for (String l : layers) {
            tensors.put(l, model.graph().resolveTensor(l));
        }
        long batch = input.getShape().dimension() > 0 ? input.getShape().get(0) : 1;
        if (o.example() >= batch) {
            throw new ShapeMismatchException("example " + o.example() + " is out of range: the input batch has "
                    + batch + " example" + (batch == 1 ? "" : "s"));
        }
        List<LayerMaps> out = new ArrayList<>();
        try (NDManager scope = model.newScope()) {
            NDArray x = input;
            int example = o.example();
            if (batch > 1) {
                x = input.get(example + ":" + (example + 1));
                x.attach(scope);
                example = 0;
            }
            Options one = o.withExample(example);
            Values v = model.tensors(scope, Map.of(model.inputName(), x), tensors.values());
            for (Map.Entry<String, String> e : tensors.entrySet()) {
                NDArray a = v.get(e.getValue());
                long[] shape = a.getShape().getShape();
                float[] data = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                netviz.methods.Finite.check(data, shape, "the activation map of layer '" + e.getKey() + "'");
                out.add(select(e.getKey(), e.getValue(), data, shape, one));
            }
        }
        return out;
    }

    /**
     * The maps of one tensor given as a plain array of {@code shape} (batch first): picks example
     * {@code o.example()}, computes every channel's mean and max, keeps {@code o.count()} maps.
     */
    public static LayerMaps select(String layer, String tensor, float[] data, long[] shape, Options o) {
        if (shape.length < 2 || shape.length > 4) {
            throw new ShapeMismatchException("layer '" + layer + "' has shape " + Arrays.toString(shape)
                    + "; activation maps need (N, C), (N, C, L) or (N, C, H, W)");
        }
        if (o.example() >= shape[0]) {
            throw new ShapeMismatchException("example " + o.example() + " is out of range for layer '" + layer
                    + "' of shape " + Arrays.toString(shape));
        }
        int c = Math.toIntExact(shape[1]);
        int h = shape.length == 4 ? Math.toIntExact(shape[2]) : 1;
        int w = shape.length >= 3 ? Math.toIntExact(shape[shape.length - 1]) : 1;
        int plane = h * w;
        int base = o.example() * c * plane;
        float[] mean = new float[c];
        float[] max = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < plane; i++) {
                float x = data[base + ch * plane + i];
                s += x;
                m = Math.max(m, x);
            }
            mean[ch] = (float) (s / plane);
            max[ch] = m;
        }
        Comparator<Integer> cmp;
        switch (o.order()) {
            case MEAN: cmp = Comparator.comparingDouble((Integer i) -> -mean[i]).thenComparingInt(i -> i); break;
            case MAX: cmp = Comparator.comparingDouble((Integer i) -> -max[i]).thenComparingInt(i -> i); break;
            default: cmp = Comparator.naturalOrder(); break;
        }
        int keep = o.count() == 0 ? c : Math.min(o.count(), c);
        int[] chosen = IntStream.range(0, c).boxed().sorted(cmp).limit(keep).mapToInt(Integer::intValue).toArray();
        float[][] maps = new float[keep][];
        for (int i = 0; i < keep; i++) {
            int off = base + chosen[i] * plane;
            maps[i] = Arrays.copyOfRange(data, off, off + plane);
        }
        float[] all = Arrays.copyOfRange(data, base, base + c * plane);
        return new LayerMaps(layer, tensor, shape.clone(), h, w, chosen, maps, mean, max, all);
    }

    /** A one-line description, e.g. "conv1: 64 x 56 x 56, 16 strongest by mean". */
    public static String describe(LayerMaps m, Order order) {
        String dims = m.shape().length == 4 ? m.channelCount() + " x " + m.height() + " x " + m.width()
                : m.shape().length == 3 ? m.channelCount() + " x " + m.width() : m.channelCount() + " units";
        String which = m.channels().length == m.channelCount() ? "all"
                : order == Order.INDEX ? "first " + m.channels().length
                : m.channels().length + " strongest by " + order.name().toLowerCase(Locale.ROOT);
        return m.layer() + ": " + dims + ", " + which;
    }
}
