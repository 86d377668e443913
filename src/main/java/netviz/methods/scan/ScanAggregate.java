package netviz.methods.scan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Everything a dataset scan keeps besides the per-image rows, in memory that does not grow with the
 * dataset: per scanned layer and channel the top-K images by the channel's maximum over positions
 * (Zeiler and Fergus 2014; ties: the smaller index first), the dead-filter counts (images,
 * positions, positions and images above the tolerance), the exact sum of the activations
 * ({@link ExactSum}), their maximum and a {@link LogHistogram}; the confusion counts (true class,
 * predicted class); the number of images scanned and the inputs that failed.
 *
 * <p>Aggregates of disjoint parts of a dataset {@link #merge} into the aggregate of the whole, and
 * the result is the same, bit for bit, whatever the grouping and order: counts add, maxima take the
 * larger, sums are exact, a top-K list is the best K of the union under a total order, failures are
 * listed sorted by id. So a cluster job that scans partitions and merges them writes what a single
 * machine writes.
 */
public final class ScanAggregate implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Comparator<ScanFailure> BY_ID =
            Comparator.comparing(ScanFailure::id).thenComparing(ScanFailure::reason);

    private final List<String> layers;
    private final int[] channels;
    private final int topK;
    private final double tolerance;
    private final LogHistogram histogram;
    private final int bins;

    private final long[] layerImages;
    private final long[] layerPositions;
    private final long[][] firingPositions;
    private final long[][] firingImages;
    private final ExactSum[][] sums;
    private final float[][] max;
    private final long[][] histograms;
    private final List<List<List<ScanHit>>> top;
    private final TreeMap<Long, Long> confusion = new TreeMap<>();
    private final List<ScanFailure> failures = new ArrayList<>();
    private long images;
    private transient LogHistogram.Binner binner;

    /** An empty aggregate for the layers, channel counts, K, tolerance and histogram of {@code plan}. */
    public ScanAggregate(ScanPlan plan) {
        this(plan.layers(), plan.channels(), plan.topK(), plan.tolerance(), plan.histogram());
    }

    /** An empty aggregate for {@code layers} with {@code channels[i]} channels each. */
    public ScanAggregate(List<String> layers, int[] channels, int topK, double tolerance, LogHistogram histogram) {
        this.layers = List.copyOf(layers);
        this.channels = channels.clone();
        this.topK = topK;
        this.tolerance = tolerance;
        this.histogram = histogram;
        this.bins = histogram.bins();
        int l = layers.size();
        layerImages = new long[l];
        layerPositions = new long[l];
        firingPositions = new long[l][];
        firingImages = new long[l][];
        sums = new ExactSum[l][];
        max = new float[l][];
        histograms = new long[l][];
        top = new ArrayList<>();
        for (int i = 0; i < l; i++) {
            int c = channels[i];
            firingPositions[i] = new long[c];
            firingImages[i] = new long[c];
            sums[i] = new ExactSum[c];
            for (int ch = 0; ch < c; ch++) {
                sums[i][ch] = new ExactSum();
            }
            max[i] = new float[c];
            Arrays.fill(max[i], Float.NEGATIVE_INFINITY);
            histograms[i] = new long[c * bins];
            List<List<ScanHit>> perChannel = new ArrayList<>(c);
            for (int ch = 0; ch < c; ch++) {
                perChannel.add(new ArrayList<>(topK + 1));
            }
            top.add(perChannel);
        }
    }

    // ---- updates (the Scanner's) ----

    /**
     * Adds one layer's activations of a batch: {@code a} holds (n, c, p) values row-major for the
     * images {@code indices}/{@code ids}; {@code width} is the map's last axis (to turn a position
     * into y, x); {@code imageBytes} gives image i's original bytes, asked only for images that enter
     * a top list. Values must be finite.
     */
    void addActivations(int layer, float[] a, int n, int p, int width, long[] indices, String[] ids,
                        IntFunction<byte[]> imageBytes) {
        int c = channels[layer];
        if ((long) n * c * p != a.length) {
            throw new IllegalArgumentException("layer '" + layers.get(layer) + "': " + a.length + " values for "
                    + n + " x " + c + " x " + p);
        }
        LogHistogram.Binner b = binner();
        long[] fp = firingPositions[layer];
        long[] fi = firingImages[layer];
        float[] mx = max[layer];
        long[] hist = histograms[layer];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * p;
                float best = Float.NEGATIVE_INFINITY;
                int arg = 0;
                double sum = 0;
                long above = 0;
                int h0 = ch * bins;
                for (int q = 0; q < p; q++) {
                    float v = a[base + q];
                    if (v > best) {
                        best = v;
                        arg = q;
                    }
                    sum += v;
                    if (v > tolerance) {
                        above++;
                    }
                    hist[h0 + b.bin(v)]++;
                }
                sums[layer][ch].add(sum);
                fp[ch] += above;
                if (above > 0) {
                    fi[ch]++;
                }
                if (best > mx[ch]) {
                    mx[ch] = best;
                }
                List<ScanHit> list = top.get(layer).get(ch);
                if (list.size() == topK) {
                    ScanHit last = list.get(topK - 1);
                    if (best < last.value() || (best == last.value() && indices[i] > last.index())) {
                        continue;
                    }
                }
                offer(list, new ScanHit(best, indices[i], ids[i], arg / width, arg % width, imageBytes.apply(i)));
            }
        }
        layerImages[layer] += n;
        layerPositions[layer] += (long) n * p;
    }

    /** Counts one scanned image with its true class (or null) and prediction. */
    void addImage(Integer label, int prediction) {
        images++;
        if (label != null) {
            confusion.merge(cell(label, prediction), 1L, Long::sum);
        }
    }

    /** Lists an input that could not be used. */
    void addFailure(String id, String reason) {
        failures.add(new ScanFailure(id, reason));
    }

    private void offer(List<ScanHit> list, ScanHit h) {
        int at = 0;
        while (at < list.size() && ScanHit.BEST_FIRST.compare(list.get(at), h) <= 0) {
            at++;
        }
        if (at >= topK) {
            return;
        }
        list.add(at, h);
        if (list.size() > topK) {
            list.remove(list.size() - 1);
        }
    }

    private LogHistogram.Binner binner() {
        if (binner == null) {
            binner = histogram.binner();
        }
        return binner;
    }

    private static long cell(int label, int prediction) {
        if (label < 0 || prediction < 0) {
            throw new IllegalArgumentException("classes are >= 0, not " + label + " and " + prediction);
        }
        return ((long) label << 32) | prediction;
    }

    /**
     * Adds everything {@code other} holds (another part of the same scan); {@code other} is left as it
     * was. The result does not depend on the order or grouping of merges.
     */
    public ScanAggregate merge(ScanAggregate other) {
        if (!layers.equals(other.layers) || !Arrays.equals(channels, other.channels) || topK != other.topK
                || Double.compare(tolerance, other.tolerance) != 0 || !histogram.equals(other.histogram)) {
            throw new IllegalArgumentException("cannot merge the aggregates of two different scan plans");
        }
        images += other.images;
        other.confusion.forEach((k, v) -> confusion.merge(k, v, Long::sum));
        failures.addAll(other.failures);
        for (int l = 0; l < layers.size(); l++) {
            layerImages[l] += other.layerImages[l];
            layerPositions[l] += other.layerPositions[l];
            for (int ch = 0; ch < channels[l]; ch++) {
                firingPositions[l][ch] += other.firingPositions[l][ch];
                firingImages[l][ch] += other.firingImages[l][ch];
                sums[l][ch].add(other.sums[l][ch]);
                max[l][ch] = Math.max(max[l][ch], other.max[l][ch]);
                for (ScanHit h : other.top.get(l).get(ch)) {
                    offer(top.get(l).get(ch), h);
                }
            }
            for (int k = 0; k < histograms[l].length; k++) {
                histograms[l][k] += other.histograms[l][k];
            }
        }
        return this;
    }

    // ---- results ----

    public List<String> layers() {
        return layers;
    }

    public int channels(int layer) {
        return channels[layer];
    }

    public int topK() {
        return topK;
    }

    public double tolerance() {
        return tolerance;
    }

    public LogHistogram histogram() {
        return histogram;
    }

    /** Images scanned (decoded and run). */
    public long images() {
        return images;
    }

    /** Inputs that failed. */
    public long failed() {
        return failures.size();
    }

    /** The failed inputs, sorted by id. */
    public List<ScanFailure> failures() {
        List<ScanFailure> f = new ArrayList<>(failures);
        f.sort(BY_ID);
        return f;
    }

    /** Images seen by layer {@code layer}. */
    public long layerImages(int layer) {
        return layerImages[layer];
    }

    /** Positions seen by layer {@code layer} (images × map positions). */
    public long layerPositions(int layer) {
        return layerPositions[layer];
    }

    public long firingPositions(int layer, int channel) {
        return firingPositions[layer][channel];
    }

    public long firingImages(int layer, int channel) {
        return firingImages[layer][channel];
    }

    /** The exact sum of the channel's activations, correctly rounded. */
    public double sum(int layer, int channel) {
        return sums[layer][channel].value();
    }

    /** The channel's maximum (-infinity before any image). */
    public float max(int layer, int channel) {
        return max[layer][channel];
    }

    /** The channel's histogram counts (a copy). */
    public long[] histogram(int layer, int channel) {
        return Arrays.copyOfRange(histograms[layer], channel * bins, (channel + 1) * bins);
    }

    /** The channel's top images, best first (a copy). */
    public List<ScanHit> top(int layer, int channel) {
        return List.copyOf(top.get(layer).get(channel));
    }

    /** The non-zero confusion cells as {label, prediction, count}, sorted by label then prediction. */
    public List<long[]> confusion() {
        List<long[]> out = new ArrayList<>(confusion.size());
        for (Map.Entry<Long, Long> e : confusion.entrySet()) {
            out.add(new long[] {e.getKey() >>> 32, e.getKey() & 0xffffffffL, e.getValue()});
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScanAggregate a)) {
            return false;
        }
        if (!layers.equals(a.layers) || !Arrays.equals(channels, a.channels) || images != a.images
                || !confusion.equals(a.confusion) || !failures().equals(a.failures())
                || !Arrays.equals(layerImages, a.layerImages) || !Arrays.equals(layerPositions, a.layerPositions)) {
            return false;
        }
        for (int l = 0; l < layers.size(); l++) {
            if (!Arrays.deepEquals(new Object[] {firingPositions[l], firingImages[l], max[l], histograms[l]},
                    new Object[] {a.firingPositions[l], a.firingImages[l], a.max[l], a.histograms[l]})) {
                return false;
            }
            for (int ch = 0; ch < channels[l]; ch++) {
                if (Double.doubleToRawLongBits(sum(l, ch)) != Double.doubleToRawLongBits(a.sum(l, ch))
                        || !sameHits(top.get(l).get(ch), a.top.get(l).get(ch))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameHits(List<ScanHit> x, List<ScanHit> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            ScanHit p = x.get(i);
            ScanHit q = y.get(i);
            if (Float.floatToRawIntBits(p.value()) != Float.floatToRawIntBits(q.value()) || p.index() != q.index()
                    || !p.id().equals(q.id()) || p.y() != q.y() || p.x() != q.x() || !Arrays.equals(p.image(), q.image())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(layers, images, confusion);
    }

    @Override
    public String toString() {
        return "ScanAggregate(" + images + " images, " + failures.size() + " failed, " + layers.size() + " layers)";
    }
}
