package netviz.methods.features;

import java.nio.file.Path;
import java.util.List;

import netviz.engine.Tensor;
import netviz.io.Npy;

/**
 * Feature vectors of a dataset: {@code count} rows of {@code dim} floats (row-major), with each row's
 * dataset index, label (-1 without labels) and id.
 *
 * @param layer  the tensor they were read at ("pixels" for the preprocessed input itself)
 * @param source one line naming the model, layer and dataset
 * @param cached whether they came from the on-disk cache
 */
public record Features(float[] values, int count, int dim, int[] indices, int[] labels, List<String> ids,
                       List<String> classNames, String layer, String source, boolean cached) {
    public Features {
        if ((long) count * dim != values.length || indices.length != count || labels.length != count || ids.size() != count) {
            throw new IllegalArgumentException("inconsistent features: " + count + "x" + dim + " with " + values.length
                    + " values, " + labels.length + " labels, " + ids.size() + " ids");
        }
        ids = List.copyOf(ids);
        classNames = List.copyOf(classNames);
    }

    /** Whether the rows carry labels. */
    public boolean labeled() {
        return count > 0 && labels[0] >= 0;
    }

    /** "it has N examples" for error messages about k. */
    public String dataSize(int available) {
        return "it has " + count + " examples (" + available + " can be neighbours)";
    }

    /** Row i as a copy. */
    public float[] row(int i) {
        float[] r = new float[dim];
        System.arraycopy(values, i * dim, r, 0, dim);
        return r;
    }

    /** The class name of row i ("" without labels). */
    public String className(int i) {
        int l = labels[i];
        return l < 0 ? "" : l < classNames.size() ? classNames.get(l) : Integer.toString(l);
    }

    /** The first {@code n} rows. */
    public Features head(int n) {
        if (n >= count) {
            return this;
        }
        return new Features(java.util.Arrays.copyOf(values, n * dim), n, dim, java.util.Arrays.copyOf(indices, n),
                java.util.Arrays.copyOf(labels, n), ids.subList(0, n), classNames, layer, source, cached);
    }

    /**
     * Writes {@code base.npy} (float32, count × dim), {@code base-labels.npy} (int64) and
     * {@code base-ids.txt} (one id per line); returns the three paths.
     */
    public List<Path> writeNpy(Path npy) {
        String name = npy.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        Path values = npy.resolveSibling(stem + ".npy");
        Path labelsFile = npy.resolveSibling(stem + "-labels.npy");
        Path idsFile = npy.resolveSibling(stem + "-ids.txt");
        Npy.write(values, this.values, count, dim);
        long[] l = new long[count];
        for (int i = 0; i < count; i++) {
            l[i] = labels[i];
        }
        Npy.write(labelsFile, Tensor.ofLongs(new long[] {count}, l));
        try {
            if (idsFile.getParent() != null) {
                java.nio.file.Files.createDirectories(idsFile.getParent());
            }
            java.nio.file.Files.writeString(idsFile, String.join("\n", ids) + (count > 0 ? "\n" : ""));
        } catch (java.io.IOException e) {
            throw new netviz.NetvizException("cannot write '" + idsFile + "': " + e.getMessage(), e);
        }
        return List.of(values, labelsFile, idsFile);
    }
}
