package netviz.data;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import netviz.InputFormatException;
import netviz.image.FloatImage;
import netviz.image.Preprocessing;

/**
 * MNIST-style IDX files: an images file (N, H, W) of unsigned bytes and an optional labels file (N),
 * gzipped or not, e.g. Fashion-MNIST's {@code t10k-images-idx3-ubyte.gz} and
 * {@code t10k-labels-idx1-ubyte.gz}. Images are streamed; the labels (one byte each) are read at
 * opening, which also checks both headers, both lengths, and that the counts agree.
 */
public final class IdxDataset extends AbstractDataset {
    private final Path images;
    private final Path labelsFile;
    private final String name;
    private final Idx.Header header;
    private final byte[] labels;
    private final List<String> classNames;

    /**
     * @param classNames names of the label values (null: Fashion-MNIST's when the labels fit, else "0".."max")
     */
    public IdxDataset(String name, Path images, Path labelsFile, List<String> classNames, Preprocessing preprocessing) {
        super(preprocessing);
        this.name = name;
        this.images = images;
        this.labelsFile = labelsFile;
        this.header = Idx.header(images);
        if (header.dims().length != 3) {
            throw new InputFormatException("IDX file '" + images + "' holds an array of rank " + header.dims().length
                    + "; an images file has 3 dimensions (count, rows, columns)");
        }
        if (labelsFile != null) {
            Idx.UByteArray l = Idx.read(labelsFile);
            if (l.dims().length != 1) {
                throw new InputFormatException("IDX file '" + labelsFile + "' is not a labels file: it has "
                        + l.dims().length + " dimensions instead of 1");
            }
            if (l.count() != header.count()) {
                throw new InputFormatException("label count mismatch: '" + labelsFile + "' has " + l.count()
                        + " labels but '" + images + "' has " + header.count() + " images");
            }
            labels = l.data();
        } else {
            labels = null;
        }
        int max = -1;
        if (labels != null) {
            for (byte b : labels) {
                max = Math.max(max, b & 0xff);
            }
        }
        if (classNames != null) {
            if (max >= classNames.size()) {
                throw new InputFormatException("'" + labelsFile + "' has label " + max + " but only " + classNames.size()
                        + " class names are known");
            }
            this.classNames = List.copyOf(classNames);
        } else if (labels == null) {
            this.classNames = List.of();
        } else if (max < 10) {
            this.classNames = Labels.FASHION_MNIST;
        } else {
            this.classNames = IntStream.rangeClosed(0, max).mapToObj(Integer::toString).collect(Collectors.toList());
        }
    }

    public Path imagesFile() {
        return images;
    }

    public Path labelsFile() {
        return labelsFile;
    }

    @Override
    public String description() {
        return name + ", " + size() + " images of " + header.dims()[1] + "x" + header.dims()[2] + ", " + images.toAbsolutePath().getParent();
    }

    @Override
    public int size() {
        return header.count();
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
        Idx.Reader in = Idx.open(images);
        try {
            in.skip(from);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
        int rows = header.dims()[1];
        int cols = header.dims()[2];
        String base = images.getFileName().toString();
        return new Reader() {
            private int pos = from;

            @Override
            public Callable<Example> next() {
                byte[] px = new byte[rows * cols];
                in.readItems(px, 0, 1);
                int index = pos++;
                int label = labels == null ? -1 : labels[index] & 0xff;
                return () -> {
                    float[] f = new float[px.length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = px[i] & 0xff;
                    }
                    FloatImage img = preprocessing.apply(new FloatImage(1, rows, cols, f), 255f).image();
                    return new Example(img, label, base + "#" + index);
                };
            }

            @Override
            public void skip(int n) {
                in.skip(n);
                pos += n;
            }

            @Override
            public void close() {
                in.close();
            }
        };
    }
}
