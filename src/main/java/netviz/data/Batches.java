package netviz.data;

import netviz.Progress;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The batches of a dataset range, iterable any number of times (each iteration reads the files again).
 * An iteration that runs to the end closes its files; {@link #close()} closes those of
 * iterations stopped early.
 */
public final class Batches implements Iterable<Batch>, AutoCloseable {
    private final AbstractDataset dataset;
    private final int batchSize;
    private final int from;
    private final int to;
    private final Progress progress;
    private final String task;
    private final List<Runnable> open = new ArrayList<>();

    Batches(AbstractDataset dataset, int batchSize, int from, int to) {
        this(dataset, batchSize, from, to, Progress.NONE, "images");
    }

    private Batches(AbstractDataset dataset, int batchSize, int from, int to, Progress progress, String task) {
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.from = from;
        this.to = to;
        this.progress = progress;
        this.task = task;
    }

    /**
     * The same batches, reporting the images read so far to {@code progress} under {@code stage} after
     * each batch, and stopping (with {@link netviz.CancelledException}) when it is cancelled.
     */
    public Batches withProgress(Progress progress, String stage) {
        return new Batches(dataset, batchSize, from, to, progress, stage);
    }

    /** Number of batches. */
    public int count() {
        return (to - from + batchSize - 1) / batchSize;
    }

    /** Number of examples. */
    public int examples() {
        return to - from;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public Iterator<Batch> iterator() {
        AbstractDataset.Reader reader = dataset.open(from);
        Runnable closer = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (!done) {
                    done = true;
                    reader.close();
                }
            }
        };
        synchronized (open) {
            open.add(closer);
        }
        return new Iterator<>() {
            private int pos = from;

            @Override
            public boolean hasNext() {
                if (pos >= to) {
                    closer.run();
                    return false;
                }
                return true;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, to - pos);
                try {
                    progress.checkCancelled();
                    Batch b = dataset.readBatch(reader, pos, n);
                    pos += n;
                    progress.update(task, pos - from, to - from);
                    return b;
                } catch (RuntimeException e) {
                    closer.run();
                    throw e;
                }
            }
        };
    }

    @Override
    public void close() {
        synchronized (open) {
            open.forEach(Runnable::run);
            open.clear();
        }
    }
}
