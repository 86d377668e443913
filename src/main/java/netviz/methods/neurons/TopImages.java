package netviz.methods.neurons;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.engine.Forward;
import netviz.methods.Finite;
import netviz.engine.Values;
import netviz.methods.unit.Unit;

/**
 * The dataset images that excite a unit most (Zeiler and Fergus 2014, section 4; Girshick,
 * Donahue, Darrell and Malik, "Rich feature hierarchies for accurate object detection and semantic
 * segmentation", CVPR 2014, figure 4): for each channel c of a layer and each image n, the
 * channel's maximum over positions a(n, c) = max_{y,x} A[n, c, y, x] and its argmax; the k images
 * with the largest a(n, c), best first (ties: lower image index first).
 *
 * <p>One pass over the data: {@link #add} takes batches; per channel a bounded min-heap holds at
 * most k hits (the weakest on top, replaced when a stronger one arrives), so memory is
 * O(channels × k) whatever the dataset's size.
 */
public final class TopImages {

    /** One hit: the channel's maximum activation on an image, that image's index and the argmax position. */
    public record Hit(float activation, int image, int y, int x) {
    }

    /** Best first: larger activation, then lower image index. */
    public static final Comparator<Hit> BEST_FIRST = Comparator.comparingDouble((Hit h) -> -h.activation)
            .thenComparingInt(Hit::image);

    private final Forward interpreter;
    private final String tensor;
    private final int[] channels;
    private final int k;
    private final List<PriorityQueue<Hit>> heaps = new ArrayList<>();
    private long[] layerShape;
    private long images;

    /**
     * @param layer    node name, tensor name or index of a (N, C, H, W) or (N, C) layer
     * @param channels the channels to track (empty: every channel, known after the first batch)
     * @param k        how many images to keep per channel (at least 1)
     */
    public TopImages(Forward interpreter, String layer, int[] channels, int k) {
        if (k < 1) {
            throw new OutOfRangeException("k must be at least 1, not " + k);
        }
        this.interpreter = interpreter;
        this.tensor = interpreter.graph().resolveTensor(layer);
        this.channels = channels == null ? new int[0] : channels.clone();
        this.k = k;
    }

    /** The tensor scanned. */
    public String tensor() {
        return tensor;
    }

    /** The channels tracked (after the first batch when every channel was asked for). */
    public int[] channels() {
        return channels.length == 0 && layerShape != null ? allChannels() : channels.clone();
    }

    private int[] allChannels() {
        int[] all = new int[(int) layerShape[1]];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Shape of the layer for one image (C, H, W) or (C), known after the first batch. */
    public long[] layerShape() {
        return layerShape == null ? null : Arrays.copyOfRange(layerShape, 1, layerShape.length);
    }

    /** Images seen so far. */
    public long images() {
        return images;
    }

    /** The number of hits held for the i-th tracked channel (never more than k). */
    public int held(int i) {
        return heaps.get(i).size();
    }

    /**
     * Runs one batch: {@code images} (N, C, H, W) row-major, {@code indices[n]} the dataset
     * index of image n.
     */
    public void add(float[] images, long[] shape, int[] indices) {
        try (NDManager scope = interpreter.newScope()) {
            NDArray x = scope.create(images, new Shape(shape));
            Values v = interpreter.forward(scope, Map.of(interpreter.inputName(), x), List.of(tensor));
            NDArray a = v.get(tensor).toType(DataType.FLOAT32, false);
            long[] s = a.getShape().getShape();
            if (s.length != 4 && s.length != 2) {
                throw new NetvizException("layer '" + tensor + "' has shape " + Arrays.toString(s)
                        + "; top images need (N, C, H, W) or (N, C)");
            }
            if (layerShape == null) {
                layerShape = s.clone();
                for (int c : channels) {
                    Unit.checkChannel(tensor, s, c);
                }
                for (int i = 0; i < channels().length; i++) {
                    heaps.add(new PriorityQueue<>(k + 1, BEST_FIRST.reversed()));
                }
            }
            int n = (int) s[0];
            int c = (int) s[1];
            int positions = s.length == 4 ? (int) (s[2] * s[3]) : 1;
            int w = s.length == 4 ? (int) s[3] : 1;
            NDArray flat = a.reshape(n, c, positions);
            float[] max = flat.max(new int[] {2}).toFloatArray();
            long[] arg = flat.argMax(2).toLongArray();
            int[] tracked = channels();
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < tracked.length; t++) {
                    int ch = tracked[t];
                    int p = (int) arg[i * c + ch];
                    if (!Float.isFinite(max[i * c + ch])) {
                        throw Finite.result("the top images of '" + tensor + "' channel " + ch
                                + " became non-finite at image " + indices[i] + " (activation "
                                + Finite.name(max[i * c + ch]) + ")");
                    }
                    offer(heaps.get(t), new Hit(max[i * c + ch], indices[i], p / w, p % w));
                }
            }
            this.images += n;
        }
    }

    private void offer(PriorityQueue<Hit> heap, Hit h) {
        if (Float.isNaN(h.activation)) {
            return;
        }
        if (heap.size() < k) {
            heap.add(h);
        } else if (BEST_FIRST.compare(h, heap.peek()) < 0) {
            heap.poll();
            heap.add(h);
        }
    }

    /** The top hits of the i-th tracked channel, best first. */
    public List<Hit> top(int i) {
        List<Hit> l = new ArrayList<>(heaps.get(i));
        l.sort(BEST_FIRST);
        return l;
    }

    /** The top hits of channel {@code channel} (which must be tracked), best first. */
    public List<Hit> topOfChannel(int channel) {
        int[] tr = channels();
        for (int i = 0; i < tr.length; i++) {
            if (tr[i] == channel) {
                return top(i);
            }
        }
        throw new OutOfRangeException("channel " + channel + " was not tracked");
    }
}
