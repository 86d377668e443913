package netviz.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.image.ModelConfig;

/**
 * Class names of a classifier's outputs, in output index order.
 *
 * <p>Built in: the 1000 ImageNet-1k (ILSVRC 2012) classes in the order torchvision and the ONNX model zoo
 * use (the usual {@code imagenet_classes.txt}: the first WordNet synonym of each synset, e.g. 0 "tench",
 * 281 "tabby", 999 "toilet tissue"; note that "crane" (134, 517) and "maillot" (638, 639) occur twice),
 * shipped as the resource {@code netviz/imagenet-labels.txt}; and the 10 Fashion-MNIST classes. Any other
 * list loads from a text file with one name per line ({@link #load}).
 *
 * <p>Lookup by name ({@link #indexOf}) ignores case and treats spaces, underscores and hyphens alike; an
 * unknown name is an {@link UnknownNameException} suggesting the closest names; a number is accepted as
 * an index.
 */
public final class Labels {
    /** The Fashion-MNIST class names, index 0 to 9. */
    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static volatile Labels imagenet;

    private final List<String> names;
    private final String source;

    private Labels(List<String> names, String source) {
        this.names = List.copyOf(names);
        this.source = source;
    }

    /** Labels from a list of names; {@code source} says where they came from (for messages). */
    public static Labels of(List<String> names, String source) {
        if (names.isEmpty()) {
            throw new InputFormatException("the class-name list from " + source + " is empty");
        }
        return new Labels(names, source);
    }

    /** The ImageNet-1k class names (1000). */
    public static Labels imagenet() {
        Labels l = imagenet;
        if (l == null) {
            try (InputStream in = Labels.class.getResourceAsStream("/netviz/imagenet-labels.txt")) {
                if (in == null) {
                    throw new IllegalStateException("resource netviz/imagenet-labels.txt is missing from the build");
                }
                l = new Labels(readLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "netviz"),
                        "the built-in ImageNet list");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            imagenet = l;
        }
        return l;
    }

    /** The Fashion-MNIST class names (10). */
    public static Labels fashionMnist() {
        return new Labels(FASHION_MNIST, "the built-in Fashion-MNIST list");
    }

    /** "0", "1", ... for a model without names. */
    public static Labels indices(int n) {
        return new Labels(IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.toList()),
                "class indices");
    }

    /**
     * Reads a label file: UTF-8 text, one class name per line in index order; surrounding whitespace is
     * trimmed, trailing empty lines are ignored, an empty line in the middle is an error.
     */
    public static Labels load(Path file) {
        if (!Files.exists(file)) {
            throw new InputFormatException("label file '" + file + "' does not exist");
        }
        netviz.io.InputFiles.requireRegular(file, "label file", netviz.io.InputFiles.MAX_LABEL_BYTES);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return of(readLines(r, file.toString()), "'" + file + "'");
        } catch (NoSuchFileException e) {
            throw new InputFormatException("label file '" + file + "' does not exist");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputFormatException("label file '" + file + "' is not UTF-8 text");
        } catch (IOException e) {
            throw new InputFormatException("cannot read label file '" + file + "': " + e.getMessage(), e);
        }
    }

    private static List<String> readLines(BufferedReader r, String name) throws IOException {
        List<String> out = new ArrayList<>();
        String line;
        int lineNo = 0;
        int lastNonEmpty = -1;
        List<Integer> empties = new ArrayList<>();
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String t = line.strip();
            if (t.isEmpty()) {
                empties.add(lineNo);
            } else {
                lastNonEmpty = lineNo;
                if (t.indexOf('\0') >= 0) {
                    throw new InputFormatException("label file '" + name + "' is not a text file (line " + lineNo + ")");
                }
            }
            out.add(t);
        }
        for (int e : empties) {
            if (e < lastNonEmpty) {
                throw new InputFormatException("label file '" + name + "' has an empty line " + e
                        + "; give one class name per line");
            }
        }
        return out.subList(0, Math.max(lastNonEmpty, 0));
    }

    /**
     * The labels to use for a model with {@code outputs} classes: the user's file when given, else the
     * model's metadata ({@code netviz.labels}), else ImageNet's for 1000 outputs, else indices. Checked
     * against {@code outputs} ({@link #checkSize}).
     */
    public static Labels forModel(Path userFile, ModelConfig config, int outputs) {
        Labels l;
        if (userFile != null) {
            l = load(userFile);
        } else if (config != null && config.labels().isPresent()) {
            l = of(config.labels().get(), "the model's metadata (netviz.labels)");
        } else if (outputs == 1000) {
            l = imagenet();
        } else {
            l = indices(outputs);
        }
        return l.checkSize(outputs);
    }

    /**
     * Checks that there is one name per model output.
     *
     * @return this
     * @throws ShapeMismatchException saying both counts and where the names came from
     */
    public Labels checkSize(int outputs) {
        if (outputs > 0 && names.size() != outputs) {
            throw new ShapeMismatchException(source + " has " + names.size() + " class names but the model has "
                    + outputs + " outputs; give a label file with exactly " + outputs + " lines");
        }
        return this;
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    /** Where these names came from, e.g. "'labels.txt'" or "the built-in ImageNet list". */
    public String source() {
        return source;
    }

    /** The name of class {@code index}. */
    public String name(int index) {
        if (index < 0 || index >= names.size()) {
            throw new NetvizException("class index " + index + " is out of range: " + source + " has classes 0 to "
                    + (names.size() - 1));
        }
        return names.get(index);
    }

    /**
     * The index of a class given by name or by number. Matching ignores case and treats space, '_' and
     * '-' alike.
     *
     * @throws UnknownNameException with the closest names when nothing matches
     * @throws NetvizException when the name belongs to several classes (e.g. ImageNet's "crane")
     */
    public int indexOf(String nameOrIndex) {
        String q = nameOrIndex.strip();
        if (q.matches("-\\d+") && names.stream().noneMatch(n -> n.equals(q))) {
            throw new netviz.OutOfRangeException("class " + q + " is negative; classes are numbered 0 to "
                    + (names.size() - 1) + " (or give a class name)");
        }
        if (q.matches("\\d+")) {
            int i;
            try {
                i = Integer.parseInt(q);
            } catch (NumberFormatException e) {
                i = -1;
            }
            boolean isName = names.stream().anyMatch(n -> n.equals(q));
            if (!isName) {
                name(i);
                return i;
            }
        }
        List<Integer> hits = matches(q);
        if (hits.isEmpty()) {
            throw new UnknownNameException("class", nameOrIndex, names);
        }
        if (hits.size() > 1) {
            throw new NetvizException("class name '" + nameOrIndex + "' is ambiguous: it names classes "
                    + hits.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "; give the index instead");
        }
        return hits.get(0);
    }

    /** The index of a class by name, if exactly one class has it. */
    public Optional<Integer> find(String name) {
        List<Integer> hits = matches(name.strip());
        return hits.size() == 1 ? Optional.of(hits.get(0)) : Optional.empty();
    }

    private List<Integer> matches(String q) {
        String k = key(q);
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (key(names.get(i)).equals(k)) {
                hits.add(i);
            }
        }
        return hits;
    }

    /** A class name as a file or folder may spell it: characters other than letters, digits, '.', '-', '_' become '_'. */
    public static String fileSafe(String name) {
        return name.replaceAll("[^\\p{L}\\p{N}._-]", "_");
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ').replaceAll("\\s+", " ").strip();
    }

    /**
     * Maps dataset class names (e.g. the sub-folder names of an image folder) to these labels' indices:
     * each name must match one class by name (as {@link #indexOf}) or be a class index.
     *
     * @return for each dataset class, the model's class index
     */
    public int[] mapNames(List<String> datasetClasses) {
        int[] out = new int[datasetClasses.size()];
        for (int i = 0; i < out.length; i++) {
            String folder = datasetClasses.get(i);
            try {
                out[i] = indexOf(folder);
            } catch (UnknownNameException e) {
                // a folder cannot be named "T-shirt/top": accept its file-safe form "T-shirt_top"
                String k = key(fileSafe(folder));
                List<Integer> hits = new ArrayList<>();
                for (int j = 0; j < names.size(); j++) {
                    if (key(fileSafe(names.get(j))).equals(k)) {
                        hits.add(j);
                    }
                }
                if (hits.size() != 1) {
                    throw e;
                }
                out[i] = hits.get(0);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return names.size() + " labels from " + source;
    }
}
