package netviz.data;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.InputFormatException;
import netviz.UnknownNameException;
import netviz.image.Preprocessing;

/**
 * Opens datasets by path, deciding the kind from what is there:
 * <ul>
 * <li>{@code null}: the bundled Fashion-MNIST test split ({@link #bundledTestSplit});</li>
 * <li>a {@code .npy} file: an image batch ({@link NpyDataset}); labels are read from a sibling
 *     {@code <name>-labels.npy} or {@code <name>_labels.npy} when one exists;</li>
 * <li>an IDX images file ({@code *-images-idx3-ubyte[.gz]}): with the matching {@code *-labels-idx1-ubyte[.gz]}
 *     when it exists;</li>
 * <li>a folder holding Fashion-MNIST-style IDX files: its {@code t10k} split if present, else {@code train};</li>
 * <li>any other folder: an image folder, one sub-folder per class ({@link ImageFolderDataset}).</li>
 * </ul>
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path SYSTEM_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Where the repository keeps the bundled test split, relative to the project root. */
    public static final Path BUNDLED_DIR = Path.of("data", "fashion-mnist");

    private Datasets() {
    }

    /** Opens a dataset (see the class comment); {@code path == null} opens the bundled test split. */
    public static Dataset open(Path path, Preprocessing preprocessing) {
        if (path == null) {
            return bundledTestSplit(preprocessing);
        }
        if (!Files.exists(path)) {
            throw new InputFormatException("dataset '" + path + "' does not exist");
        }
        if (Files.isDirectory(path)) {
            for (String split : List.of("t10k", "train")) {
                if (idxFile(path, split + "-images-idx3-ubyte") != null) {
                    return fashionMnist(path, split, preprocessing);
                }
            }
            return new ImageFolderDataset(path, preprocessing);
        }
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".npy")) {
            String stem = name.substring(0, name.length() - 4);
            Path labels = null;
            for (String suffix : List.of("-labels.npy", "_labels.npy")) {
                Path l = path.resolveSibling(stem + suffix);
                if (Files.isRegularFile(l)) {
                    labels = l;
                    break;
                }
            }
            return new NpyDataset(path, labels, null, preprocessing);
        }
        if (lower.contains("images-idx3")) {
            Path labels = path.resolveSibling(name.replace("images-idx3", "labels-idx1"));
            return new IdxDataset(name.replaceAll("-images-idx3-ubyte(\\.gz)?$", ""), path,
                    Files.isRegularFile(labels) ? labels : null, null, preprocessing);
        }
        throw new InputFormatException("'" + path + "' is not a dataset netviz reads: give a folder of images (one"
                + " sub-folder per class), a folder with Fashion-MNIST IDX files, an IDX images file or a .npy file");
    }

    /**
     * A Fashion-MNIST split in {@code dir}: {@code train} (60,000 images) or {@code t10k} / {@code test}
     * (10,000), files {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}.
     */
    public static IdxDataset fashionMnist(Path dir, String split, Preprocessing preprocessing) {
        String s = split.toLowerCase(Locale.ROOT);
        if (s.equals("test")) {
            s = "t10k";
        }
        if (!s.equals("train") && !s.equals("t10k")) {
            throw new UnknownNameException("Fashion-MNIST split", split, List.of("train", "t10k", "test"));
        }
        Path images = idxFile(dir, s + "-images-idx3-ubyte");
        Path labels = idxFile(dir, s + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            throw new InputFormatException("folder '" + dir + "' has no Fashion-MNIST " + s + " split: expected "
                    + s + "-images-idx3-ubyte.gz and " + s + "-labels-idx1-ubyte.gz (gzipped or not)");
        }
        return new IdxDataset("Fashion-MNIST " + s, images, labels, Labels.FASHION_MNIST, preprocessing);
    }

    /** The Fashion-MNIST test split shipped with netviz (or, failing that, the system's copy). */
    public static IdxDataset bundledTestSplit(Preprocessing preprocessing) {
        return fashionMnist(bundledDir(), "t10k", preprocessing);
    }

    /**
     * The folder holding the bundled test split: {@code $NETVIZ_HOME/data/fashion-mnist} (system property
     * {@code netviz.home} or environment variable {@code NETVIZ_HOME}), else {@code data/fashion-mnist} in
     * the project that holds netviz's classes or in the working directory or one of its parents, else
     * {@link #SYSTEM_FASHION_MNIST}.
     */
    public static Path bundledDir() {
        List<Path> tried = new ArrayList<>();
        String home = System.getProperty("netviz.home", System.getenv("NETVIZ_HOME"));
        if (home != null && !home.isBlank()) {
            tried.add(Path.of(home).resolve(BUNDLED_DIR));
        }
        try {
            Path code = Path.of(Datasets.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                tried.add(p.resolve(BUNDLED_DIR));
            }
        } catch (URISyntaxException | RuntimeException ignored) {
            // no code source (unusual class loader): rely on the other places
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            tried.add(p.resolve(BUNDLED_DIR));
        }
        tried.add(SYSTEM_FASHION_MNIST);
        for (Path dir : tried) {
            if (idxFile(dir, "t10k-images-idx3-ubyte") != null && idxFile(dir, "t10k-labels-idx1-ubyte") != null) {
                return dir;
            }
        }
        throw new InputFormatException("the bundled Fashion-MNIST test split was not found (looked for "
                + BUNDLED_DIR + "/t10k-images-idx3-ubyte.gz in NETVIZ_HOME, the project folder and "
                + SYSTEM_FASHION_MNIST + "); give a dataset path");
    }

    /** {@code dir/base.gz} or {@code dir/base}, whichever exists. */
    private static Path idxFile(Path dir, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The dataset with its labels translated to a model's class indices, matching class names (as
     * {@link Labels#indexOf}: case, spaces, '_' and '-' ignored; a numeric class name is an index). Use it
     * to evaluate a model on an image folder whose sub-folders are named after the model's classes in
     * another order, or on a subset of its classes.
     *
     * @throws netviz.UnknownNameException naming a dataset class that the model does not have
     */
    public static Dataset alignTo(Dataset dataset, Labels modelLabels) {
        if (!dataset.labeled()) {
            return dataset;
        }
        int[] map = modelLabels.mapNames(dataset.classNames());
        boolean identity = map.length == modelLabels.size();
        for (int i = 0; i < map.length && identity; i++) {
            identity = map[i] == i;
        }
        if (identity) {
            return dataset;
        }
        if (!(dataset instanceof AbstractDataset inner)) {
            throw new IllegalArgumentException("cannot relabel " + dataset.getClass().getName());
        }
        return new RelabeledDataset(inner, map, modelLabels.names());
    }

    /** An image folder (one sub-folder per class). */
    public static ImageFolderDataset imageFolder(Path root, Preprocessing preprocessing) {
        return new ImageFolderDataset(root, preprocessing);
    }

    /** A .npy image batch with optional labels .npy. */
    public static NpyDataset npy(Path images, Path labels, Preprocessing preprocessing) {
        return new NpyDataset(images, labels, null, preprocessing);
    }

    /** IDX images with optional IDX labels. */
    public static IdxDataset idx(Path images, Path labels, Preprocessing preprocessing) {
        return new IdxDataset(images.getFileName().toString(), images, labels, null, preprocessing);
    }
}
