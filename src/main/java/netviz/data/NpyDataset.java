package netviz.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import netviz.InputFormatException;
import netviz.engine.Tensor.ElementType;
import netviz.image.FloatImage;
import netviz.image.Preprocessing;
import netviz.io.Npy;

/**
 * A batch of images stored as one .npy array of shape (N, C, H, W) (or (N, H, W) for one channel),
 * streamed from the file a batch at a time, with an optional labels .npy of shape (N,) holding integers.
 * Pixel scale: {@code uint8} (and other integer) arrays hold 0..255; floating-point and boolean arrays
 * hold [0, 1]. The {@link Preprocessing} is applied to each image as to a decoded picture; use
 * {@link Preprocessing#none()} to feed values as they are.
 */
public final class NpyDataset extends AbstractDataset {
    private final Path file;
    private final Path labelsFile;
    private final Npy.Header header;
    private final int[] labels;
    private final List<String> classNames;
    private final int c;
    private final int h;
    private final int w;
    private final float white;

    public NpyDataset(Path file, Path labelsFile, List<String> classNames, Preprocessing preprocessing) {
        super(preprocessing);
        this.file = file;
        this.labelsFile = labelsFile;
        this.header = Npy.readHeader(file);
        long[] s = header.shape();
        if (s.length == 4) {
            c = Math.toIntExact(s[1]);
            h = Math.toIntExact(s[2]);
            w = Math.toIntExact(s[3]);
        } else if (s.length == 3) {
            c = 1;
            h = Math.toIntExact(s[1]);
            w = Math.toIntExact(s[2]);
        } else {
            throw new InputFormatException(".npy file '" + file + "' has shape " + Arrays.toString(s)
                    + "; an image batch has shape (N, C, H, W) or (N, H, W)");
        }
        if (s[0] > Integer.MAX_VALUE || (long) c * h * w > Integer.MAX_VALUE / 8) {
            throw new InputFormatException(".npy file '" + file + "' has shape " + Arrays.toString(s) + ", too large");
        }
        ElementType t = header.type();
        white = t.isFloatingPoint() || t == ElementType.BOOL ? 1f : 255f;
        if (labelsFile != null) {
            Npy.Header lh = Npy.readHeader(labelsFile);
            if (lh.shape().length != 1 || lh.type().isFloatingPoint()) {
                throw new InputFormatException("labels file '" + labelsFile + "' must hold integers of shape (N,), not "
                        + lh.descr() + " " + Arrays.toString(lh.shape()));
            }
            if (lh.shape()[0] != s[0]) {
                throw new InputFormatException("label count mismatch: '" + labelsFile + "' has " + lh.shape()[0]
                        + " labels but '" + file + "' has " + s[0] + " images");
            }
            long[] l = Npy.read(labelsFile).toLongArray();
            labels = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
                    throw new InputFormatException("labels file '" + labelsFile + "' holds label " + l[i]
                            + " at " + i + "; labels are class indices 0, 1, ...");
                }
                labels[i] = (int) l[i];
            }
        } else {
            labels = null;
        }
        int max = labels == null ? -1 : Arrays.stream(labels).max().orElse(-1);
        if (classNames != null) {
            this.classNames = List.copyOf(classNames);
        } else {
            this.classNames = IntStream.rangeClosed(0, max).mapToObj(Integer::toString).collect(Collectors.toList());
        }
    }

    @Override
    public String description() {
        return ".npy images " + file + " " + Arrays.toString(header.shape()) + " " + header.descr()
                + (labelsFile == null ? "" : " with labels " + labelsFile);
    }

    @Override
    public int size() {
        return (int) header.shape()[0];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public boolean labeled() {
        return labels != null;
    }

    @Override
    protected Reader open(int from) {
        FileChannel ch;
        try {
            if (!Files.isRegularFile(file)) {
                throw new InputFormatException("'" + file + "' is not a regular file; give a .npy file");
            }
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new InputFormatException("cannot open .npy file '" + file + "': " + e.getMessage(), e);
        }
        int per = c * h * w;
        int itemBytes = per * header.type().bytes();
        String base = file.getFileName().toString();
        return new Reader() {
            private int pos = from;

            @Override
            public Callable<Example> next() {
                ByteBuffer raw = ByteBuffer.allocate(itemBytes);
                long at = header.dataOffset() + (long) pos * itemBytes;
                try {
                    while (raw.hasRemaining()) {
                        if (ch.read(raw, at + raw.position()) < 0) {
                            throw new InputFormatException(".npy file '" + file + "' was truncated while reading");
                        }
                    }
                } catch (IOException e) {
                    throw new InputFormatException("cannot read .npy file '" + file + "': " + e.getMessage(), e);
                }
                raw.flip();
                int index = pos++;
                int label = labels == null ? -1 : labels[index];
                return () -> {
                    float[] f = new float[per];
                    Npy.decodeFloats(header, raw, f, 0, per);
                    netviz.io.FiniteValues.requireInput(f, new long[] {c, h, w}, ".npy file '" + file + "' image " + index);
                    FloatImage img = preprocessing.apply(new FloatImage(c, h, w, f), white).image();
                    return new Example(img, label, base + "#" + index);
                };
            }

            @Override
            public void skip(int n) {
                pos += n;
            }

            @Override
            public void close() {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        };
    }
}
