package netviz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import netviz.cli.Main;

/**
 * The first {@value #IMAGES} images of the bundled Fashion-MNIST test split as an IDX folder, and a
 * dataset scan of them written by {@code netviz scan} with the bundled model: made once per test JVM
 * (the scan takes seconds) and shared by the tests that compare figures drawn from a scan with the
 * same figures drawn by a pass over the same images.
 */
public final class BundledScan {
    /** Images in the folder and the scan. */
    public static final int IMAGES = 2_000;
    /** The bundled model. */
    public static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    private static Path root;

    private BundledScan() {
    }

    /** The folder of the first {@value #IMAGES} test images (t10k IDX files, uncompressed). */
    public static synchronized Path data() {
        make();
        return root.resolve("data");
    }

    /** The scan of {@link #data()} by the bundled model. */
    public static synchronized Path scan() {
        make();
        return root.resolve("scan");
    }

    private static void make() {
        if (root != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("netviz-bundled-scan");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            Path data = Files.createDirectories(dir.resolve("data"));
            head(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"), data.resolve("t10k-images-idx3-ubyte"), 16, 784);
            head(Path.of("data/fashion-mnist/t10k-labels-idx1-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte"), 8, 1);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out), new PrintWriter(err), "scan", "--model", MODEL.toString(),
                    "--data", data.toString(), "--out", dir.resolve("scan").toString());
            if (code != 0) {
                throw new IllegalStateException("netviz scan failed with exit " + code + ":\n" + out + err);
            }
            root = dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header and the first {@value #IMAGES} records of a gzipped IDX file, the count patched. */
    private static void head(Path gz, Path to, int header, int record) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz)); OutputStream out = Files.newOutputStream(to)) {
            byte[] h = in.readNBytes(header);
            ByteBuffer.wrap(h).putInt(4, IMAGES);
            out.write(h);
            out.write(in.readNBytes(IMAGES * record));
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
