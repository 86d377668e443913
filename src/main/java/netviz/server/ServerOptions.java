package netviz.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link NetvizServer} runs.
 *
 * @param model       the ONNX model file
 * @param data        the dataset (null: the bundled Fashion-MNIST test split)
 * @param host        the address to bind; {@value #LOCAL_HOST} keeps the app on this machine
 * @param port        the TCP port (0: any free port, see {@link NetvizServer#port()})
 * @param cache       the server's own folder: uploads and job results live under it
 * @param limit       use only the first {@code limit} dataset images (0: all)
 * @param workers     threads running jobs
 * @param queue       jobs that may wait for a worker; more are refused with 503
 * @param maxUpload   largest accepted upload, in bytes (413 beyond)
 * @param maxPixels   largest accepted upload after decoding, width × height (400 beyond)
 * @param runtime     what runs forward-only work server-wide: {@code ort} (default) or {@code torch}
 */
public record ServerOptions(Path model, Path data, String host, int port, Path cache, int limit, int workers, int queue,
                            long maxUpload, long maxPixels, String runtime) {
    /** The default bind address: the loopback interface only. */
    public static final String LOCAL_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** 5 MB: the default upload cap. */
    public static final long MAX_UPLOAD = 5L * 1024 * 1024;
    /** 16 megapixels: the default cap on decoded uploads. */
    public static final long MAX_PIXELS = 16L * 1024 * 1024;

    public ServerOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(cache, "cache");
        runtime = netviz.session.Session.parseRuntime(runtime);
        if (port < 0 || port > 65535) {
            throw new netviz.OutOfRangeException("--port must be between 0 and 65535, not " + port);
        }
        if (limit < 0) {
            throw new netviz.OutOfRangeException("--limit must be 0 (all images) or positive, not " + limit);
        }
        if (workers < 1 || workers > 64) {
            throw new netviz.OutOfRangeException("workers must be between 1 and 64, not " + workers);
        }
        if (queue < 1 || queue > 10_000) {
            throw new netviz.OutOfRangeException("the job queue must hold between 1 and 10000 jobs, not " + queue);
        }
    }

    /** Defaults: local host, port 8080, 2 workers, 32 queued jobs, 5 MB uploads of at most 16 megapixels. */
    public static ServerOptions of(Path model, Path data, Path cache) {
        return new ServerOptions(model, data, LOCAL_HOST, DEFAULT_PORT, cache, 0, 2, 32, MAX_UPLOAD, MAX_PIXELS, null);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(model, data, h, port, cache, limit, workers, queue, maxUpload, maxPixels, runtime);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(model, data, host, p, cache, limit, workers, queue, maxUpload, maxPixels, runtime);
    }

    public ServerOptions withLimit(int l) {
        return new ServerOptions(model, data, host, port, cache, l, workers, queue, maxUpload, maxPixels, runtime);
    }

    public ServerOptions withQueue(int q) {
        return new ServerOptions(model, data, host, port, cache, limit, workers, q, maxUpload, maxPixels, runtime);
    }

    public ServerOptions withWorkers(int w) {
        return new ServerOptions(model, data, host, port, cache, limit, w, queue, maxUpload, maxPixels, runtime);
    }

    /** The same with forward-only work on {@code r} ({@code ort} or {@code torch}). */
    public ServerOptions withRuntime(String r) {
        return new ServerOptions(model, data, host, port, cache, limit, workers, queue, maxUpload, maxPixels, r);
    }

    /** Whether {@link #host()} is a loopback address (the app is reachable from this machine only). */
    public boolean isLocal() {
        return host.equals(LOCAL_HOST) || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }
}
