package netviz.methods.scan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.NetvizException;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The Parquet tables of a scan ({@code docs/scan-format.md}): their names, schemas (as Spark writes
 * them: nullable columns, lists as {@code list.element}) and plain local reading and writing with
 * Parquet's example Group API, without Hadoop's file system.
 */
public final class ScanTables {
    public static final String IMAGES = "images";
    public static final String TOP = "top";
    public static final String CHANNELS = "channels";
    public static final String CONFUSION = "confusion";
    public static final String FAILURES = "failures";
    /** Every table, in the order a writer writes them. */
    public static final List<String> ALL = List.of(IMAGES, TOP, CHANNELS, CONFUSION, FAILURES);

    public static final MessageType IMAGES_SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              optional int64 index;
              optional binary id (STRING);
              optional int32 label;
              optional int32 prediction;
              optional float probability;
              optional group features (LIST) { repeated group list { optional float element; } }
            }""");
    public static final MessageType TOP_SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              optional binary layer (STRING);
              optional int32 channel;
              optional int32 rank;
              optional float value;
              optional int64 index;
              optional binary id (STRING);
              optional int32 y;
              optional int32 x;
              optional binary image;
            }""");
    public static final MessageType CHANNELS_SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              optional binary layer (STRING);
              optional int32 channel;
              optional int64 images;
              optional int64 positions;
              optional int64 firing_positions;
              optional int64 firing_images;
              optional double sum;
              optional float max;
              optional group histogram (LIST) { repeated group list { optional int64 element; } }
            }""");
    public static final MessageType CONFUSION_SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              optional int32 label;
              optional int32 prediction;
              optional int64 count;
            }""");
    public static final MessageType FAILURES_SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              optional binary id (STRING);
              optional binary reason (STRING);
            }""");

    static {
        quietHadoop();
    }

    private ScanTables() {
    }

    /** The schema of a table. */
    public static MessageType schema(String table) {
        return switch (table) {
            case IMAGES -> IMAGES_SCHEMA;
            case TOP -> TOP_SCHEMA;
            case CHANNELS -> CHANNELS_SCHEMA;
            case CONFUSION -> CONFUSION_SCHEMA;
            case FAILURES -> FAILURES_SCHEMA;
            default -> throw new IllegalArgumentException("no scan table '" + table + "'");
        };
    }

    /** The columns {@code fields} of {@code schema}, as a projection to read. */
    public static MessageType project(MessageType schema, String... fields) {
        List<org.apache.parquet.schema.Type> types = new ArrayList<>();
        for (String f : fields) {
            types.add(schema.getType(f));
        }
        return new MessageType(schema.getName(), types);
    }

    /** Keeps Hadoop's start-up warnings (native libraries, missing configuration) off the console. */
    public static void quietHadoop() {
        for (String logger : List.of("org.apache.hadoop", "org.apache.parquet")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "error");
            }
        }
    }

    /** A writer of {@code file} (replaced if it exists) with the table's schema, Snappy-compressed. */
    public static ParquetWriter<Group> writer(Path file, MessageType schema) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new NetvizException("cannot write '" + file + "': " + e.getMessage(), e);
        }
        return writer(new LocalOutputFile(file), schema, file.toString());
    }

    /** A writer of {@code file} (any Parquet output: local, or Hadoop's {@code HadoopOutputFile}); {@code name} names it in errors. */
    public static ParquetWriter<Group> writer(OutputFile file, MessageType schema, String name) {
        try {
            return ExampleParquetWriter.builder(file)
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build();
        } catch (IOException e) {
            throw new NetvizException("cannot write '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The part files of a table folder ({@code *.parquet}, in name order). */
    public static List<Path> parts(Path tableDir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(tableDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tableDir, "*.parquet")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new NetvizException("cannot list '" + tableDir + "': " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** A reader of {@code file}'s rows; {@code columns} (may be null: all) picks a projection of {@code schema}. */
    public static ParquetReader<Group> reader(Path file, MessageType projection) throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        if (projection != null) {
            conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
        }
        return new ParquetReader.Builder<Group>(new LocalInputFile(file), conf) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.build();
    }
}
