package netviz.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import netviz.NetvizException;
import netviz.engine.Tensor;
import netviz.figures.RawArray;
import netviz.io.Npy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background jobs: {@code POST /api/jobs}, {@code GET /api/jobs/{id}}, {@code DELETE /api/jobs/{id}}
 * (cancel), {@code GET /api/jobs/{id}/files/{name}}.
 *
 * <p>Jobs run on a fixed pool of {@link ServerOptions#workers()} threads with a bounded queue of
 * {@link ServerOptions#queue()} waiting jobs; a job posted while the queue is full is refused with 503.
 * A failing job becomes {@code failed} with its error in one line; the server carries on. A queued job
 * that is cancelled leaves the queue; a running one stops at its method's next progress check (every
 * batch, iteration or window) and becomes {@code cancelled}; posting it again computes it afresh.
 *
 * <p>Results are cached by (netviz version, model file, dataset, kind, canonical parameters): the job id is the
 * SHA-256 of those (first 32 hex digits), so posting the same job again returns the same job — done at
 * once if it finished before, even in an earlier run of the server, because every finished job leaves
 * {@code <cache>/jobs/<id>/result.json} and its files: PNG pictures ({@code result.files}) and float32
 * {@code .npy} arrays ({@code result.arrays}, served as downloads). Files are only ever read by names the job
 * itself wrote; ids and names from requests are checked against strict patterns first.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    /** What a job id looks like. */
    public static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    /** What a job file name looks like: a PNG picture or a NumPy {@code .npy} array. */
    public static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}\\.(png|npy)");
    /** Jobs kept in memory (finished ones beyond this are forgotten and reloaded from disk on demand). */
    static final int MEMORY = 256;
    private static final int MAX_BODY = 64 * 1024;

    private final ModelSession session;
    private final Path dir;
    private final ThreadPoolExecutor pool;
    private final Map<String, Job> jobs = new LinkedHashMap<>(64, 0.75f, true);
    /** The queued task of each job not yet started, so that a cancelled one can leave the queue. */
    private final Map<String, Runnable> waiting = new java.util.concurrent.ConcurrentHashMap<>();
    private final JobKinds kinds;
    private final AtomicInteger computed = new AtomicInteger();

    Jobs(ModelSession session) {
        this.session = session;
        this.dir = session.options().cache().resolve("jobs").toAbsolutePath().normalize();
        this.kinds = new JobKinds(session);
        AtomicInteger n = new AtomicInteger();
        int workers = session.options().workers();
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(session.options().queue()), r -> {
                    Thread t = new Thread(r, "netviz-job-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The job kinds this server runs. */
    public List<String> kinds() {
        return kinds.names();
    }

    // ---- endpoints -------------------------------------------------------------------------

    void post(Context ctx) throws IOException {
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new ApiException(413, "a job request is at most " + MAX_BODY + " bytes of JSON");
        }
        JsonNode req;
        try {
            req = NetvizServer.JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body is not JSON: send {\"kind\": ..., \"params\": {...}}");
        }
        if (req == null || !req.isObject() || !req.has("kind") || !req.get("kind").isTextual()) {
            throw ApiException.badRequest("a job request is {\"kind\": one of " + String.join(", ", kinds())
                    + ", \"params\": {...}}");
        }
        Job job = submit(req.get("kind").asText(), req.get("params"));
        NetvizServer.json(ctx, 202, job.json());
    }

    void get(Context ctx) {
        NetvizServer.json(ctx, 200, find(ctx.pathParam("id")).json());
    }

    void file(Context ctx) throws IOException {
        Job job = find(ctx.pathParam("id"));
        String name = ctx.pathParam("name");
        if (job.status() != Job.Status.DONE) {
            throw ApiException.notFound("job " + job.id() + " is " + job.status().json() + " and has no files yet");
        }
        if (!FILE.matcher(name).matches() || !job.files().contains(name)) {
            throw ApiException.notFound("job " + job.id() + " has no file '" + Util.clip(name) + "'; its files: "
                    + String.join(", ", job.files()));
        }
        Path p = job.dir().resolve(name).normalize();
        if (!p.getParent().equals(job.dir())) {
            throw ApiException.notFound("no such file");
        }
        if (name.endsWith(".npy")) {
            ctx.contentType("application/octet-stream");
            ctx.header("Content-Disposition", "attachment; filename=\"" + downloadName(job, name) + "\"");
        } else {
            ctx.contentType("image/png");
        }
        ctx.header("Cache-Control", "max-age=3600");
        ctx.result(Files.readAllBytes(p));
    }

    /**
     * The name a downloaded array is saved under: kind, image and class, and the file's own name
     * ({@code saliency-dataset-3-class-7-attributions.npy}); only characters of {@link #FILE}.
     */
    static String downloadName(Job job, String name) {
        Object image = job.params().get("image");
        Object target = job.params().get("target");
        String ref = image == null ? "" : image.toString().replace(':', '-');
        if (ref.startsWith("upload-") && ref.length() > 15) {
            ref = ref.substring(0, 15);
        }
        String base = job.kind() + (ref.isEmpty() ? "" : "-" + ref) + (target == null ? "" : "-class-" + target)
                + "-" + name;
        return base.replaceAll("[^a-z0-9.-]", "");
    }

    void cancel(Context ctx) {
        NetvizServer.json(ctx, 200, cancel(ctx.pathParam("id")).json());
    }

    /**
     * Cancels a queued or running job; 409 for a job that has already finished (done, failed or
     * cancelled), 404 for an unknown one.
     */
    public Job cancel(String id) {
        Job job = find(id);
        synchronized (jobs) {
            Job.Status st = job.status();
            if (st != Job.Status.QUEUED && st != Job.Status.RUNNING) {
                throw new ApiException(409, "job " + id + " is " + st.json() + "; only a queued or running job can be "
                        + "cancelled");
            }
            job.requestCancel();
            Runnable task = waiting.remove(id);
            if (task != null && pool.remove(task)) {
                job.cancelled();
            }
        }
        return job;
    }

    void neighbors(Context ctx) {
        NetvizServer.json(ctx, 200, kinds.neighbors(ctx.queryParam("image"),
                NetvizServer.intParam(ctx, "k", 8, 1, 100), ctx.queryParam("layer"),
                NetvizServer.intParam(ctx, "below", 0, 0, Integer.MAX_VALUE), ctx.queryParam("classes")));
    }

    // ---- the job table ---------------------------------------------------------------------

    /**
     * Validates and submits a job, or returns the existing one with the same key (running, queued or
     * done; a failed one is tried again).
     *
     * @throws ApiException 400 for bad parameters, 503 when the queue is full
     */
    public Job submit(String kind, JsonNode params) {
        JobKinds.Kind k = kinds.kind(kind);
        Map<String, Object> canonical = k.canonical(new Params(kind, params, k.accepted()));
        String id = id(kind, canonical);
        // what it will cost, said before it starts (outside the lock: the first estimate times the model)
        JobCost.Estimate cost = k.estimate(canonical, kinds.cost());
        synchronized (jobs) {
            Job old = jobs.get(id);
            if (old != null && old.status() != Job.Status.FAILED && old.status() != Job.Status.CANCELLED) {
                return old;
            }
            Job cached = load(id);
            if (cached != null) {
                remember(cached);
                return cached;
            }
            Job job = new Job(id, kind, canonical, dir.resolve(id));
            if (cost != null) {
                job.estimate(cost.json());
            }
            Runnable task = () -> {
                waiting.remove(id);
                run(job, k);
            };
            waiting.put(id, task);
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                waiting.remove(id);
                throw new ApiException(503, "the server is busy: " + pool.getQueue().size() + " jobs are waiting for "
                        + pool.getMaximumPoolSize() + " workers; try again when some have finished");
            }
            remember(job);
            return job;
        }
    }

    /** The job with this id (404 when unknown, 400 when malformed). */
    public Job find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("job id '" + Util.clip(id) + "' is not valid: a job id is 32 hexadecimal digits");
        }
        synchronized (jobs) {
            Job j = jobs.get(id);
            if (j == null) {
                j = load(id);
                if (j != null) {
                    remember(j);
                }
            }
            if (j == null) {
                throw ApiException.notFound("no job with id " + id);
            }
            return j;
        }
    }

    private void remember(Job job) {
        jobs.put(job.id(), job);
        if (jobs.size() > MEMORY) {
            for (Iterator<Job> it = jobs.values().iterator(); it.hasNext() && jobs.size() > MEMORY; ) {
                Job j = it.next();
                if (j.status() == Job.Status.DONE || j.status() == Job.Status.FAILED
                        || j.status() == Job.Status.CANCELLED) {
                    it.remove();
                }
            }
        }
    }

    private String id(String kind, Map<String, Object> canonical) {
        try {
            String key = "netviz " + netviz.Version.current() + "\n" + session.modelHash() + "\n" + session.dataIdentity()
                    + "\n" + kind + "\n"
                    + NetvizServer.JSON.writeValueAsString(new java.util.TreeMap<>(canonical));
            return ModelSession.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run(Job job, JobKinds.Kind kind) {
        if (job.cancelRequested()) {
            job.cancelled();
            return;
        }
        computed.incrementAndGet();
        job.running();
        try {
            JobKinds.Output out = kind.run(job.params(), job);
            Files.createDirectories(job.dir());
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, BufferedImage> f : out.files().entrySet()) {
                if (!FILE.matcher(f.getKey()).matches() || !f.getKey().endsWith(".png")) {
                    throw new IllegalStateException("bad job picture name " + f.getKey());
                }
                write(job.dir().resolve(f.getKey()), NetvizServer.pngBytes(f.getValue()));
                names.add(f.getKey());
            }
            Map<String, Object> fields = new LinkedHashMap<>(out.fields());
            List<String> arrays = writeArrays(job, fields);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("files", names);
            if (!arrays.isEmpty()) {
                result.put("arrays", arrays);
            }
            result.putAll(fields);
            Map<String, Object> saved = new LinkedHashMap<>();
            saved.put("kind", job.kind());
            saved.put("params", job.params());
            saved.put("result", result);
            write(job.dir().resolve("result.json"), NetvizServer.JSON.writeValueAsBytes(saved));
            job.done(result, servable(names, arrays));
        } catch (netviz.CancelledException e) {
            job.cancelled();
        } catch (NetvizException | ApiException e) {
            job.failed(Util.oneLine(e));
        } catch (OutOfMemoryError e) {
            job.failed("out of memory while computing the " + job.kind() + " job; try smaller parameters");
        } catch (Throwable e) {
            LOG.warn("job {} ({}) failed", job.id(), job.kind(), e);
            job.failed(e.getClass().getSimpleName() + ": " + Util.oneLine(e));
        }
    }

    /** A finished job from its folder, or null. */
    private Job load(String id) {
        Path d = dir.resolve(id);
        Path f = d.resolve("result.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            Map<String, Object> saved = NetvizServer.JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() {
            });
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) saved.get("params");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) saved.get("result");
            @SuppressWarnings("unchecked")
            List<String> files = (List<String>) result.get("files");
            @SuppressWarnings("unchecked")
            List<String> arrays = (List<String>) result.getOrDefault("arrays", List.of());
            List<String> all = servable(files, arrays);
            for (String name : all) {
                if (!FILE.matcher(name).matches() || !Files.isRegularFile(d.resolve(name))) {
                    return null;
                }
            }
            Job j = new Job(id, String.valueOf(saved.get("kind")), params, d);
            j.done(result, all);
            return j;
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable cached job {}: {}", id, e.toString());
            return null;
        }
    }

    /**
     * Writes the raw arrays among a job's result fields: a field whose value is a {@link RawArray}
     * becomes the float32 {@code .npy} file named by its key (removed from the fields); returns their names,
     * which the result lists as {@code arrays} and {@link #file} serves as downloads.
     */
    private static List<String> writeArrays(Job job, Map<String, Object> fields) throws IOException {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, Object>> it = fields.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> f = it.next();
            if (f.getValue() instanceof RawArray a) {
                if (!FILE.matcher(f.getKey()).matches() || !f.getKey().endsWith(".npy")) {
                    throw new IllegalStateException("bad job array name " + f.getKey());
                }
                write(job.dir().resolve(f.getKey()), Npy.toBytes(Tensor.ofFloats(a.shape(), a.values())));
                names.add(f.getKey());
                it.remove();
            }
        }
        return names;
    }

    /** The names {@link #file} serves: the pictures, then the arrays. */
    private static List<String> servable(List<String> files, List<String> arrays) {
        List<String> all = new ArrayList<>(files);
        all.addAll(arrays);
        return all;
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = netviz.io.TempFiles.createFile(target.getParent(), ".part-", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** How many jobs this server has computed (cache hits are not counted). */
    public int computed() {
        return computed.get();
    }

    /** Jobs waiting for a worker. */
    public int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
