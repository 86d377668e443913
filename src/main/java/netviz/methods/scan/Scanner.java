package netviz.methods.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import netviz.Progress;
import netviz.engine.Forward;
import netviz.engine.Values;
import netviz.image.FloatImage;
import netviz.image.ImageFiles;
import netviz.image.Preprocessing;
import netviz.methods.evaluation.Classifier;

/**
 * Runs a {@link ScanPlan} over inputs: groups them into the plan's batches by index (batch b holds
 * the indices [b·B, (b+1)·B), so any machine that scans a range of batches computes the same
 * numbers), decodes and preprocesses each input (in parallel; an input that cannot be read, decoded,
 * preprocessed to the plan's input shape, or whose activations are not finite becomes a listed
 * failure, never an exception), runs one forward pass per batch with the plan's layers, feature
 * layer and output tapped, adds the activations to its {@link ScanAggregate} and returns one
 * {@link ImageRow} per image (prediction as {@link Classifier} makes it: the most probable class,
 * the first on ties). Memory is bounded by one batch plus the aggregate.
 */
public final class Scanner {
    private final Forward forward;
    private final Preprocessing preprocessing;
    private final ScanPlan plan;
    private final ScanAggregate aggregate;
    private final List<String> taps;

    public Scanner(Forward forward, Preprocessing preprocessing, ScanPlan plan) {
        this.forward = forward;
        this.preprocessing = preprocessing;
        this.plan = plan;
        this.aggregate = new ScanAggregate(plan);
        LinkedHashSet<String> t = new LinkedHashSet<>(plan.layers());
        if (plan.featureLayer() != null) {
            t.add(plan.featureLayer());
        }
        t.add(plan.outputTensor());
        this.taps = List.copyOf(t);
    }

    public ScanPlan plan() {
        return plan;
    }

    /** Everything added so far. */
    public ScanAggregate aggregate() {
        return aggregate;
    }

    /**
     * Scans every input of {@code inputs}, which come in index order (at least batch by batch);
     * {@code rows} gets each image's row, {@code progress} (may be null) the number of inputs done after
     * each batch.
     */
    public void scan(Iterator<ScanInput> inputs, Consumer<ImageRow> rows, LongConsumer progress) {
        List<ScanInput> batch = new ArrayList<>(plan.batchSize());
        long current = -1;
        long done = 0;
        while (inputs.hasNext()) {
            ScanInput in = inputs.next();
            long b = in.index() / plan.batchSize();
            if (b != current && !batch.isEmpty()) {
                if (b < current) {
                    throw new IllegalArgumentException("scan inputs must come in index order: " + in.index()
                            + " came after batch " + current);
                }
                done += batch.size();
                scanBatch(batch).forEach(rows);
                batch.clear();
                if (progress != null) {
                    progress.accept(done);
                }
            }
            current = b;
            batch.add(in);
        }
        if (!batch.isEmpty()) {
            done += batch.size();
            scanBatch(batch).forEach(rows);
            if (progress != null) {
                progress.accept(done);
            }
        }
    }

    /**
     * Scans {@code inputs} (in index order) into the scan folder {@code dir}: image rows as they
     * come, then the aggregate's tables and {@code scan.json}. {@code progress} hears of each batch
     * ({@code total} inputs in all) and may cancel between batches (the folder then stays an
     * unfinished scan).
     */
    public ScanManifest scanTo(Path dir, Iterator<ScanInput> inputs, long total, Progress progress) {
        Progress p = Progress.orNone(progress);
        try (ScanWriter w = ScanWriter.create(dir)) {
            scan(inputs, w::image, done -> {
                p.update("scanning images", done, total);
                p.checkCancelled();
            });
            ScanManifest m = ScanManifest.of(plan, aggregate, ScanManifest.TOOL);
            w.finish(m, aggregate);
            return m;
        }
    }

    /** One decoded input: its preprocessed pixels, or why it failed. */
    private record Decoded(FloatImage image, String failure) {
    }

    /**
     * Scans one batch: inputs whose indices all lie in one batch of the plan (any order; they are
     * taken in index order). Returns the rows of the images that were scanned, in index order.
     */
    public List<ImageRow> scanBatch(List<ScanInput> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<ScanInput> inputs = new ArrayList<>(batch);
        inputs.sort((a, b) -> Long.compare(a.index(), b.index()));
        long b0 = inputs.get(0).index() / plan.batchSize();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).index() / plan.batchSize() != b0 || (i > 0 && inputs.get(i).index() == inputs.get(i - 1).index())) {
                throw new IllegalArgumentException("the inputs of one batch must have distinct indices in ["
                        + b0 * plan.batchSize() + ", " + (b0 + 1) * plan.batchSize() + "), not " + inputs.get(i).index());
            }
        }
        Decoded[] decoded = new Decoded[inputs.size()];
        IntStream range = IntStream.range(0, decoded.length);
        (decoded.length > 1 ? range.parallel() : range).forEach(i -> decoded[i] = decode(inputs.get(i)));
        List<ScanInput> ok = new ArrayList<>();
        List<FloatImage> images = new ArrayList<>();
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i].failure() != null) {
                aggregate.addFailure(inputs.get(i).id(), decoded[i].failure());
            } else {
                ok.add(inputs.get(i));
                images.add(decoded[i].image());
            }
        }
        if (ok.isEmpty()) {
            return List.of();
        }
        return run(ok, images);
    }

    private Decoded decode(ScanInput in) {
        if (in.error() != null) {
            return new Decoded(null, in.error());
        }
        try {
            FloatImage img = in.bytes() != null ? preprocessing.apply(ImageFiles.read(in.bytes(), in.id())).image()
                    : preprocessing.apply(in.pixels(), 255f).image();
            long[] want = plan.inputShape();
            if (img.channels() != want[0] || img.height() != want[1] || img.width() != want[2]) {
                return new Decoded(null, "preprocessed to " + img.channels() + "x" + img.height() + "x" + img.width()
                        + ", not the scan's input " + want[0] + "x" + want[1] + "x" + want[2]);
            }
            return new Decoded(img, null);
        } catch (RuntimeException | OutOfMemoryError e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Decoded(null, m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        }
    }

    private List<ImageRow> run(List<ScanInput> ok, List<FloatImage> images) {
        int n = ok.size();
        long[] s = plan.inputShape();
        int per = Math.toIntExact(s[0] * s[1] * s[2]);
        float[] pixels = new float[Math.multiplyExact(n, per)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i).data(), 0, pixels, i * per, per);
        }
        int layerCount = plan.layers().size();
        float[][] acts = new float[layerCount][];
        int[] positions = new int[layerCount];
        int[] widths = new int[layerCount];
        float[] outputs;
        float[] features = null;
        try (NDManager scope = forward.newScope()) {
            NDArray x = scope.create(pixels, new Shape(n, s[0], s[1], s[2]));
            Values v = forward.forward(scope, Map.of(forward.inputName(), x), taps);
            for (int l = 0; l < layerCount; l++) {
                NDArray a = v.get(plan.layers().get(l));
                long[] shape = a.getShape().getShape();
                if (shape.length < 2 || shape[0] != n || shape[1] != plan.channels()[l]) {
                    throw new netviz.ShapeMismatchException("layer '" + plan.layers().get(l) + "' has shape "
                            + Arrays.toString(shape) + " for a batch of " + n + "; the scan plan expects (" + n + ", "
                            + plan.channels()[l] + ", ...)");
                }
                acts[l] = floats(a);
                positions[l] = Math.toIntExact(a.size() / ((long) n * shape[1]));
                widths[l] = shape.length >= 3 ? Math.toIntExact(shape[shape.length - 1]) : 1;
            }
            if (plan.featureLayer() != null) {
                NDArray f = v.get(plan.featureLayer());
                if (f.size() != (long) n * plan.featureDim()) {
                    throw new netviz.ShapeMismatchException("feature layer '" + plan.featureLayer() + "' has shape "
                            + f.getShape() + " for a batch of " + n + ", not " + plan.featureDim() + " values per image");
                }
                features = floats(f);
            }
            NDArray o = v.get(plan.outputTensor());
            if (o.size() != (long) n * plan.classCount()) {
                throw new netviz.ShapeMismatchException("output '" + plan.outputTensor() + "' has shape " + o.getShape()
                        + " for a batch of " + n + ", not " + plan.classCount() + " scores per image");
            }
            outputs = floats(o);
        }
        int k = plan.classCount();
        int fd = plan.featureDim();
        boolean[] bad = new boolean[n];
        String[] why = new String[n];
        for (int i = 0; i < n; i++) {
            if (!finite(outputs, i * k, k)) {
                bad[i] = true;
                why[i] = "the model's output '" + plan.outputTensor() + "' is not finite on this image";
            } else if (features != null && !finite(features, i * fd, fd)) {
                bad[i] = true;
                why[i] = "the features of layer '" + plan.featureLayer() + "' are not finite on this image";
            }
            for (int l = 0; l < layerCount && !bad[i]; l++) {
                int len = plan.channels()[l] * positions[l];
                if (!finite(acts[l], i * len, len)) {
                    bad[i] = true;
                    why[i] = "the activations of layer '" + plan.layers().get(l) + "' are not finite on this image";
                }
            }
        }
        int[] keep = IntStream.range(0, n).filter(i -> !bad[i]).toArray();
        for (int i = 0; i < n; i++) {
            if (bad[i]) {
                aggregate.addFailure(ok.get(i).id(), why[i]);
            }
        }
        int m = keep.length;
        if (m == 0) {
            return List.of();
        }
        long[] indices = new long[m];
        String[] ids = new String[m];
        for (int j = 0; j < m; j++) {
            indices[j] = ok.get(keep[j]).index();
            ids[j] = ok.get(keep[j]).id();
        }
        byte[][] bytes = new byte[m][];
        for (int l = 0; l < layerCount; l++) {
            int len = plan.channels()[l] * positions[l];
            float[] a = m == n ? acts[l] : select(acts[l], keep, len);
            aggregate.addActivations(l, a, m, positions[l], widths[l], indices, ids, j -> {
                if (bytes[j] == null) {
                    bytes[j] = ok.get(keep[j]).originalBytes();
                }
                return bytes[j];
            });
        }
        Classifier.Prediction p = Classifier.fromOutputs(m == n ? outputs : select(outputs, keep, k), m, k, plan.scores());
        List<ImageRow> rows = new ArrayList<>(m);
        for (int j = 0; j < m; j++) {
            ScanInput in = ok.get(keep[j]);
            int pred = p.argmax(j);
            aggregate.addImage(in.label(), pred);
            float[] f = features == null ? null : Arrays.copyOfRange(features, keep[j] * fd, (keep[j] + 1) * fd);
            rows.add(new ImageRow(in.index(), in.id(), in.label(), pred, (float) p.probabilities()[j][pred], f));
        }
        return rows;
    }

    private static float[] floats(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static boolean finite(float[] a, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (!Float.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }

    private static float[] select(float[] a, int[] rows, int len) {
        float[] out = new float[rows.length * len];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(a, rows[j] * len, out, j * len, len);
        }
        return out;
    }
}
