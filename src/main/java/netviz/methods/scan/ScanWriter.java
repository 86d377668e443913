package netviz.methods.scan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.NetvizException;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.api.Binary;

/**
 * Writes a scan folder on the local disk ({@code docs/scan-format.md}): image rows as they come
 * ({@link #image}), then {@link #finish} writes the aggregate's tables and, last, {@code scan.json}.
 * A folder without {@code scan.json} is an unfinished scan; writing into an existing scan folder
 * first removes its manifest and tables. Each table is one part file {@code part-00000.parquet}.
 */
public final class ScanWriter implements AutoCloseable {
    private static final String PART = "part-00000.parquet";

    private final Path dir;
    private final ParquetWriter<Group> images;
    private final SimpleGroupFactory imageRows = new SimpleGroupFactory(ScanTables.IMAGES_SCHEMA);
    private boolean closed;

    private ScanWriter(Path dir) {
        this.dir = dir;
        this.images = ScanTables.writer(dir.resolve(ScanTables.IMAGES).resolve(PART), ScanTables.IMAGES_SCHEMA);
    }

    /**
     * Starts a scan in {@code dir}: created if missing; an earlier scan there is replaced; a folder
     * holding anything else is refused.
     */
    public static ScanWriter create(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new NetvizException("scan output '" + dir + "' is a file; give a folder");
            }
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        if (!name.equals(ScanManifest.FILE) && !ScanTables.ALL.contains(name) && !name.startsWith(".")) {
                            throw new NetvizException("scan output '" + dir + "' holds '" + name
                                    + "', which is not part of a scan; give a new or empty folder, or an earlier scan's");
                        }
                    }
                }
                Files.deleteIfExists(dir.resolve(ScanManifest.FILE));
                for (String t : ScanTables.ALL) {
                    Path td = dir.resolve(t);
                    if (Files.isDirectory(td)) {
                        try (DirectoryStream<Path> ds = Files.newDirectoryStream(td)) {
                            for (Path p : ds) {
                                Files.delete(p);
                            }
                        }
                        Files.delete(td);
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NetvizException("cannot prepare scan output '" + dir + "': " + e.getMessage(), e);
        }
        return new ScanWriter(dir);
    }

    /** The scan folder. */
    public Path dir() {
        return dir;
    }

    /** Appends one image row (rows come in index order). */
    public void image(ImageRow r) {
        Group g = imageRows.newGroup();
        g.append("index", r.index()).append("id", r.id());
        if (r.label() != null) {
            g.append("label", r.label());
        }
        g.append("prediction", r.prediction()).append("probability", r.probability());
        if (r.features() != null) {
            Group list = g.addGroup("features");
            for (float f : r.features()) {
                list.addGroup("list").append("element", f);
            }
        }
        write(images, g, ScanTables.IMAGES);
    }

    /** Writes the aggregate's tables and then {@code scan.json} (the scan is finished). */
    public void finish(ScanPlan plan, ScanAggregate a) {
        finish(ScanManifest.of(plan, a, ScanManifest.TOOL), a);
    }

    /** Writes the aggregate's tables and then {@code manifest} as {@code scan.json}. */
    public void finish(ScanManifest manifest, ScanAggregate a) {
        closeImages();
        writeTop(a);
        writeChannels(a);
        try (ParquetWriter<Group> w = open(ScanTables.CONFUSION)) {
            SimpleGroupFactory f = new SimpleGroupFactory(ScanTables.CONFUSION_SCHEMA);
            for (long[] cell : a.confusion()) {
                write(w, f.newGroup().append("label", (int) cell[0]).append("prediction", (int) cell[1])
                        .append("count", cell[2]), ScanTables.CONFUSION);
            }
        } catch (IOException e) {
            throw failed(ScanTables.CONFUSION, e);
        }
        try (ParquetWriter<Group> w = open(ScanTables.FAILURES)) {
            SimpleGroupFactory f = new SimpleGroupFactory(ScanTables.FAILURES_SCHEMA);
            for (ScanFailure x : a.failures()) {
                write(w, f.newGroup().append("id", x.id()).append("reason", x.reason()), ScanTables.FAILURES);
            }
        } catch (IOException e) {
            throw failed(ScanTables.FAILURES, e);
        }
        manifest.write(dir);
    }

    private void writeTop(ScanAggregate a) {
        try (ParquetWriter<Group> w = open(ScanTables.TOP)) {
            SimpleGroupFactory f = new SimpleGroupFactory(ScanTables.TOP_SCHEMA);
            List<String> layers = a.layers();
            for (int l = 0; l < layers.size(); l++) {
                for (int ch = 0; ch < a.channels(l); ch++) {
                    List<ScanHit> hits = a.top(l, ch);
                    for (int r = 0; r < hits.size(); r++) {
                        ScanHit h = hits.get(r);
                        write(w, f.newGroup().append("layer", layers.get(l)).append("channel", ch).append("rank", r)
                                .append("value", h.value()).append("index", h.index()).append("id", h.id())
                                .append("y", h.y()).append("x", h.x())
                                .append("image", Binary.fromConstantByteArray(h.image())), ScanTables.TOP);
                    }
                }
            }
        } catch (IOException e) {
            throw failed(ScanTables.TOP, e);
        }
    }

    private void writeChannels(ScanAggregate a) {
        try (ParquetWriter<Group> w = open(ScanTables.CHANNELS)) {
            SimpleGroupFactory f = new SimpleGroupFactory(ScanTables.CHANNELS_SCHEMA);
            List<String> layers = a.layers();
            for (int l = 0; l < layers.size(); l++) {
                for (int ch = 0; ch < a.channels(l); ch++) {
                    Group g = f.newGroup().append("layer", layers.get(l)).append("channel", ch)
                            .append("images", a.layerImages(l)).append("positions", a.layerPositions(l))
                            .append("firing_positions", a.firingPositions(l, ch))
                            .append("firing_images", a.firingImages(l, ch)).append("sum", a.sum(l, ch))
                            .append("max", a.max(l, ch));
                    Group list = g.addGroup("histogram");
                    for (long c : a.histogram(l, ch)) {
                        list.addGroup("list").append("element", c);
                    }
                    write(w, g, ScanTables.CHANNELS);
                }
            }
        } catch (IOException e) {
            throw failed(ScanTables.CHANNELS, e);
        }
    }

    private ParquetWriter<Group> open(String table) {
        return ScanTables.writer(dir.resolve(table).resolve(PART), ScanTables.schema(table));
    }

    private void write(ParquetWriter<Group> w, Group g, String table) {
        try {
            w.write(g);
        } catch (IOException e) {
            throw failed(table, e);
        }
    }

    private NetvizException failed(String table, IOException e) {
        return new NetvizException("cannot write the scan table '" + dir.resolve(table) + "': " + e.getMessage(), e);
    }

    private void closeImages() {
        if (!closed) {
            closed = true;
            try {
                images.close();
            } catch (IOException e) {
                throw failed(ScanTables.IMAGES, e);
            }
        }
    }

    /** Closes the image rows; without {@link #finish} the folder stays an unfinished scan. */
    @Override
    public void close() {
        closeImages();
    }
}
