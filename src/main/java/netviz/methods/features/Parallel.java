package netviz.methods.features;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A fork-join pool of a fixed number of threads for loops split into a fixed number of chunks. The
 * chunking never depends on the thread count and every chunk writes only its own outputs, so a
 * computation gives the same bits on one thread as on many; sums over chunks are taken afterwards in
 * chunk order by the caller.
 */
final class Parallel implements AutoCloseable {
    /** One thread, no pool: everything runs on the caller's thread. */
    static final Parallel SERIAL = new Parallel(1);

    final int threads;
    private final ForkJoinPool pool;

    /** @param threads worker threads (≥ 1; 1 runs everything on the caller's thread) */
    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** The number of threads a setting of 0 (all) or t means on this machine. */
    static int threads(int setting) {
        return setting > 0 ? setting : Runtime.getRuntime().availableProcessors();
    }

    /** Runs {@code body(c)} for each chunk {@code c} in [0, chunks), in parallel, and waits for all. */
    void forEach(int chunks, IntConsumer body) {
        if (pool == null || chunks <= 1) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(body)).join();
    }

    /** Runs {@code body(lo, hi)} over [0, n) cut into pieces of {@code grain} (the last one shorter). */
    void forRange(int n, int grain, RangeBody body) {
        int chunks = (n + grain - 1) / grain;
        forEach(chunks, c -> body.run(c * grain, Math.min(n, (c + 1) * grain)));
    }

    /** A loop body over the half-open range [lo, hi). */
    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
