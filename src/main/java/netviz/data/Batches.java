package netviz.data;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The batches of a dataset range, iterable any number of times (each iteration reads the files again).
 * An iteration that runs to the end closes its files and progress bar; {@link #close()} closes those of
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
        this(dataset, batchSize, from, to, Progress.NEVER, "");
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
     * Told how far an iteration got: {@code done} of {@code total} examples read. Register one with
     * {@link #listen} to follow a method that iterates a dataset itself (the web app's job progress).
     */
    @FunctionalInterface
    public interface Listener {
        void read(long done, long total);

        /** Ends a {@link #listen} registration. */
        interface Registration extends AutoCloseable {
            @Override
            void close();
        }
    }

    private static final ThreadLocal<Listener> LISTENER = new ThreadLocal<>();

    /**
     * Until the returned registration is closed, every iteration started on the calling thread reports
     * each batch it reads to {@code listener} (in addition to any progress bar).
     */
    public static Listener.Registration listen(Listener listener) {
        Listener previous = LISTENER.get();
        LISTENER.set(listener);
        return () -> {
            if (previous == null) {
                LISTENER.remove();
            } else {
                LISTENER.set(previous);
            }
        };
    }

    /** The same batches with a progress bar on stderr (counting images) named {@code taskName}. */
    public Batches withProgress(Progress mode, String taskName) {
        return new Batches(dataset, batchSize, from, to, mode, taskName);
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
        Listener listener = LISTENER.get();
        ProgressBar bar = progress.enabled() ? new ProgressBarBuilder().setTaskName(task.isEmpty() ? "images" : task)
                .setInitialMax(to - from).setUnit(" img", 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build() : null;
        Runnable closer = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (!done) {
                    done = true;
                    reader.close();
                    if (bar != null) {
                        bar.close();
                    }
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
                    Batch b = dataset.readBatch(reader, pos, n);
                    pos += n;
                    if (bar != null) {
                        bar.stepBy(n);
                    }
                    if (listener != null) {
                        listener.read(pos - from, to - from);
                    }
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
