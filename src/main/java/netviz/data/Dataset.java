package netviz.data;

import java.util.List;
import netviz.image.Preprocessing;

/**
 * A labelled (or unlabelled) collection of images, read in batches of preprocessed (N, C, H, W) float
 * arrays without holding the whole collection in memory:
 *
 * <pre>{@code
 * Dataset data = Datasets.open(null, Preprocessing.fashionMnist());   // the bundled test split
 * try (Batches batches = data.batches(256).withProgress(progress, "evaluate")) {
 *     for (Batch b : batches) {
 *         ... b.toNDArray(scope) ... b.labels() ...
 *     }
 * }
 * }</pre>
 * Iterating to the end releases every file; close the {@link Batches} (try-with-resources) when a
 * loop may stop early.
 */
public interface Dataset {
    /** One line: what and where, e.g. "Fashion-MNIST t10k, 10000 images, /usr/share/datasets/fashion-mnist". */
    String description();

    /** Number of examples. */
    int size();

    /** Class names in label order (empty when the dataset has no labels). */
    List<String> classNames();

    /** Whether examples carry labels. */
    boolean labeled();

    /** The preprocessing applied to every example. */
    Preprocessing preprocessing();

    /** Batches of up to {@code batchSize} consecutive examples, in dataset order. */
    Batches batches(int batchSize);

    /** Batches over examples {@code from} (inclusive) to {@code to} (exclusive). */
    Batches batches(int batchSize, int from, int to);

    /** The given examples (any order, repeats allowed) as one batch, in the order given. */
    Batch get(int... indices);
}
