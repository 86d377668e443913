package netviz.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.UnknownNameException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.IdxDataset;
import netviz.data.Labels;
import netviz.image.Preprocessing;
import netviz.io.InputFiles;
import netviz.methods.scan.ScanInput;
import netviz.methods.scan.ScanInputs;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.IOUtils;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

import static org.apache.spark.sql.functions.col;

/**
 * A scan's source on a cluster, in the scan's deterministic order, as an RDD of {@link ScanInput}s
 * whose partitions are aligned to the scan's batches ({@link BatchPartitioner}) and sorted by index:
 * <ul>
 *   <li>{@code folder} / {@code binaryFile}: every file below a folder (Spark's {@code binaryFile}
 *       listing, recursive, hidden files skipped), index = rank in sorted path order; only the paths
 *       move between machines, each task reads its files' bytes itself. Sub-folders of the root are
 *       classes (as torchvision's ImageFolder reads them); files that cannot be decoded become
 *       failures of the scan.</li>
 *   <li>{@code parquet}: a table with an image bytes column (binary, or a struct with a binary
 *       {@code bytes} field as Hugging Face stores images) and an optional integer label column;
 *       index = row order (part files in name order, rows in file order); id
 *       {@code "<part file>#<row in file>"}.</li>
 *   <li>{@code idx}: an IDX images file (or a folder with a Fashion-MNIST split), read by each task
 *       from its first index on; id {@code "<file>#<row>"}. The file must be readable at the same
 *       local path on every executor.</li>
 * </ul>
 */
public final class SparkInputs {
    /** The kinds of source. */
    public enum Format {
        FOLDER, BINARYFILE, PARQUET, IDX;

        /** The format named {@code name} (any case). */
        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name) || f.cliName().equals(name)) {
                    return f;
                }
            }
            throw new UnknownNameException("input format", name, Arrays.stream(values()).map(Format::cliName).toList());
        }

        /** The name {@code --format} accepts. */
        public String cliName() {
            return this == BINARYFILE ? "binaryFile" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where each input sits: its index, id and label, and its bytes when they travel with it (Parquet). */
    record Ref(long index, String id, Integer label, byte[] bytes) implements java.io.Serializable {
    }

    private final SparkSession spark;
    private final Format format;
    private final String description;
    private final List<String> classNames;
    private final boolean labeled;
    private final long count;
    private final JavaPairRDD<Long, Ref> refs;
    private final List<Ref> listed;
    private final IdxSource idx;
    private final String root;
    private int[] labelMap;
    private List<String> alignedNames;

    private SparkInputs(SparkSession spark, Format format, String description, List<String> classNames, boolean labeled,
                        long count, JavaPairRDD<Long, Ref> refs, List<Ref> listed, IdxSource idx, String root) {
        this.spark = spark;
        this.format = format;
        this.description = description;
        this.classNames = List.copyOf(classNames);
        this.labeled = labeled;
        this.count = count;
        this.refs = refs;
        this.listed = listed;
        this.idx = idx;
        this.root = root;
    }

    /**
     * Lists the source {@code input} (a path or URI) of {@code format}: the first {@code limit}
     * inputs in the scan's order ({@code limit <= 0}: all). Parquet columns are
     * {@code imageColumn} and {@code labelColumn} (a missing label column: unlabelled).
     */
    public static SparkInputs open(SparkSession spark, Format format, String input, long limit, String imageColumn,
                                   String labelColumn, Preprocessing preprocessing) {
        return switch (format) {
            case FOLDER, BINARYFILE -> folder(spark, format, input, limit);
            case PARQUET -> parquet(spark, input, limit, imageColumn, labelColumn);
            case IDX -> idx(spark, input, limit, preprocessing);
        };
    }

    /** One line naming the source, for the manifest. */
    public String description() {
        return description;
    }

    /** The source's class names (empty when unlabelled), the model's after {@link #alignTo}. */
    public List<String> classNames() {
        return alignedNames != null ? alignedNames : classNames;
    }

    /**
     * Renumbers the labels to the model's classes when the source's class names are the model's (in
     * any order, or a subset), as {@code netviz scan} does ({@code ScanInputs.alignedTo}); a source
     * whose names are not the model's keeps its own labels.
     */
    public SparkInputs alignTo(Labels modelLabels) {
        if (labeled) {
            try {
                labelMap = modelLabels.mapNames(classNames);
                alignedNames = modelLabels.names();
            } catch (NetvizException e) {
                // not the model's classes
            }
        }
        return this;
    }

    public boolean labeled() {
        return labeled;
    }

    /** The number of inputs (files or rows, readable or not). */
    public long count() {
        return count;
    }

    /** The inputs, partitioned by {@code partitioner} and in index order within each partition. */
    public JavaRDD<ScanInput> inputs(BatchPartitioner partitioner) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
        int parts = partitioner.numPartitions();
        long n = count;
        int[] map = labelMap;
        if (idx != null) {
            // each task reads its own range of the file
            IdxSource source = idx;
            List<long[]> ranges = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                ranges.add(new long[] {partitioner.firstIndex(p), p + 1 == parts ? n : Math.min(n, partitioner.firstIndex(p + 1))});
            }
            return jsc.parallelize(ranges, parts).flatMap(r -> source.read(r[0], r[1], map));
        }
        if (listed != null) {
            // the listing is cut into the partitions on the driver: only paths travel, each task reads its files
            List<List<Ref>> byPartition = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                byPartition.add(new ArrayList<>());
            }
            for (Ref r : listed) {
                byPartition.get(partitioner.getPartition(r.index())).add(r);
            }
            String root = this.root;
            return jsc.parallelize(byPartition, parts).flatMap(List::iterator).map(r -> {
                Integer label = relabel(r.label(), map);
                try {
                    return ScanInput.ofBytes(r.index(), r.id(), label, read(conf.value().value(), root + r.id()));
                } catch (IOException | RuntimeException e) {
                    // worded as the single-machine scan words it
                    return ScanInput.unreadable(r.index(), r.id(), label, "cannot read '" + r.id() + "': " + e.getMessage());
                }
            });
        }
        // table rows (with their bytes) move once, to the partition of their batch, sorted by index there
        return refs.repartitionAndSortWithinPartitions(partitioner).values().map(r -> r.bytes() == null
                ? ScanInput.unreadable(r.index(), r.id(), relabel(r.label(), map), "row '" + r.id() + "' has no image bytes")
                : ScanInput.ofBytes(r.index(), r.id(), relabel(r.label(), map), r.bytes()));
    }

    private static Integer relabel(Integer label, int[] map) {
        return label == null || map == null ? label : Integer.valueOf(map[label]);
    }

    /** The bytes of the file at {@code uri}. */
    private static byte[] read(Configuration conf, String uri) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        long length = fs.getFileStatus(p).getLen();
        if (length > InputFiles.MAX_IMAGE_BYTES) {
            throw new IOException("the file has " + length + " bytes, more than an image may have ("
                    + InputFiles.MAX_IMAGE_BYTES + ")");
        }
        byte[] b = new byte[(int) length];
        try (InputStream in = fs.open(p)) {
            IOUtils.readFully(in, b, 0, b.length);
        }
        return b;
    }

    // ---- folder ----

    private static SparkInputs folder(SparkSession spark, Format format, String input, long limit) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(input);
        List<String> classes = new ArrayList<>();
        List<String> files = new ArrayList<>();
        String rootUri;
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new InputFormatException("input folder '" + input + "' does not exist");
            }
            if (!fs.getFileStatus(root).isDirectory()) {
                throw new InputFormatException("input '" + input + "' is a file; --format " + format.cliName()
                        + " reads a folder of images (give --format parquet or idx for a table or an IDX file)");
            }
            root = fs.makeQualified(root);
            rootUri = root.toString();
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory() && !s.getPath().getName().startsWith(".")) {
                    classes.add(s.getPath().getName());
                }
            }
            if (format == Format.BINARYFILE) {
                // Spark's listing (in parallel over many folders; it skips names starting with '_' too)
                files.addAll(Arrays.asList(spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                        .load(rootUri).inputFiles()));
            } else {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
                while (it.hasNext()) {
                    files.add(it.next().getPath().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputFormatException x) {
                throw x;
            }
            throw new InputFormatException("cannot list input folder '" + input + "': " + firstLine(e), e);
        }
        classes.sort(null);
        boolean labeled = !classes.isEmpty();
        String prefix = rootUri.endsWith("/") ? rootUri : rootUri + "/";
        // as the single-machine scan lists a folder: class by class (the sorted class folders; files
        // directly in the root of a folder with classes are not inputs), files in sorted path order,
        // hidden files and folders skipped; the id is the path below the root
        List<String[]> keyed = new ArrayList<>();
        for (String f : files) {
            if (!f.startsWith(prefix)) {
                continue;
            }
            String rel = f.substring(prefix.length());
            if (("/" + rel).contains("/.")) {
                continue;
            }
            int slash = rel.indexOf('/');
            int c = labeled && slash > 0 ? classes.indexOf(rel.substring(0, slash)) : -1;
            if (labeled == (c >= 0)) {
                keyed.add(new String[] {labeled ? String.format("%06d/%s", c, rel) : rel, rel, Integer.toString(c)});
            }
        }
        keyed.sort((x, y) -> x[0].compareTo(y[0]));
        long n = limit > 0 ? Math.min(limit, keyed.size()) : keyed.size();
        if (n == 0) {
            throw new InputFormatException("input folder '" + input + "' holds no files"
                    + (labeled ? " inside its class folders " + classes : ""));
        }
        List<Ref> listed = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            String[] k = keyed.get(i);
            listed.add(new Ref(i, k[1], labeled ? Integer.valueOf(k[2]) : null, null));
        }
        String desc = "image folder " + rootUri + ", " + n + " files" + (labeled ? " in " + classes.size() + " classes" : "");
        return new SparkInputs(spark, format, desc, classes, labeled, n, null, listed, null, prefix);
    }

    // ---- parquet ----

    private static SparkInputs parquet(SparkSession spark, String input, long limit, String imageColumn,
                                       String labelColumn) {
        org.apache.spark.sql.Dataset<Row> table;
        try {
            table = spark.read().parquet(input);
        } catch (RuntimeException e) {
            throw new InputFormatException("cannot read Parquet table '" + input + "': " + firstLine(e), e);
        }
        StructType schema = table.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(imageColumn)) {
            throw new UnknownNameException("image column of '" + input + "'", imageColumn, names);
        }
        Column image = col(imageColumn);
        DataType type = schema.apply(imageColumn).dataType();
        if (type instanceof StructType st && Arrays.asList(st.fieldNames()).contains("bytes")) {
            image = col(imageColumn + ".bytes");
            type = st.apply("bytes").dataType();
        }
        if (!(type instanceof BinaryType)) {
            throw new InputFormatException("column '" + imageColumn + "' of '" + input + "' holds " + type.simpleString()
                    + "; the image column holds the image files' bytes (binary, or a struct with a binary 'bytes')");
        }
        boolean labeled = names.contains(labelColumn);
        if (labeled) {
            StructField f = schema.apply(labelColumn);
            String t = f.dataType().typeName();
            if (!List.of("integer", "long", "short", "byte").contains(t)) {
                throw new InputFormatException("column '" + labelColumn + "' of '" + input + "' holds " + t
                        + "; the label column holds class indices (integers)");
            }
        }
        Column label = labeled ? col(labelColumn).cast("int") : org.apache.spark.sql.functions.lit(null).cast("int");
        org.apache.spark.sql.Dataset<Row> rows = table.select(col("_metadata.file_path").as("file"),
                col("_metadata.row_index").as("row"), label.as("label"), image.as("image"));
        // the index: part files in name order, rows in file order
        Map<String, Long> offsets = new TreeMap<>();
        for (Row r : rows.groupBy("file").count().collectAsList()) {
            offsets.put(r.getString(0), r.getLong(1));
        }
        long n = 0;
        for (Map.Entry<String, Long> e : offsets.entrySet()) {
            long c = e.getValue();
            e.setValue(n);
            n += c;
        }
        if (n == 0) {
            throw new InputFormatException("Parquet table '" + input + "' has no rows");
        }
        long total = limit > 0 ? Math.min(n, limit) : n;
        Map<String, Long> start = Map.copyOf(offsets);
        JavaPairRDD<Long, Ref> refs = rows.javaRDD().mapToPair(r -> {
            String file = r.getString(0);
            long row = r.getLong(1);
            long index = start.get(file) + row;
            String name = file.substring(file.lastIndexOf('/') + 1);
            Integer l = r.isNullAt(2) ? null : r.getInt(2);
            return new Tuple2<>(index, new Ref(index, name + "#" + row, l, r.isNullAt(3) ? null : (byte[]) r.get(3)));
        });
        if (limit > 0) {
            refs = refs.filter(t -> t._1() < limit);
        }
        List<String> classNames = List.of();
        if (labeled) {
            Row max = rows.agg(org.apache.spark.sql.functions.max("label")).first();
            int m = max.isNullAt(0) ? -1 : max.getInt(0);
            List<String> c = new ArrayList<>();
            for (int i = 0; i <= m; i++) {
                c.add(Integer.toString(i));
            }
            classNames = c;
        }
        return new SparkInputs(spark, Format.PARQUET, "parquet " + input + " (" + total + " rows, column '"
                + imageColumn + "'" + (labeled ? ", labels '" + labelColumn + "'" : "") + ")", classNames, labeled,
                total, refs, null, null, null);
    }

    // ---- IDX ----

    /** An IDX images file (and its labels), read from any index on as the single-machine scan reads it. */
    record IdxSource(String images) implements java.io.Serializable {
        Iterator<ScanInput> read(long from, long to, int[] map) {
            ScanInputs in = ScanInputs.open(Path.of(images));
            // an IDX file (gzipped) streams: the rows before the range are read and dropped
            for (long i = 0; i < from && in.hasNext(); i++) {
                in.next();
            }
            return new Iterator<>() {
                private long next = from;

                @Override
                public boolean hasNext() {
                    if (next < to && in.hasNext()) {
                        return true;
                    }
                    in.close();
                    return false;
                }

                @Override
                public ScanInput next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    next++;
                    ScanInput s = in.next();
                    return map == null ? s
                            : new ScanInput(s.index(), s.id(), relabel(s.label(), map), s.bytes(), s.pixels(), s.error());
                }
            };
        }
    }

    private static SparkInputs idx(SparkSession spark, String input, long limit, Preprocessing preprocessing) {
        Dataset d = Datasets.open(input == null || input.isBlank() ? null : Path.of(input), preprocessing);
        if (!(d instanceof IdxDataset idx)) {
            throw new InputFormatException("input '" + input + "' is not an IDX images file or a folder with a"
                    + " Fashion-MNIST split; give --format folder for a folder of images");
        }
        long n = limit > 0 ? Math.min(limit, d.size()) : d.size();
        IdxSource source = new IdxSource(idx.imagesFile().toAbsolutePath().toString());
        return new SparkInputs(spark, Format.IDX, idx.description() + (n < d.size() ? " (first " + n + ")" : ""),
                idx.labeled() ? idx.classNames() : List.of(), idx.labeled(), n, null, null, source, null);
    }

    private static String firstLine(Throwable e) {
        String m = e instanceof AnalysisException a ? a.getSimpleMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
