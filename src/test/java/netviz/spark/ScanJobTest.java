package netviz.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import netviz.data.Idx;
import netviz.data.Labels;
import netviz.image.FloatImage;
import netviz.methods.scan.ScanInput;
import netviz.methods.scan.ScanInputs;
import netviz.methods.scan.ScanManifest;
import netviz.methods.scan.ScanPlan;
import netviz.methods.scan.ScanReader;
import netviz.methods.scan.ScanTables;
import netviz.methods.scan.ScanWriter;
import netviz.methods.scan.Scanner;
import netviz.session.Session;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against the single-machine scan (the {@link Scanner} run in this JVM on its own
 * session, written by {@link ScanWriter}) on the first 2,000 images of the bundled Fashion-MNIST test
 * split, as PNG files in class folders, as a Parquet table of PNG bytes and labels, and as the IDX
 * file: every table of both outputs compares equal, value by value and bit by bit (floats by their
 * bits), and so do the manifests but for the source's description, the time and the tool. Spark runs
 * in local mode with 2 threads and up to 3 attempts per task ({@code local[2,3]}), so the job that
 * makes one task fail on its first attempt must recover, and give the same output.
 */
class ScanJobTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Path FASHION = Path.of("data/fashion-mnist");
    static final int N = 2000;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static Session oracle;
    /** The first N images of the test split as PNG files' bytes, and their labels. */
    static List<byte[]> pngs = new ArrayList<>();
    static List<Integer> labels = new ArrayList<>();
    static final AtomicInteger failedTasks = new AtomicInteger();

    @BeforeAll
    static void start() {
        spark = MetricsWithoutServlet.ifServlet6(SparkSession.builder()).master("local[2,3]").appName("ScanJobTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                }
            }
        });
        oracle = Session.open(MODEL);
        Idx.UByteArray images = Idx.read(FASHION.resolve("t10k-images-idx3-ubyte.gz"));
        Idx.UByteArray l = Idx.read(FASHION.resolve("t10k-labels-idx1-ubyte.gz"));
        int side = images.dims()[1];
        for (int i = 0; i < N; i++) {
            float[] px = new float[side * side];
            for (int k = 0; k < px.length; k++) {
                px[k] = images.get(i * px.length + k);
            }
            pngs.add(ScanInput.ofPixels(i, "", null, new FloatImage(1, side, side, px)).originalBytes());
            labels.add(l.get(i));
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void folderOfPngsInClassFoldersEqualsTheSingleMachineScan() throws IOException {
        Path root = tmp.resolve("png");
        for (int i = 0; i < N; i++) {
            Path dir = root.resolve(Labels.fileSafe(Labels.FASHION_MNIST.get(labels.get(i))));
            Files.createDirectories(dir);
            Files.write(dir.resolve(String.format("%05d.png", i)), pngs.get(i));
        }
        Path out = tmp.resolve("png-spark");
        ScanManifest m = ScanJob.run(spark, ScanJob.Options.of(MODEL.toString(), root.toString(), out.toString())
                .withPartitions(5));
        assertEquals(N, m.images());
        assertEquals(0, m.failed());
        assertTrue(m.labeled());

        // the class folders are named after the model's classes (in another order): as netviz scan, the
        // labels become the model's class indices
        ScanInputs in = ScanInputs.open(root).alignedTo(oracle.labels());
        Path expected = singleMachine("png-oracle", in, in.description(), in.classNames(), true);
        assertSameScan(expected, out);
    }

    @Test
    void parquetTableOfBytesAndLabelsEqualsTheSingleMachineScan() throws IOException {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("png", DataTypes.BinaryType, false),
                DataTypes.createStructField("class", DataTypes.IntegerType, false)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(RowFactory.create(pngs.get(i), labels.get(i)));
        }
        int files = 3;
        Path table = tmp.resolve("table");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(jsc.parallelize(rows, files), schema).write().parquet(table.toString());
        List<String> parts;
        try (Stream<Path> s = Files.list(table)) {
            parts = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).sorted().toList();
        }
        assertEquals(files, parts.size());

        Path out = tmp.resolve("table-spark");
        ScanManifest m = ScanJob.run(spark, ScanJob.Options.of(MODEL.toString(), table.toString(), out.toString())
                .withFormat(SparkInputs.Format.PARQUET).withColumns("png", "class").withPartitions(3));
        assertEquals(N, m.images());

        // part file f holds the rows [f·N/3, (f+1)·N/3), as parallelize cut them
        List<ScanInput> inputs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            int f = 0;
            while ((long) (f + 1) * N / files <= i) {
                f++;
            }
            inputs.add(ScanInput.ofBytes(i, parts.get(f) + "#" + (i - (long) f * N / files), labels.get(i), pngs.get(i)));
        }
        // labels 0-9 name the model's classes by index
        Path expected = singleMachine("table-oracle", inputs.iterator(), "table", oracle.labels().names(), true);
        assertSameScan(expected, out);
    }

    @Test
    void idxWithATaskThatFailsOnceEqualsTheSingleMachineScan() throws IOException {
        int before = failedTasks.get();
        Path out = tmp.resolve("idx-spark");
        ScanManifest m = ScanJob.run(spark, ScanJob.Options.of(MODEL.toString(), FASHION.toString(), out.toString())
                .withFormat(SparkInputs.Format.IDX).withLimit(N).withPartitions(4).withFailFirstAttemptOf(1));
        assertEquals(N, m.images());
        assertTrue(failedTasks.get() > before, "the first attempt of partition 1 failed and was retried");

        ScanInputs in = ScanInputs.open(FASHION).alignedTo(oracle.labels());
        Iterator<ScanInput> first = limit(in, N);
        Path expected = singleMachine("idx-oracle", first, in.description(), in.classNames(), true);
        assertSameScan(expected, out);
    }

    @Test
    void corruptFilesAreCountedAndListedAndTheJobFinishes() throws IOException {
        Path root = tmp.resolve("corrupt");
        Files.createDirectories(root);
        for (int i = 0; i < 100; i++) {
            Files.write(root.resolve(String.format("img-%03d.png", i)), pngs.get(i));
        }
        byte[] noise = new byte[500];
        new Random(7).nextBytes(noise);
        Files.write(root.resolve("img-050-random.png"), noise);
        Files.write(root.resolve("img-020-empty.png"), new byte[0]);
        Files.writeString(root.resolve("notes.txt"), "not an image\n");

        Path out = tmp.resolve("corrupt-spark");
        ScanManifest m = ScanJob.run(spark, ScanJob.Options.of(MODEL.toString(), root.toString(), out.toString())
                .withScan(ScanPlan.Options.defaults().withBatchSize(16)).withPartitions(3));
        assertEquals(100, m.images());
        assertEquals(3, m.failed());
        assertEquals(List.of("img-020-empty.png", "img-050-random.png", "notes.txt"),
                ScanReader.open(out).failures().stream().map(f -> f.id()).sorted().toList());

        ScanInputs in = ScanInputs.open(root);
        Path expected = singleMachine("corrupt-oracle", in, in.description(), List.of(), false,
                ScanPlan.Options.defaults().withBatchSize(16));
        assertSameScan(expected, out);
    }

    @Test
    void aUserErrorIsOneLineAndExitCodeTwo() {
        StringWriter err = new StringWriter();
        int code = ScanJob.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "scan",
                "--model", tmp.resolve("missing.onnx").toString(), "--input", FASHION.toString(),
                "--out", tmp.resolve("never").toString(), "--format", "idx");
        assertEquals(2, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("netviz-spark: error: model file '"), err.toString());

        err = new StringWriter();
        code = ScanJob.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "scan",
                "--model", MODEL.toString(), "--out", tmp.resolve("never").toString(), "--format", "tfrecord");
        assertEquals(2, code);
        assertTrue(err.toString().contains("tfrecord") && err.toString().contains("parquet"), err.toString());
    }

    // ---- the single-machine scan and the comparison ----

    static Path singleMachine(String name, Iterator<ScanInput> inputs, String description, List<String> classes,
                              boolean labeled) {
        return singleMachine(name, inputs, description, classes, labeled, ScanPlan.Options.defaults());
    }

    static Path singleMachine(String name, Iterator<ScanInput> inputs, String description, List<String> classes,
                              boolean labeled, ScanPlan.Options o) {
        ScanPlan plan = ScanPlan.resolve(oracle.forward(), oracle.preprocessing(), MODEL.getFileName().toString(),
                oracle.modelHash(), description, classes, labeled, o);
        Scanner scanner = new Scanner(oracle.forward(), oracle.preprocessing(), plan);
        Path dir = tmp.resolve(name);
        try (ScanWriter w = ScanWriter.create(dir)) {
            scanner.scan(inputs, w::image, null);
            w.finish(plan, scanner.aggregate());
        }
        return dir;
    }

    /** Every table holds the same rows (compared by the bits of every value) with the same schema, and the manifests agree. */
    static void assertSameScan(Path expected, Path actual) throws IOException {
        for (String table : ScanTables.ALL) {
            Dataset<Row> e = spark.read().parquet(expected.resolve(table).toString());
            Dataset<Row> a = spark.read().parquet(actual.resolve(table).toString());
            assertEquals(e.schema(), a.schema(), table);
            List<String> er = canonical(e);
            List<String> ar = canonical(a);
            assertEquals(er.size(), ar.size(), table + " rows");
            for (int i = 0; i < er.size(); i++) {
                assertEquals(er.get(i), ar.get(i), table + " row " + i);
            }
        }
        ObjectNode em = (ObjectNode) JSON.readTree(expected.resolve(ScanManifest.FILE).toFile());
        ObjectNode am = (ObjectNode) JSON.readTree(actual.resolve(ScanManifest.FILE).toFile());
        assertEquals(ScanJob.TOOL, am.get("tool").asText());
        for (ObjectNode o : List.of(em, am)) {
            o.remove(List.of("input", "created", "tool"));
        }
        assertEquals(em, am);
        // the single-machine reader reads what Spark wrote
        assertEquals(ScanReader.open(expected).rows().size(), ScanReader.open(actual).rows().size());
    }

    static List<String> canonical(Dataset<Row> table) {
        List<String> out = new ArrayList<>();
        for (Row r : table.collectAsList()) {
            out.add(canonical(r));
        }
        out.sort(null);
        return out;
    }

    static String canonical(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Float f) {
            return "f" + Integer.toHexString(Float.floatToRawIntBits(f));
        } else if (v instanceof Double d) {
            return "d" + Long.toHexString(Double.doubleToRawLongBits(d));
        } else if (v instanceof byte[] b) {
            return "b" + Base64.getEncoder().encodeToString(b);
        } else if (v instanceof Row r) {
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < r.length(); i++) {
                s.append(i == 0 ? "" : ", ").append(canonical(r.get(i)));
            }
            return s.append(')').toString();
        } else if (v instanceof scala.collection.Seq<?> seq) {
            StringBuilder s = new StringBuilder("[");
            for (Object x : scala.jdk.javaapi.CollectionConverters.asJava(seq)) {
                s.append(canonical(x)).append(' ');
            }
            return s.append(']').toString();
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    static Iterator<ScanInput> map(Iterator<ScanInput> in, java.util.function.UnaryOperator<ScanInput> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public ScanInput next() {
                return f.apply(in.next());
            }
        };
    }

    static Iterator<ScanInput> limit(Iterator<ScanInput> in, long n) {
        return new Iterator<>() {
            private long taken;

            @Override
            public boolean hasNext() {
                return taken < n && in.hasNext();
            }

            @Override
            public ScanInput next() {
                taken++;
                return in.next();
            }
        };
    }
}
