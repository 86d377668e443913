package netviz.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.engine.Graph;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.scan.ImageRow;
import netviz.methods.scan.ScanManifest;
import netviz.methods.scan.ScanReader;

/**
 * A finished dataset scan ({@code netviz scan}, or the Spark job) opened for a session's model: the
 * dataset-wide results that the figures would otherwise compute in a pass over the dataset (top
 * images per channel, the firing statistics of dead filters, every image's features, the confusion
 * matrix), read from the scan's tables by {@link ScanReader}. Opening checks that the scan was made
 * with the session's model (the SHA-256 of the file); asking for a layer the scan did not record
 * fails with one line naming the layers it holds.
 */
public final class DatasetScan {
    private final Path dir;
    private final ScanReader reader;
    private final ScanManifest manifest;
    private final Graph graph;
    private int[] labelsByIndex;

    private DatasetScan(Path dir, ScanReader reader, Graph graph) {
        this.dir = dir;
        this.reader = reader;
        this.manifest = reader.manifest();
        this.graph = graph;
    }

    /** Opens the scan in {@code dir} for {@code session}'s model (a one-line error when it is not one, or of another model). */
    static DatasetScan open(Path dir, Session session) {
        return new DatasetScan(dir, ScanReader.open(dir, session.modelHash()), session.graph());
    }

    /** The scan's folder. */
    public Path dir() {
        return dir;
    }

    /** The reader of its tables. */
    public ScanReader reader() {
        return reader;
    }

    /** Its manifest ({@code scan.json}). */
    public ScanManifest manifest() {
        return manifest;
    }

    /** Images scanned (those that decoded). */
    public long images() {
        return manifest.images();
    }

    /** Inputs that could not be read or decoded. */
    public long failed() {
        return manifest.failed();
    }

    /** "the scan DIR of INPUT (10,000 images, 0 failed)": where figures and reports say their numbers come from. */
    public String description() {
        return String.format(Locale.ROOT, "the scan %s of %s (%,d images, %,d failed)", dir, manifest.input(),
                manifest.images(), manifest.failed());
    }

    /** The tensors whose channels the scan recorded (top images, firing statistics). */
    public List<String> layers() {
        return manifest.layers();
    }

    /**
     * The tensor that {@code layer} (a layer or tensor name) names, when the scan recorded its channels;
     * otherwise a one-line error naming the layers the scan holds.
     */
    public String tensor(String layer) {
        String t = graph.resolveTensor(layer);
        if (!manifest.layers().contains(t)) {
            throw new NetvizException("the scan '" + dir + "' holds no statistics of layer '" + layer + "'"
                    + (t.equals(layer) ? "" : " (tensor " + t + ")") + "; it holds " + String.join(", ", manifest.layers())
                    + "; choose one of them, or run without --scan");
        }
        return t;
    }

    /**
     * The scan's features at {@code layer} (null: the default feature layer) of its first {@code limit}
     * images (0: all), in index order; a one-line error when the scan kept features of another layer or none.
     */
    public Features features(String layer, int limit) {
        String want = FeatureExtractor.tensor(graph, layer);
        String have = manifest.featureLayer();
        if (have == null) {
            throw new NetvizException("the scan '" + dir + "' kept no features; run without --scan, or scan again with"
                    + " --feature-layer " + want);
        }
        if (!want.equals(have)) {
            throw new NetvizException("the scan '" + dir + "' holds the features of layer '" + have + "', not of '"
                    + (layer == null ? want : layer) + "'; ask for --layer " + have + ", or run without --scan");
        }
        return reader.features(limit);
    }

    /**
     * Checks that a figure asks for every scanned image: the per-channel statistics of a scan cannot be
     * cut to the first {@code limit} images.
     */
    public void requireAll(int limit) {
        if (limit != 0 && limit < manifest.images()) {
            throw new OutOfRangeException(String.format(Locale.ROOT, "--limit %d cannot be used with --scan: the scan's"
                    + " statistics cover all its %,d images; drop --limit or scan the first %d images", limit,
                    manifest.images(), limit));
        }
    }

    /**
     * What multifaceted visualization's pass over the dataset would compute for a class unit: every
     * scanned image's index, label, class scores and features, in index order (the first {@code limit}
     * images; 0: all). A one-line error when the scan kept no features or no class scores.
     */
    public netviz.methods.neurons.MultifacetedVisualization.Precomputed facetRows(int limit) {
        if (manifest.featureLayer() == null) {
            throw new NetvizException("the scan '" + dir + "' kept no features; facets need them: run without --scan,"
                    + " or scan again with a feature layer");
        }
        List<ImageRow> rows = reader.rows();
        int n = limit > 0 ? Math.min(limit, rows.size()) : rows.size();
        if (n == 0) {
            throw new NetvizException("the scan '" + dir + "' holds no images");
        }
        int dim = manifest.featureDim();
        float[] first = rows.get(0).scores();
        if (first == null) {
            throw new NetvizException("the scan '" + dir + "' kept no class scores (an older scan); scan again, or run"
                    + " without --scan");
        }
        int classes = first.length;
        int[] indices = new int[n];
        int[] labels = new int[n];
        float[] scores = new float[Math.multiplyExact(n, classes)];
        float[] features = new float[Math.multiplyExact(n, dim)];
        for (int i = 0; i < n; i++) {
            ImageRow r = rows.get(i);
            if (r.scores() == null || r.scores().length != classes || r.features() == null
                    || r.features().length != dim) {
                throw new NetvizException("the scan '" + dir + "' has an incomplete row for image " + r.index());
            }
            indices[i] = Math.toIntExact(r.index());
            labels[i] = r.label() == null ? -1 : r.label();
            System.arraycopy(r.scores(), 0, scores, i * classes, classes);
            System.arraycopy(r.features(), 0, features, i * dim, dim);
        }
        return new netviz.methods.neurons.MultifacetedVisualization.Precomputed(indices, labels, scores, classes,
                features, dim, manifest.featureLayer());
    }

    /** The true class of scanned image {@code index} (-1 when unlabelled or not scanned). */
    public synchronized int label(int index) {
        if (labelsByIndex == null) {
            labelsByIndex = reader.labelsByIndex();
        }
        return index >= 0 && index < labelsByIndex.length ? labelsByIndex[index] : -1;
    }
}
