package netviz.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netviz.InputFormatException;
import netviz.image.ImageFiles;
import netviz.image.Preprocessing;

/**
 * A folder of images where each sub-folder is a class, as torchvision's {@code ImageFolder} reads it:
 * class names are the sub-folder names sorted, class {@code i} is the i-th; a class's images are the
 * files with an image extension (png, jpg, jpeg, bmp, gif; any case) anywhere below its folder, in
 * sorted path order; hidden files and folders (starting with '.') are skipped. A folder without
 * sub-folders is an unlabelled set of the images it holds.
 *
 * <p>Only counts are kept in memory: while iterating, one class's file list at a time is listed.
 * Images are decoded when their batch is read (in parallel); a file that is not a valid image stops
 * the iteration with an error naming it.
 */
public final class ImageFolderDataset extends AbstractDataset {
    private final Path root;
    private final List<String> classes;
    private final List<Path> classDirs;
    private final int[] counts;
    private final int total;

    public ImageFolderDataset(Path root, Preprocessing preprocessing) {
        super(preprocessing);
        this.root = root;
        if (!Files.isDirectory(root)) {
            throw new InputFormatException(Files.exists(root) ? "'" + root + "' is not a folder"
                    : "image folder '" + root + "' does not exist");
        }
        List<Path> dirs = classFolders(root);
        if (dirs.isEmpty()) {
            classes = List.of();
            classDirs = List.of(root);
        } else {
            classes = dirs.stream().map(p -> p.getFileName().toString()).collect(Collectors.toUnmodifiableList());
            classDirs = List.copyOf(dirs);
        }
        counts = new int[classDirs.size()];
        long n = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = list(classDirs.get(i), !classes.isEmpty()).size();
            n += counts[i];
        }
        if (n == 0) {
            throw new InputFormatException("folder '" + root + "' holds no images (files ending in .png, .jpg, .jpeg,"
                    + " .bmp or .gif), neither directly nor in class sub-folders");
        }
        if (n > Integer.MAX_VALUE) {
            throw new InputFormatException("folder '" + root + "' holds more than " + Integer.MAX_VALUE + " images");
        }
        total = (int) n;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /** The class sub-folders of {@code root}: its folders not starting with '.', sorted (empty for a flat folder). */
    public static List<Path> classFolders(Path root) {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && !hidden(p)) {
                    dirs.add(p);
                }
            }
        } catch (IOException e) {
            throw new InputFormatException("cannot list folder '" + root + "': " + e.getMessage(), e);
        }
        dirs.sort(null);
        return dirs;
    }

    /** Image files below {@code dir} (recursively when {@code deep}), sorted. */
    private List<Path> list(Path dir, boolean deep) {
        return files(root, dir, deep, true);
    }

    /**
     * The regular files below {@code dir} (recursively when {@code deep}), sorted, skipping every
     * path with a part below {@code root} that starts with '.'; only those with an image extension
     * when {@code imagesOnly}.
     */
    public static List<Path> files(Path root, Path dir, boolean deep, boolean imagesOnly) {
        try (Stream<Path> s = deep ? Files.walk(dir) : Files.list(dir)) {
            return s.filter(p -> !root.relativize(p).toString().isEmpty())
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(p -> (!imagesOnly || ImageFiles.hasImageExtension(p)) && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw new InputFormatException("cannot list folder '" + dir + "': " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    /** Number of images of each class (or one count for an unlabelled folder). */
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public String description() {
        return "image folder " + root + ", " + total + " images" + (classes.isEmpty() ? ", no classes" : " in " + classes.size() + " classes");
    }

    @Override
    public int size() {
        return total;
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public boolean labeled() {
        return !classes.isEmpty();
    }

    @Override
    protected Reader open(int from) {
        int cls = 0;
        int skip = from;
        while (cls < counts.length && skip >= counts[cls]) {
            skip -= counts[cls];
            cls++;
        }
        int startClass = cls;
        int startOffset = skip;
        return new Reader() {
            private int c = startClass;
            private int k = startOffset;
            private List<Path> files;

            private List<Path> files() {
                if (files == null) {
                    files = list(classDirs.get(c), !classes.isEmpty());
                    if (files.size() != counts[c]) {
                        throw new InputFormatException("folder '" + classDirs.get(c) + "' changed while it was read: it had "
                                + counts[c] + " images and now has " + files.size());
                    }
                }
                return files;
            }

            private void advance() {
                while (c < counts.length && k >= counts[c]) {
                    k -= counts[c];
                    c++;
                    files = null;
                }
                if (c >= counts.length) {
                    throw new IllegalStateException("read past the last image");
                }
            }

            @Override
            public Callable<Example> next() {
                advance();
                Path file = files().get(k);
                int label = classes.isEmpty() ? -1 : c;
                k++;
                String id = root.relativize(file).toString();
                return () -> new Example(preprocessing.apply(ImageFiles.read(file)).image(), label, id);
            }

            @Override
            public void skip(int n) {
                k += n;
                if (n > 0) {
                    int before = c;
                    while (c < counts.length && k >= counts[c]) {
                        k -= counts[c];
                        c++;
                    }
                    if (c != before) {
                        files = null;
                    }
                }
            }

            @Override
            public void close() {
                files = null;
            }
        };
    }
}
