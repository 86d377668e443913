package netviz.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.methods.scan.ScanAggregate;
import netviz.methods.scan.ScanManifest;
import netviz.methods.scan.ScanPlan;
import netviz.methods.scan.ScanTables;
import netviz.methods.scan.ScanWriter;
import netviz.session.Session;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz-spark scan}: the dataset scan of {@code netviz scan} as a Spark job, writing the same
 * output (docs/scan-format.md) to any Hadoop path. The driver resolves the {@link ScanPlan} from
 * the model, lists the source in its deterministic order ({@link SparkInputs}) and cuts it into
 * partitions of whole batches ({@link BatchPartitioner}); the model's bytes are broadcast once and
 * each executor JVM opens the model once ({@link ExecutorModels}); each task runs the single-machine
 * {@link netviz.methods.scan.Scanner} over its batches ({@link PartitionScan}), streaming the
 * {@code images} rows to Spark's Parquet writer and saving its partition's aggregate as data
 * ({@link PartialAggregates}); the driver merges the aggregates (the merge is exact and
 * order-independent, so the result is the single machine's bit for bit), writes {@code top},
 * {@code channels}, {@code confusion} and {@code failures}, and {@code scan.json} last.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan a dataset on Spark: per-image predictions and features, per-channel top images, "
                + "firing statistics and histograms, the confusion matrix; the output of 'netviz scan'.")
public final class ScanJob implements Callable<Integer> {
    /** The manifest's tool name for scans this job wrote. */
    public static final String TOOL = "netviz-spark scan";
    /** Exit code of a user error. */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code of an unexpected failure. */
    public static final int EXIT_INTERNAL_ERROR = 1;

    static final StructType IMAGES_SCHEMA = schema(
            "index", DataTypes.LongType, "id", DataTypes.StringType, "label", DataTypes.IntegerType,
            "prediction", DataTypes.IntegerType, "probability", DataTypes.FloatType,
            "features", DataTypes.createArrayType(DataTypes.FloatType, true),
            "scores", DataTypes.createArrayType(DataTypes.FloatType, true));
    private static final String PARTIALS = "_partition_aggregates";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScanJob.class);

    /**
     * A scan's choices.
     *
     * @param model       the ONNX model (a path or any Hadoop URI)
     * @param input       the source (a path or URI; for {@code idx} null means the bundled test split)
     * @param out         the scan folder to write (new or empty)
     * @param format      how to read the source
     * @param scan        layers, feature layer, top-K, batch size, tolerance, histogram
     * @param partitions  partitions wanted (0: four per core of the cluster); each holds whole batches
     * @param limit       scan only the first {@code limit} inputs (0: all)
     * @param imageColumn a Parquet source's image column
     * @param labelColumn a Parquet source's label column
     * @param failFirstAttemptOf a partition whose first attempt fails at its end (a test of retries), or -1
     * @param runtime     the forward pass's runtime (ort or torch, as {@code netviz scan --runtime})
     */
    public record Options(String model, String input, String out, SparkInputs.Format format, ScanPlan.Options scan,
                          int partitions, long limit, String imageColumn, String labelColumn, int failFirstAttemptOf,
                          String runtime) {
        /** The defaults for {@code model}, {@code input} and {@code out}: a folder of images, the scan's defaults. */
        public static Options of(String model, String input, String out) {
            return new Options(model, input, out, SparkInputs.Format.FOLDER, ScanPlan.Options.defaults(), 0, 0,
                    "image", "label", -1, Session.RUNTIMES.get(0));
        }

        public Options withFormat(SparkInputs.Format f) {
            return new Options(model, input, out, f, scan, partitions, limit, imageColumn, labelColumn, failFirstAttemptOf, runtime);
        }

        public Options withScan(ScanPlan.Options s) {
            return new Options(model, input, out, format, s, partitions, limit, imageColumn, labelColumn, failFirstAttemptOf, runtime);
        }

        public Options withPartitions(int p) {
            return new Options(model, input, out, format, scan, p, limit, imageColumn, labelColumn, failFirstAttemptOf, runtime);
        }

        public Options withLimit(long n) {
            return new Options(model, input, out, format, scan, partitions, n, imageColumn, labelColumn, failFirstAttemptOf, runtime);
        }

        public Options withColumns(String image, String label) {
            return new Options(model, input, out, format, scan, partitions, limit, image, label, failFirstAttemptOf, runtime);
        }

        public Options withFailFirstAttemptOf(int partition) {
            return new Options(model, input, out, format, scan, partitions, limit, imageColumn, labelColumn, partition, runtime);
        }

        public Options withRuntime(String r) {
            return new Options(model, input, out, format, scan, partitions, limit, imageColumn, labelColumn, failFirstAttemptOf, r);
        }
    }

    @Option(names = "--model", required = true, paramLabel = "M", description = "The ONNX model (path or URI).")
    String model;

    @Option(names = "--input", paramLabel = "URI",
            description = "The dataset: a folder of images, a Parquet table, or an IDX images file "
                    + "(default with --format idx: the bundled Fashion-MNIST test split).")
    String input;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "The scan folder to write (new or empty).")
    String out;

    @Option(names = "--format", paramLabel = "F", defaultValue = "folder",
            description = "folder | binaryFile (the same: every file below a folder) | parquet | idx (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--layers", split = ",", paramLabel = "L",
            description = "Layers scanned per channel (default: every convolution's activation).")
    List<String> layers = new ArrayList<>();

    @Option(names = "--feature-layer", paramLabel = "L",
            description = "The layer whose values are the features (default: the input of the last fully "
                    + "connected layer; 'none': no features).")
    String featureLayer;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "9", description = "Images kept per channel (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0",
            description = "A filter fires where its activation exceeds T (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Partitions, each whole batches (default: four per core of the cluster).")
    int partitions;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Scan only the first N inputs (default: all).")
    long limit;

    @Option(names = "--image-column", paramLabel = "C", defaultValue = "image",
            description = "A Parquet source's column of image file bytes (default: ${DEFAULT-VALUE}).")
    String imageColumn;

    @Option(names = "--label-column", paramLabel = "C", defaultValue = "label",
            description = "A Parquet source's column of class indices; absent: unlabelled (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--runtime", paramLabel = "R", defaultValue = "ort",
            description = "The forward pass's runtime: ort (ONNX Runtime) or torch (libtorch), as netviz scan (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark's master when not run by spark-submit (e.g. local[2]).")
    String master;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    /** The top-level command {@code netviz-spark}. */
    @Command(name = "netviz-spark", mixinStandardHelpOptions = true, subcommands = ScanJob.class,
            description = "netviz's jobs on Spark.")
    static final class Top implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command (scan)");
        }
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs {@code netviz-spark args…} in this JVM; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Top());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("netviz-spark: error: " + oneLine(ex.getMessage()) + "; see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return EXIT_USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            NetvizException user = userError(ex);
            if (user != null) {
                err.println("netviz-spark: error: " + oneLine(user.getMessage()));
            } else {
                err.println("netviz-spark: internal error: " + ex.getClass().getName()
                        + (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage())));
            }
            if (List.of(args).contains("--verbose")) {
                ex.printStackTrace(err);
            }
            return user != null ? user.exitCode() : EXIT_INTERNAL_ERROR;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        ScanPlan.Options scan = ScanPlan.Options.defaults().withLayers(layers).withFeatureLayer(featureLayer)
                .withTopK(topK).withBatchSize(batchSize).withTolerance(tolerance);
        if (partitions < 0 || limit < 0) {
            throw new netviz.OutOfRangeException("--partitions and --limit are >= 0 (0: automatic / all), not "
                    + (partitions < 0 ? partitions : limit));
        }
        Options o = Options.of(model, input, out).withFormat(SparkInputs.Format.parse(format)).withScan(scan)
                .withPartitions(partitions).withLimit(limit).withColumns(imageColumn, labelColumn).withRuntime(runtime);
        if (input == null && o.format() != SparkInputs.Format.IDX) {
            throw new InputFormatException("--input is needed with --format " + format
                    + " (only --format idx defaults to the bundled test split)");
        }
        SparkSession.Builder b = MetricsWithoutServlet.ifServlet6(SparkSession.builder().appName("netviz-spark scan"));
        if (master != null) {
            b.master(master);
        }
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = b.getOrCreate();
        try {
            ScanManifest m = run(spark, o);
            System.out.println("netviz-spark: scanned " + m.images() + " images (" + m.failed() + " failed) into " + out);
            return 0;
        } finally {
            if (ours) {
                spark.stop();
            }
        }
    }

    /** Runs the scan on {@code spark}; returns the manifest written last. */
    public static ScanManifest run(SparkSession spark, Options o) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        Path out = new Path(o.out());
        checkEmpty(conf, out);
        Path modelPath = new Path(o.model());
        byte[] modelBytes = readAll(conf, modelPath, "model");
        String sha = ExecutorModels.sha256(modelBytes);
        String name = modelPath.getName();
        Session session = ExecutorModels.session(sha, o.runtime(), name, () -> modelBytes);

        SparkInputs inputs = SparkInputs.open(spark, o.format(), o.input(), o.limit(), o.imageColumn(),
                o.labelColumn(), session.preprocessing());
        if (session.config().labels().isPresent()) {
            inputs.alignTo(session.labels());
        }
        ScanPlan plan = ScanPlan.resolve(session.forward(), session.preprocessing(), name, sha, inputs.description(),
                inputs.classNames(), inputs.labeled(), o.scan());
        int wanted = o.partitions() > 0 ? o.partitions() : 4 * jsc.defaultParallelism();
        BatchPartitioner partitioner = BatchPartitioner.of(inputs.count(), plan.batchSize(), wanted);

        Broadcast<byte[]> model = jsc.broadcast(modelBytes);
        Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
        String partials = new Path(out, PARTIALS).toString();
        JavaRDD<Row> rows = inputs.inputs(partitioner)
                .mapPartitions(new PartitionScan(plan, model, hadoop, partials, o.failFirstAttemptOf()));
        spark.createDataFrame(rows, IMAGES_SCHEMA).write().parquet(new Path(out, ScanTables.IMAGES).toString());

        PartialAggregates.Merged merged = PartialAggregates.mergeAll(conf, partials, partitioner.numPartitions(),
                new ScanAggregate(plan));
        ScanAggregate total = merged.total();
        LOG.info("merged {} partition aggregates, {} bytes", partitioner.numPartitions(), merged.bytesRead());
        try {
            out.getFileSystem(conf).delete(new Path(partials), true);
        } catch (IOException e) {
            throw new NetvizException("cannot remove '" + partials + "': " + e.getMessage(), e);
        }
        // top, channels, confusion, failures, then scan.json, as the single-machine scan writes them
        ScanManifest manifest = ScanManifest.of(plan, total, TOOL);
        ScanWriter.writeTables(out, conf, manifest, total);
        return manifest;
    }

    /** Refuses an output folder that holds anything (a scan is never written over another's files). */
    private static void checkEmpty(Configuration conf, Path out) {
        try {
            FileSystem fs = out.getFileSystem(conf);
            if (fs.exists(out)) {
                if (!fs.getFileStatus(out).isDirectory()) {
                    throw new InputFormatException("scan output '" + out + "' is a file; give a new or empty folder");
                }
                FileStatus[] inside = fs.listStatus(out);
                if (inside.length > 0) {
                    throw new InputFormatException("scan output '" + out + "' is not empty (it holds '"
                            + inside[0].getPath().getName() + "'); give a new or empty folder");
                }
            }
        } catch (IOException e) {
            throw new InputFormatException("cannot check scan output '" + out + "': " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(Configuration conf, Path file, String what) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                throw new InputFormatException(what + " file '" + file + "' does not exist");
            }
            FileStatus s = fs.getFileStatus(file);
            if (s.isDirectory()) {
                throw new InputFormatException(what + " file '" + file + "' is a folder; give an .onnx file");
            }
            if (s.getLen() > Integer.MAX_VALUE - 16) {
                throw new InputFormatException(what + " file '" + file + "' is over 2 GB; a broadcast model must be smaller");
            }
            byte[] b = new byte[(int) s.getLen()];
            try (InputStream in = fs.open(file)) {
                IOUtils.readFully(in, b, 0, b.length);
            }
            return b;
        } catch (IOException e) {
            throw new InputFormatException("cannot read " + what + " file '" + file + "': " + e.getMessage(), e);
        }
    }


    private static StructType schema(Object... nameAndType) {
        StructField[] fields = new StructField[nameAndType.length / 2];
        for (int i = 0; i < fields.length; i++) {
            // every column nullable: Spark writes them 'optional', as the format's schema has them
            fields[i] = DataTypes.createStructField((String) nameAndType[2 * i], (DataType) nameAndType[2 * i + 1], true);
        }
        return DataTypes.createStructType(fields);
    }

    private static NetvizException userError(Throwable t) {
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (t instanceof NetvizException n) {
                return n;
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
