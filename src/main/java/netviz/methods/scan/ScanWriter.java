package netviz.methods.scan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
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

    private final String where;
    private final Function<String, ParquetWriter<Group>> tables;
    private final Consumer<ScanManifest> manifests;
    private final Path dir;
    private final ParquetWriter<Group> images;
    private final SimpleGroupFactory imageRows = new SimpleGroupFactory(ScanTables.IMAGES_SCHEMA);
    private boolean closed;

    private ScanWriter(Path dir) {
        this.dir = dir;
        this.where = dir.toString();
        this.tables = table -> ScanTables.writer(dir.resolve(table).resolve(PART), ScanTables.schema(table));
        this.manifests = m -> m.write(dir);
        this.images = tables.apply(ScanTables.IMAGES);
    }

    /** A writer of the aggregate's tables only (the images table is written by someone else). */
    private ScanWriter(String where, Function<String, ParquetWriter<Group>> tables, Consumer<ScanManifest> manifests) {
        this.dir = null;
        this.where = where;
        this.tables = tables;
        this.manifests = manifests;
        this.images = null;
        this.closed = true;
    }

    /**
     * Writes the aggregate's tables ({@code top}, {@code channels}, {@code confusion},
     * {@code failures}, one part file each) and then {@code scan.json} into {@code dir} on any
     * Hadoop file system; the {@code images} table is not touched (a cluster job writes it itself,
     * before calling this). Earlier files of these tables are replaced.
     */
    public static void writeTables(org.apache.hadoop.fs.Path dir, org.apache.hadoop.conf.Configuration conf,
                                   ScanManifest manifest, ScanAggregate a) {
        ScanTables.quietHadoop();
        org.apache.hadoop.fs.FileSystem fs;
        try {
            fs = dir.getFileSystem(conf);
            fs.delete(new org.apache.hadoop.fs.Path(dir, ScanManifest.FILE), false);
        } catch (IOException e) {
            throw new NetvizException("cannot prepare scan output '" + dir + "': " + e.getMessage(), e);
        }
        Function<String, ParquetWriter<Group>> tables = table -> {
            org.apache.hadoop.fs.Path part = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(dir, table), PART);
            try {
                fs.delete(new org.apache.hadoop.fs.Path(dir, table), true);
                return ScanTables.writer(org.apache.parquet.hadoop.util.HadoopOutputFile.fromPath(part, conf),
                        ScanTables.schema(table), part.toString());
            } catch (IOException e) {
                throw new NetvizException("cannot write '" + part + "': " + e.getMessage(), e);
            }
        };
        Consumer<ScanManifest> manifests = m -> {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, ScanManifest.FILE);
            try (java.io.OutputStream out = fs.create(file, true)) {
                out.write(m.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new NetvizException("cannot write '" + file + "': " + e.getMessage(), e);
            }
        };
        new ScanWriter(dir.toString(), tables, manifests).finish(manifest, a);
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

    /** The scan folder (null for a writer of a Hadoop file system's tables). */
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
        SimpleGroupFactory confusion = new SimpleGroupFactory(ScanTables.CONFUSION_SCHEMA);
        table(ScanTables.CONFUSION, a.confusion(), cell -> confusion.newGroup().append("label", (int) cell[0])
                .append("prediction", (int) cell[1]).append("count", cell[2]));
        SimpleGroupFactory failures = new SimpleGroupFactory(ScanTables.FAILURES_SCHEMA);
        table(ScanTables.FAILURES, a.failures(), x -> failures.newGroup().append("id", x.id()).append("reason", x.reason()));
        manifests.accept(manifest);
    }

    /** Writes {@code table} with one row per item. */
    private <T> void table(String table, List<T> items, java.util.function.Function<T, Group> row) {
        try (ParquetWriter<Group> w = open(table)) {
            for (T t : items) {
                write(w, row.apply(t), table);
            }
        } catch (IOException e) {
            throw failed(table, e);
        }
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
        return tables.apply(table);
    }

    private void write(ParquetWriter<Group> w, Group g, String table) {
        try {
            w.write(g);
        } catch (IOException e) {
            throw failed(table, e);
        }
    }

    private NetvizException failed(String table, IOException e) {
        return new NetvizException("cannot write the scan table '" + table + "' of '" + where + "': " + e.getMessage(), e);
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
