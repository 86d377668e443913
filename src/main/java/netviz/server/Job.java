package netviz.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One background computation: its kind, its canonical parameters, where it stands
 * ({@code queued → running → done | failed | cancelled}), its progress in [0, 1], and when done its result
 * (JSON fields plus the names of its PNG files, which live in {@link #dir()}).
 */
public final class Job {
    /** Where a job stands. */
    public enum Status { QUEUED, RUNNING, DONE, FAILED, CANCELLED;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final String kind;
    private final Map<String, Object> params;
    private final Path dir;
    private volatile Status status = Status.QUEUED;
    private volatile double progress;
    private volatile String message = "waiting for a worker";
    private volatile String error;
    private volatile boolean cancelRequested;
    private volatile long startedNanos;
    private volatile Map<String, Object> estimate;
    private volatile long finishedNanos;
    private volatile Map<String, Object> result;
    private volatile List<String> files = List.of();

    Job(String id, String kind, Map<String, Object> params, Path dir) {
        this.id = id;
        this.kind = kind;
        this.params = params;
        this.dir = dir;
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public Map<String, Object> params() {
        return params;
    }

    public Status status() {
        return status;
    }

    public double progress() {
        return progress;
    }

    public String error() {
        return error;
    }

    /** The result fields (with {@code files}), or null until done. */
    public Map<String, Object> result() {
        return result;
    }

    /** The names of the job's files (empty until done). */
    public List<String> files() {
        return files;
    }

    /** The job's folder (its files and {@code result.json}). */
    public Path dir() {
        return dir;
    }

    void running() {
        startedNanos = System.nanoTime();
        status = Status.RUNNING;
        message = "computing " + kind;
    }

    /**
     * The job's progress as the methods report it: the stage's words become the job's message, its
     * count the fraction done; it is cancelled once the job is.
     */
    netviz.Progress reporter() {
        return new netviz.Progress() {
            @Override
            public void update(String stage, long done, long total) {
                message = stage;
                Job.this.progress(done, total);
            }

            @Override
            public boolean cancelled() {
                return cancelRequested;
            }
        };
    }

    /** What the job is expected to cost, said before it starts (null for a quick job). */
    void estimate(Map<String, Object> e) {
        estimate = e;
    }

    /** Asks the running computation to stop at its next check. */
    void requestCancel() {
        cancelRequested = true;
    }

    /** Progress from a method's callback: {@code done} of {@code total} units. */
    void progress(long done, long total) {
        if (total > 0) {
            progress = Math.max(0, Math.min(1, (double) done / total));
        }
    }

    void message(String m) {
        message = m;
    }

    void done(Map<String, Object> r, List<String> fileNames) {
        files = List.copyOf(fileNames);
        result = r;
        progress = 1;
        message = "done";
        finished();
        status = Status.DONE;
    }

    void failed(String e) {
        error = e;
        message = "failed";
        finished();
        status = Status.FAILED;
    }

    /** The job stopped because it was cancelled (before it started, or at a check while running). */
    void cancelled() {
        message = "cancelled";
        finished();
        status = Status.CANCELLED;
    }

    /** Whether someone asked this job to stop. */
    boolean cancelRequested() {
        return cancelRequested;
    }

    private void finished() {
        if (startedNanos != 0) {
            finishedNanos = System.nanoTime();
        }
    }

    /**
     * Seconds the job has been computing: since it left the queue, up to now or to its end; null when
     * it never ran in this server (queued, or a result loaded from the cache).
     */
    public Double elapsedSeconds() {
        long start = startedNanos;
        if (start == 0) {
            return null;
        }
        long end = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        return (end - start) / 1e9;
    }

    /** {@code {id, kind, params, status, progress, message, elapsed, estimate, error, result}}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("params", params);
        m.put("status", status.json());
        m.put("progress", progress);
        m.put("message", message);
        m.put("elapsed", elapsedSeconds());
        m.put("estimate", estimate);
        m.put("error", error);
        m.put("result", result);
        return m;
    }
}
