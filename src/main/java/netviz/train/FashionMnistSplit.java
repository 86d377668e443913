package netviz.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.NetvizException;
import netviz.data.Idx;

/**
 * One split of Fashion-MNIST (or MNIST) held as unsigned bytes: {@code count} images of 28×28
 * grey pixels and their labels 0..9. Read from the IDX files of a data directory, gzipped
 * ({@code train-images-idx3-ubyte.gz}) or not ({@code train-images-idx3-ubyte}).
 *
 * @param pixels {@code count * 784} unsigned bytes, row-major per image
 * @param labels {@code count} labels in 0..9
 */
public record FashionMnistSplit(byte[] pixels, byte[] labels, int count) {
    /** Image side length in pixels. */
    public static final int SIDE = 28;
    /** Pixels per image. */
    public static final int PIXELS = SIDE * SIDE;
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** The Fashion-MNIST class names, in label order. */
    public static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The training split ({@code train-*}) of {@code dir}. */
    public static FashionMnistSplit train(Path dir) {
        return read(dir, "train");
    }

    /** The test split ({@code t10k-*}) of {@code dir}. */
    public static FashionMnistSplit test(Path dir) {
        return read(dir, "t10k");
    }

    /**
     * Reads {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]}.
     *
     * @throws NetvizException naming the missing directory or file, or the mismatch found
     */
    public static FashionMnistSplit read(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            throw new NetvizException("Fashion-MNIST data directory '" + dir + "' does not exist (give a directory"
                    + " holding " + prefix + "-images-idx3-ubyte.gz and " + prefix + "-labels-idx1-ubyte.gz)");
        }
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        Idx.UByteArray im = Idx.read(images);
        Idx.UByteArray lb = Idx.read(labels);
        if (im.dims().length != 3 || im.dims()[1] != SIDE || im.dims()[2] != SIDE) {
            throw new NetvizException("'" + images + "' does not hold 28x28 images: its dimensions are "
                    + java.util.Arrays.toString(im.dims()));
        }
        if (lb.dims().length != 1) {
            throw new NetvizException("'" + labels + "' does not hold a vector of labels: its dimensions are "
                    + java.util.Arrays.toString(lb.dims()));
        }
        if (im.count() != lb.count()) {
            throw new NetvizException("'" + images + "' holds " + im.count() + " images but '" + labels + "' holds "
                    + lb.count() + " labels");
        }
        byte[] l = lb.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= CLASSES) {
                throw new NetvizException("'" + labels + "' has label " + (l[i] & 0xff) + " at index " + i
                        + "; labels must be 0.." + (CLASSES - 1));
            }
        }
        return new FashionMnistSplit(im.data(), l, im.count());
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NetvizException("Fashion-MNIST file '" + dir.resolve(base + ".gz") + "' does not exist (nor "
                + base + " uncompressed) in data directory '" + dir + "'");
    }

    /** The first {@code n} examples ({@code n <= 0} or {@code n >= count}: this split). */
    public FashionMnistSplit limit(int n) {
        if (n <= 0 || n >= count) {
            return this;
        }
        return new FashionMnistSplit(java.util.Arrays.copyOf(pixels, n * PIXELS), java.util.Arrays.copyOf(labels, n), n);
    }

    /** Label of example {@code i}. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /**
     * Mean and standard deviation of all pixels scaled to [0, 1] (population std, over every pixel
     * of every image), the normalisation constants the model records in its metadata.
     */
    public double[] pixelMeanStd() {
        double sum = 0;
        double sumSq = 0;
        for (byte b : pixels) {
            double v = (b & 0xff) / 255.0;
            sum += v;
            sumSq += v * v;
        }
        double n = pixels.length;
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(Math.max(0, sumSq / n - mean * mean))};
    }

    /**
     * Writes examples {@code order[from..from+n)} into {@code out} as normalised floats
     * {@code (p/255 - mean) / std}, image after image (NCHW with C = 1).
     */
    public void normalised(int[] order, int from, int n, float mean, float std, float[] out) {
        float scale = 1f / 255f;
        float inv = 1f / std;
        for (int k = 0; k < n; k++) {
            int src = order[from + k] * PIXELS;
            int dst = k * PIXELS;
            for (int j = 0; j < PIXELS; j++) {
                out[dst + j] = ((pixels[src + j] & 0xff) * scale - mean) * inv;
            }
        }
    }
}
