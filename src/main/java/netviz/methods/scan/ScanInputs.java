package netviz.methods.scan;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import netviz.InputFormatException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.Idx;
import netviz.data.IdxDataset;
import netviz.data.ImageFolderDataset;
import netviz.data.Labels;
import netviz.image.FloatImage;
import netviz.image.Preprocessing;
import netviz.io.InputFiles;

/**
 * The inputs of a scan read from local storage, in the format's deterministic order: the rows of an
 * IDX images file (ids {@code "<file>#<row>"}, pixels given as they are, labels from the matching
 * labels file), or every file of an image folder in sorted path order (class by class when it has
 * class sub-folders, which are the labels; hidden files and folders skipped). A folder's files are
 * all inputs, whatever their extension: one that is not an image becomes a listed failure of the
 * scan. Only one class's file list is held at a time.
 */
public final class ScanInputs implements Iterator<ScanInput>, Closeable {
    private final String description;
    private final List<String> classNames;
    private final boolean labeled;
    private final long size;
    private final Iterator<ScanInput> rows;
    private final Closeable resource;

    private ScanInputs(String description, List<String> classNames, boolean labeled, long size, Iterator<ScanInput> rows,
                       Closeable resource) {
        this.description = description;
        this.classNames = List.copyOf(classNames);
        this.labeled = labeled;
        this.size = size;
        this.rows = rows;
        this.resource = resource;
    }

    /**
     * Opens {@code path}: null for the bundled Fashion-MNIST test split, an IDX images file, a folder
     * with Fashion-MNIST IDX files, or an image folder.
     */
    public static ScanInputs open(Path path) {
        if (path != null && Files.isDirectory(path) && !hasIdx(path)) {
            return folder(path);
        }
        Dataset d = Datasets.open(path, Preprocessing.none());
        if (d instanceof IdxDataset idx) {
            return idx(idx);
        }
        throw new InputFormatException("netviz scan reads image folders and IDX files, not " + d.description());
    }

    private static boolean hasIdx(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains("-images-idx3-ubyte"));
        } catch (IOException e) {
            return false;
        }
    }

    private static ScanInputs idx(IdxDataset d) {
        Path images = d.imagesFile();
        byte[] labels = d.labelsFile() == null ? null : Idx.read(d.labelsFile()).data();
        Idx.Reader in = Idx.open(images);
        int rows = in.header().dims()[1];
        int cols = in.header().dims()[2];
        int count = in.header().count();
        String base = images.getFileName().toString();
        Iterator<ScanInput> it = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public ScanInput next() {
                if (next >= count) {
                    throw new NoSuchElementException();
                }
                byte[] px = new byte[rows * cols];
                in.readItems(px, 0, 1);
                float[] f = new float[px.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = px[i] & 0xff;
                }
                int index = next++;
                return ScanInput.ofPixels(index, base + "#" + index, labels == null ? null : labels[index] & 0xff,
                        new FloatImage(1, rows, cols, f));
            }
        };
        return new ScanInputs(d.description(), d.labeled() ? d.classNames() : List.of(), d.labeled(), count, it, in::close);
    }

    private static ScanInputs folder(Path root) {
        List<Path> classDirs = ImageFolderDataset.classFolders(root);
        boolean labeled = !classDirs.isEmpty();
        List<Path> dirs = labeled ? classDirs : List.of(root);
        List<String> classes = labeled ? classDirs.stream().map(p -> p.getFileName().toString()).toList() : List.of();
        long total = 0;
        for (Path d : dirs) {
            total += files(root, d, labeled).size();
        }
        if (total == 0) {
            throw new InputFormatException("folder '" + root + "' holds no files to scan");
        }
        Iterator<ScanInput> it = new Iterator<>() {
            private int dir = -1;
            private List<Path> files = List.of();
            private int k;
            private long index;

            @Override
            public boolean hasNext() {
                while (k >= files.size() && dir + 1 < dirs.size()) {
                    dir++;
                    files = files(root, dirs.get(dir), labeled);
                    k = 0;
                }
                return k < files.size();
            }

            @Override
            public ScanInput next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Path f = files.get(k++);
                String id = root.relativize(f).toString();
                Integer label = labeled ? dir : null;
                long i = index++;
                try {
                    InputFiles.requireRegular(f, "image file", InputFiles.MAX_IMAGE_BYTES);
                    return ScanInput.ofBytes(i, id, label, Files.readAllBytes(f));
                } catch (IOException | RuntimeException e) {
                    return ScanInput.unreadable(i, id, label, "cannot read '" + id + "': " + e.getMessage());
                }
            }
        };
        String desc = "image folder " + root + ", " + total + " files" + (labeled ? " in " + classes.size() + " classes" : "");
        return new ScanInputs(desc, classes, labeled, total, it, () -> { });
    }

    /** Every non-hidden file below {@code dir} (recursively for a class folder), sorted. */
    private static List<Path> files(Path root, Path dir, boolean deep) {
        return ImageFolderDataset.files(root, dir, deep, false);
    }

    /**
     * These inputs with their labels renumbered to the model's classes: a folder whose class
     * sub-folders are named after the model's classes (in any order, or a subset) gets the model's
     * class indices and names, as {@code Datasets.alignTo} does for datasets; unlabelled inputs are
     * returned as they are. A {@link netviz.NetvizException} when a class is not one of the model's.
     */
    public ScanInputs alignedTo(Labels modelLabels) {
        if (!labeled) {
            return this;
        }
        int[] map = modelLabels.mapNames(classNames);
        Iterator<ScanInput> mapped = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ScanInput next() {
                ScanInput in = rows.next();
                Integer label = in.label() == null ? null : map[in.label()];
                return new ScanInput(in.index(), in.id(), label, in.bytes(), in.pixels(), in.error());
            }
        };
        return new ScanInputs(description, modelLabels.names(), true, size, mapped, resource);
    }

    /** One line: what and where. */
    public String description() {
        return description;
    }

    /** The class names (empty when unlabelled). */
    public List<String> classNames() {
        return classNames;
    }

    public boolean labeled() {
        return labeled;
    }

    /** The number of inputs. */
    public long size() {
        return size;
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    @Override
    public ScanInput next() {
        return rows.next();
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
