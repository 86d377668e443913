package netviz.data;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.image.FloatImage;
import netviz.image.Preprocessing;

/**
 * Base of the datasets: a subclass opens a sequential {@link Reader} at any index; this class turns it
 * into batches, decoding and preprocessing the examples of a batch in parallel.
 */
public abstract class AbstractDataset implements Dataset {
    protected final Preprocessing preprocessing;

    protected AbstractDataset(Preprocessing preprocessing) {
        this.preprocessing = preprocessing;
    }

    /** One preprocessed example. */
    protected record Example(FloatImage image, int label, String id) {
    }

    /** Reads examples one after another from a start index. */
    protected interface Reader extends Closeable {
        /**
         * Reads what the next example needs from storage (sequential, cheap) and returns the work that
         * decodes and preprocesses it (run in parallel with the others of a batch).
         */
        Callable<Example> next();

        /** Skips examples without decoding them. */
        default void skip(int n) {
            for (int i = 0; i < n; i++) {
                next();
            }
        }

        @Override
        void close();
    }

    /** Opens a reader positioned at example {@code from}. */
    protected abstract Reader open(int from);

    @Override
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    @Override
    public Batches batches(int batchSize) {
        return batches(batchSize, 0, size());
    }

    @Override
    public Batches batches(int batchSize, int from, int to) {
        if (batchSize < 1) {
            throw new NetvizException("batch size must be at least 1, not " + batchSize);
        }
        if (from < 0 || to > size() || from > to) {
            throw new NetvizException("example range " + from + ".." + to + " is outside the dataset's 0.." + size());
        }
        return new Batches(this, batchSize, from, to);
    }

    @Override
    public Batch get(int... indices) {
        for (int i : indices) {
            if (i < 0 || i >= size()) {
                throw new NetvizException("example index " + i + " is out of range: " + description() + " has examples 0 to "
                        + (size() - 1));
            }
        }
        if (indices.length == 0) {
            throw new NetvizException("no example indices given");
        }
        int[] sorted = Arrays.stream(indices).distinct().sorted().toArray();
        List<Callable<Example>> tasks = new ArrayList<>();
        try (Reader r = open(sorted[0])) {
            int pos = sorted[0];
            for (int idx : sorted) {
                r.skip(idx - pos);
                tasks.add(r.next());
                pos = idx + 1;
            }
        }
        Example[] unique = run(tasks);
        Example[] ordered = new Example[indices.length];
        for (int k = 0; k < indices.length; k++) {
            ordered[k] = unique[Arrays.binarySearch(sorted, indices[k])];
        }
        return assemble(indices.clone(), ordered);
    }

    /** Reads the next {@code n} examples (dataset indices {@code start..}) from {@code r} as a batch. */
    Batch readBatch(Reader r, int start, int n) {
        List<Callable<Example>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(r.next());
        }
        return assemble(IntStream.range(start, start + n).toArray(), run(tasks));
    }

    private static Example[] run(List<Callable<Example>> tasks) {
        Example[] out = new Example[tasks.size()];
        IntStream stream = IntStream.range(0, out.length);
        if (out.length > 1) {
            stream = stream.parallel();
        }
        stream.forEach(i -> {
            try {
                out[i] = tasks.get(i).call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new NetvizException(e.getMessage(), e);
            }
        });
        return out;
    }

    private static Batch assemble(int[] indices, Example[] ex) {
        FloatImage first = ex[0].image();
        int per = first.data().length;
        float[] images = new float[Math.multiplyExact(per, ex.length)];
        int[] labels = new int[ex.length];
        List<String> ids = new ArrayList<>(ex.length);
        for (int i = 0; i < ex.length; i++) {
            FloatImage img = ex[i].image();
            if (img.channels() != first.channels() || img.height() != first.height() || img.width() != first.width()) {
                throw new ShapeMismatchException("examples of one batch must have the same size after preprocessing, but '"
                        + ex[0].id() + "' is " + shape(first) + " and '" + ex[i].id() + "' is " + shape(img)
                        + "; set a crop size (e.g. --crop 224) so that every image gets the same size");
            }
            System.arraycopy(img.data(), 0, images, i * per, per);
            labels[i] = ex[i].label();
            ids.add(ex[i].id());
        }
        return new Batch(indices, images, new long[] {ex.length, first.channels(), first.height(), first.width()}, labels, ids);
    }

    private static String shape(FloatImage f) {
        return f.channels() + "x" + f.height() + "x" + f.width();
    }

    @Override
    public String toString() {
        return description();
    }
}
