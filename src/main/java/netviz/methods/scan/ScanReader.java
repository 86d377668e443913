package netviz.methods.scan;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.UnknownNameException;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.image.ImageFiles;
import netviz.methods.activations.DeadFilters;
import netviz.methods.evaluation.ConfusionMatrix;
import netviz.methods.features.Features;
import netviz.methods.neurons.TopImages;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a finished scan folder ({@code docs/scan-format.md}), whoever wrote it (this machine's
 * {@code netviz scan} or the Spark job), and returns the results the figures already draw: the
 * feature vectors as {@link Features}, the dead-filter statistics as a {@link DeadFilters.Report},
 * a channel's top images as {@link TopImages.Hit}s (with the stored image bytes), the confusion
 * counts as a {@link ConfusionMatrix}, and the failed inputs. Every table is read from all its
 * part files and sorted by its keys, never trusting file order.
 */
public final class ScanReader {
    private static final MessageType TOP_NO_IMAGE = ScanTables.project(ScanTables.TOP_SCHEMA, "layer", "channel",
            "rank", "value", "index", "id", "y", "x");
    private static final MessageType TOP_IMAGE = ScanTables.project(ScanTables.TOP_SCHEMA, "index", "id", "image");
    private static final MessageType IMAGES_INDEX = ScanTables.project(ScanTables.IMAGES_SCHEMA, "index");
    private static final MessageType IMAGES_LABEL = ScanTables.project(ScanTables.IMAGES_SCHEMA, "index", "label");

    private final Path dir;
    private final ScanManifest manifest;
    private Map<String, Map<Integer, List<ScanHit>>> top;

    private ScanReader(Path dir, ScanManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** Opens a finished scan; a one-line {@link InputFormatException} for a folder that is not one. */
    public static ScanReader open(Path dir) {
        return open(dir, null);
    }

    /**
     * Opens a finished scan made with the model whose file has SHA-256 {@code modelSha256} (null: any
     * model); a one-line {@link InputFormatException} when it is not a scan, an unfinished one, of
     * another format version, or of another model.
     */
    public static ScanReader open(Path dir, String modelSha256) {
        if (!Files.exists(dir)) {
            throw new InputFormatException("scan folder '" + dir + "' does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new InputFormatException("'" + dir + "' is not a scan: a scan is a folder with scan.json and Parquet"
                    + " tables (made by netviz scan)");
        }
        Path m = dir.resolve(ScanManifest.FILE);
        if (!Files.isRegularFile(m)) {
            boolean tables = ScanTables.ALL.stream().anyMatch(t -> Files.isDirectory(dir.resolve(t)));
            throw new InputFormatException(tables
                    ? "'" + dir + "' is an unfinished scan: it has no scan.json (the scan was interrupted or is still"
                    + " running); run netviz scan again"
                    : "'" + dir + "' is not a scan: it has no scan.json (make one with netviz scan)");
        }
        ScanManifest manifest = ScanManifest.read(m);
        if (modelSha256 != null && !modelSha256.equalsIgnoreCase(manifest.modelSha256())) {
            throw new InputFormatException("scan '" + dir + "' was made with another model ('" + manifest.model()
                    + "', sha256 " + abbrev(manifest.modelSha256()) + ", not " + abbrev(modelSha256)
                    + "); scan the data again with this model");
        }
        for (String t : List.of(ScanTables.IMAGES, ScanTables.TOP, ScanTables.CHANNELS)) {
            if (ScanTables.parts(dir.resolve(t)).isEmpty()) {
                throw new InputFormatException("scan '" + dir + "' is incomplete: its table '" + t
                        + "' has no .parquet file");
            }
        }
        return new ScanReader(dir, manifest);
    }

    private static String abbrev(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }

    public Path dir() {
        return dir;
    }

    public ScanManifest manifest() {
        return manifest;
    }

    // ---- images ----

    /** Every image row, in index order. */
    public List<ImageRow> rows() {
        List<ImageRow> rows = new ArrayList<>();
        forEach(ScanTables.IMAGES, null, g -> rows.add(row(g)));
        rows.sort(Comparator.comparingLong(ImageRow::index));
        return rows;
    }

    /**
     * Every scanned image's true class by index (-1 where unlabelled; indices the scan did not read
     * are -1 too), reading only the index and label columns.
     */
    public int[] labelsByIndex() {
        Map<Long, Integer> labels = new java.util.HashMap<>();
        forEach(ScanTables.IMAGES, IMAGES_LABEL, g -> labels.put(g.getLong("index", 0), optInt(g, "label")));
        int max = labels.keySet().stream().mapToInt(Math::toIntExact).max().orElse(-1);
        int[] out = new int[max + 1];
        java.util.Arrays.fill(out, -1);
        labels.forEach((i, l) -> out[Math.toIntExact(i)] = l == null ? -1 : l);
        return out;
    }

    /** The feature vectors of every image, in index order. */
    public Features images() {
        return features(0);
    }

    /**
     * The feature vectors of the first {@code limit} images in index order (0: all), with their
     * indices, labels (-1 without), ids and the source's class names; {@code dim} is 0 when the scan
     * kept no features.
     */
    public Features features(int limit) {
        if (limit < 0) {
            throw new OutOfRangeException("--limit must be 0 (all) or positive, got " + limit);
        }
        long below = Long.MAX_VALUE;
        if (limit > 0 && limit < manifest.images()) {
            List<Long> all = new ArrayList<>();
            forEach(ScanTables.IMAGES, IMAGES_INDEX, g -> all.add(g.getLong("index", 0)));
            long[] idx = all.stream().mapToLong(Long::longValue).sorted().toArray();
            if (limit < idx.length) {
                below = idx[limit - 1];
            }
        }
        long cut = below;
        List<ImageRow> rows = new ArrayList<>();
        forEach(ScanTables.IMAGES, null, g -> {
            if (g.getLong("index", 0) <= cut) {
                rows.add(row(g));
            }
        });
        rows.sort(Comparator.comparingLong(ImageRow::index));
        int n = rows.size();
        int dim = manifest.featureDim();
        if ((long) n * dim > Integer.MAX_VALUE - 16) {
            throw new NetvizException("the scan's " + n + " images x " + dim + " features do not fit in memory; use --limit");
        }
        float[] values = new float[n * dim];
        int[] indices = new int[n];
        int[] labels = new int[n];
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ImageRow r = rows.get(i);
            if (dim > 0) {
                if (r.features() == null || r.features().length != dim) {
                    throw new InputFormatException("scan '" + dir + "': image " + r.index() + " has "
                            + (r.features() == null ? "no" : Integer.toString(r.features().length)) + " features, not "
                            + dim);
                }
                System.arraycopy(r.features(), 0, values, i * dim, dim);
            }
            indices[i] = Math.toIntExact(r.index());
            labels[i] = r.label() == null ? -1 : r.label();
            ids.add(r.id());
        }
        String layer = manifest.featureLayer() == null ? "none" : manifest.featureLayer();
        String source = "layer " + layer + " of " + manifest.model() + " on " + manifest.input() + " (scan " + dir + ")"
                + (n < manifest.images() ? " (first " + n + ")" : "");
        return new Features(values, n, dim, indices, labels, ids, manifest.classes(), layer, source, true);
    }

    private static ImageRow row(Group g) {
        return new ImageRow(g.getLong("index", 0), g.getString("id", 0), optInt(g, "label"),
                g.getInteger("prediction", 0), g.getFloat("probability", 0), floatList(g, "features"),
                floatList(g, "scores"));
    }

    private static float[] floatList(Group g, String field) {
        if (!g.getType().containsField(field) || g.getFieldRepetitionCount(field) == 0) {
            return null;
        }
        Group list = g.getGroup(field, 0);
        int n = list.getFieldRepetitionCount(0);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            Group e = list.getGroup(0, i);
            values[i] = e.getFieldRepetitionCount(0) > 0 ? e.getFloat(0, 0) : Float.NaN;
        }
        return values;
    }

    private static Integer optInt(Group g, String field) {
        return g.getFieldRepetitionCount(field) > 0 ? g.getInteger(field, 0) : null;
    }

    // ---- dead filters ----

    /** The dead-filter statistics as {@link DeadFilters} reports them, layers named by their tensors. */
    public DeadFilters.Report deadFilters() {
        return deadFilters(null);
    }

    /**
     * The dead-filter statistics; with {@code graph} (may be null) a layer is named by the node that
     * produces its tensor, as {@link DeadFilters} names layers given by tensor.
     */
    public DeadFilters.Report deadFilters(Graph graph) {
        Map<String, List<Group>> byLayer = new LinkedHashMap<>();
        for (String l : manifest.layers()) {
            byLayer.put(l, new ArrayList<>());
        }
        forEach(ScanTables.CHANNELS, null, g -> byLayer.computeIfAbsent(g.getString("layer", 0), k -> new ArrayList<>()).add(g));
        List<DeadFilters.LayerStats> out = new ArrayList<>();
        for (Map.Entry<String, List<Group>> e : byLayer.entrySet()) {
            List<Group> rows = e.getValue();
            rows.sort(Comparator.comparingInt(g -> g.getInteger("channel", 0)));
            int c = rows.size();
            double[] mean = new double[c];
            double[] max = new double[c];
            double[] rate = new double[c];
            double[] positional = new double[c];
            long images = c == 0 ? 0 : rows.get(0).getLong("images", 0);
            long positions = c == 0 ? 0 : rows.get(0).getLong("positions", 0);
            for (int ch = 0; ch < c; ch++) {
                Group g = rows.get(ch);
                if (g.getInteger("channel", 0) != ch) {
                    throw new InputFormatException("scan '" + dir + "': layer '" + e.getKey() + "' lacks channel " + ch
                            + " in its channels table");
                }
                mean[ch] = g.getDouble("sum", 0) / g.getLong("positions", 0);
                max[ch] = g.getFloat("max", 0);
                rate[ch] = (double) g.getLong("firing_images", 0) / g.getLong("images", 0);
                positional[ch] = (double) g.getLong("firing_positions", 0) / g.getLong("positions", 0);
            }
            String name = e.getKey();
            if (graph != null) {
                Node p = graph.producer(name);
                if (p != null && !p.name().isEmpty()) {
                    name = p.name();
                }
            }
            out.add(new DeadFilters.LayerStats(name, e.getKey(), c, images, mean, max, rate, positional,
                    images == 0 ? 0 : positions / images));
        }
        return new DeadFilters.Report(manifest.images(), manifest.tolerance(), out);
    }

    /** The raw {@code channels} table's histogram of a layer's channel (see {@link LogHistogram}). */
    public long[] histogram(String layer, int channel) {
        long[][] found = new long[1][];
        forEach(ScanTables.CHANNELS, null, g -> {
            if (g.getString("layer", 0).equals(layer) && g.getInteger("channel", 0) == channel) {
                Group list = g.getGroup("histogram", 0);
                long[] h = new long[list.getFieldRepetitionCount(0)];
                for (int i = 0; i < h.length; i++) {
                    h[i] = list.getGroup(0, i).getLong(0, 0);
                }
                found[0] = h;
            }
        });
        if (found[0] == null) {
            checkLayer(layer);
            throw new OutOfRangeException("scan '" + dir + "' has no channel " + channel + " in layer '" + layer + "'");
        }
        return found[0];
    }

    // ---- top images ----

    /** The top images of a layer's channel, best first, as {@link TopImages} returns them. */
    public List<TopImages.Hit> top(String layer, int channel) {
        List<TopImages.Hit> out = new ArrayList<>();
        for (ScanHit h : topHits(layer, channel)) {
            out.add(new TopImages.Hit(h.value(), Math.toIntExact(h.index()), h.y(), h.x()));
        }
        return out;
    }

    /** The top images of a layer's channel, best first, with their ids (the bytes are not loaded: null). */
    public synchronized List<ScanHit> topHits(String layer, int channel) {
        checkLayer(layer);
        if (top == null) {
            record Ranked(int rank, ScanHit hit) {
            }
            Map<String, Map<Integer, List<Ranked>>> t = new HashMap<>();
            forEach(ScanTables.TOP, TOP_NO_IMAGE, g -> {
                ScanHit h = new ScanHit(g.getFloat("value", 0), g.getLong("index", 0), g.getString("id", 0),
                        g.getInteger("y", 0), g.getInteger("x", 0), null);
                t.computeIfAbsent(g.getString("layer", 0), k -> new HashMap<>())
                        .computeIfAbsent(g.getInteger("channel", 0), k -> new ArrayList<>()).add(new Ranked(g.getInteger("rank", 0), h));
            });
            Map<String, Map<Integer, List<ScanHit>>> sorted = new HashMap<>();
            t.forEach((layerName, m) -> m.forEach((ch, l) -> sorted.computeIfAbsent(layerName, k -> new HashMap<>())
                    .put(ch, l.stream().sorted(Comparator.comparingInt(Ranked::rank)).map(Ranked::hit).toList())));
            top = sorted;
        }
        int channels = manifest.layers().indexOf(layer);
        List<ScanHit> hits = top.getOrDefault(layer, Map.of()).get(channel);
        if (hits == null) {
            throw new OutOfRangeException("scan '" + dir + "' has no top images for channel " + channel + " of layer '"
                    + layer + "'" + (channels >= 0 ? " (channels 0 to " + (top.getOrDefault(layer, Map.of()).size() - 1) + ")" : ""));
        }
        return List.copyOf(hits);
    }

    private void checkLayer(String layer) {
        if (!manifest.layers().contains(layer)) {
            throw new UnknownNameException("scanned layer", layer, manifest.layers());
        }
    }

    /** The stored image of a hit (its original file, or the PNG of an array row). */
    public BufferedImage image(TopImages.Hit hit) {
        return images(List.of(hit)).get((long) hit.image());
    }

    /** The stored images of several hits, by image index, read in one pass over the {@code top} table. */
    public Map<Long, BufferedImage> images(Collection<TopImages.Hit> hits) {
        Set<Long> wanted = new HashSet<>();
        hits.forEach(h -> wanted.add((long) h.image()));
        Map<Long, BufferedImage> out = new HashMap<>();
        forEach(ScanTables.TOP, TOP_IMAGE, g -> {
            long i = g.getLong("index", 0);
            if (wanted.contains(i) && !out.containsKey(i)) {
                out.put(i, ImageFiles.read(g.getBinary("image", 0).getBytes(), g.getString("id", 0)));
            }
        });
        for (long i : wanted) {
            if (!out.containsKey(i)) {
                throw new OutOfRangeException("scan '" + dir + "' stores no image " + i + " (only the top images are kept)");
            }
        }
        return out;
    }

    // ---- confusion, failures ----

    /** The confusion counts over max(classes named, largest class seen + 1) classes. */
    public ConfusionMatrix confusion() {
        return confusion(manifest.classes().size());
    }

    /**
     * The confusion counts over at least {@code classes} classes (the model's, as {@code Evaluation}
     * sizes its matrix); an {@link InputFormatException} for an unlabelled scan.
     */
    public ConfusionMatrix confusion(int classes) {
        if (!manifest.labeled()) {
            throw new InputFormatException("scan '" + dir + "' has no labels (its source " + manifest.input()
                    + " is unlabelled), so it has no confusion matrix");
        }
        List<long[]> cells = new ArrayList<>();
        forEach(ScanTables.CONFUSION, null, g -> cells.add(new long[] {g.getInteger("label", 0),
            g.getInteger("prediction", 0), g.getLong("count", 0)}));
        int k = Math.max(1, classes);
        for (long[] c : cells) {
            k = (int) Math.max(k, Math.max(c[0], c[1]) + 1);
        }
        long[][] counts = new long[k][k];
        for (long[] c : cells) {
            counts[(int) c[0]][(int) c[1]] += c[2];
        }
        return ConfusionMatrix.of(counts);
    }

    /** The inputs that could not be used, sorted by id. */
    public List<ScanFailure> failures() {
        List<ScanFailure> out = new ArrayList<>();
        forEach(ScanTables.FAILURES, null, g -> out.add(new ScanFailure(g.getString("id", 0), g.getString("reason", 0))));
        out.sort(Comparator.comparing(ScanFailure::id).thenComparing(ScanFailure::reason));
        return out;
    }

    // ---- reading ----

    private void forEach(String table, MessageType projection, Consumer<Group> rows) {
        for (Path part : ScanTables.parts(dir.resolve(table))) {
            try (ParquetReader<Group> r = ScanTables.reader(part, projection)) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    rows.accept(g);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof NetvizException ne) {
                    throw ne;
                }
                throw new InputFormatException("cannot read scan table '" + part + "': "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
            }
        }
    }

    @Override
    public String toString() {
        return "ScanReader(" + dir + ", " + manifest.images() + " images" + ")";
    }
}
