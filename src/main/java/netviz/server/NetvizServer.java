package netviz.server;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import netviz.NetvizException;
import netviz.Progress;
import netviz.UnknownNameException;
import netviz.engine.ModelSummary;
import netviz.engine.Node;
import netviz.figures.FiltersFigure;
import netviz.methods.evaluation.Classifier;
import netviz.render.Images;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app: static pages from the classpath folder {@value #WEB}, WebJars under {@code /webjars},
 * and the JSON API under {@code /api} (docs/web-api.md). One {@link ModelSession} (one interpreter)
 * serves every request; each request computes in its own NDManager scope; long work runs as
 * {@link Jobs} on a small bounded executor.
 *
 * <pre>{@code
 * try (NetvizServer s = NetvizServer.start(ServerOptions.of(model, null, cacheDir).withPort(0))) {
 *     URI base = s.uri();     // http://127.0.0.1:<port>/
 * }
 * }</pre>
 */
public final class NetvizServer implements AutoCloseable {
    /** The classpath folder holding the front end. */
    public static final String WEB = "/netviz/web";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(NetvizServer.class);
    private static final Pattern PNG_INDEX = Pattern.compile("(\\d{1,9})\\.png");
    private static final Pattern PNG_ID = Pattern.compile("([^/]*)\\.png");

    private final ModelSession session;
    private final Jobs jobs;
    private final Javalin app;

    private NetvizServer(ModelSession session) {
        this.session = session;
        this.jobs = new Jobs(session);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = session.options().maxUpload() + 1024;
            if (NetvizServer.class.getResource(WEB) != null) {
                cfg.staticFiles.add(s -> {
                    s.hostedPath = "/";
                    s.directory = WEB;
                    s.location = Location.CLASSPATH;
                });
            }
            cfg.staticFiles.enableWebjars();
            cfg.jetty.host = session.options().host();
            cfg.jetty.port = session.options().port();
            routes(cfg.routes);
        });
    }

    /** Loads the model and dataset and starts serving; close it to stop. */
    public static NetvizServer start(ServerOptions options) {
        ModelSession session = new ModelSession(options);
        NetvizServer s;
        try {
            s = new NetvizServer(session);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.close();
            throw new NetvizException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + Util.oneLine(e.getCause() != null ? e.getCause() : e), e);
        }
        return s;
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** The address to open in a browser, e.g. {@code http://127.0.0.1:8080/}. */
    public java.net.URI uri() {
        String h = session.options().host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            h = "127.0.0.1";
        }
        if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return java.net.URI.create("http://" + h + ":" + port() + "/");
    }

    public ModelSession session() {
        return session;
    }

    public Jobs jobs() {
        return jobs;
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            jobs.close();
            session.close();
        }
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        r.get("/api/model", ctx -> json(ctx, 200, session.modelJson()));
        r.get("/api/dataset", this::dataset);
        r.get("/api/dataset/{file}", this::datasetPng);
        r.post("/api/images", this::upload);
        r.get("/api/images/{file}", this::uploadPng);
        r.get("/api/predict", this::predict);
        r.get("/api/layers/{layer}", this::layer);
        r.get("/api/layers/{layer}/filters.png", this::filters);
        r.post("/api/jobs", ctx -> jobs.post(ctx));
        r.get("/api/jobs/{id}", ctx -> jobs.get(ctx));
        r.delete("/api/jobs/{id}", ctx -> jobs.cancel(ctx));
        r.get("/api/jobs/{id}/files/{name}", ctx -> jobs.file(ctx));
        r.get("/api/neighbors", ctx -> jobs.neighbors(ctx));

        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.suggestions()));
        r.exception(UnknownNameException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), e.suggestions()));
        // a result that is not finite is not the client's mistake, nor a bug in netviz: 422 with its one line
        r.exception(netviz.NonFiniteResultException.class, (e, ctx) -> error(ctx, 422, e.getMessage(), List.of()));
        r.exception(NetvizException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), List.of()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error: " + e.getClass().getSimpleName() + ": " + Util.oneLine(e), List.of());
        });
        r.error(404, ctx -> {
            if (ctx.path().startsWith("/api") && !isJson(ctx)) {
                error(ctx, 404, "no such API endpoint: " + ctx.method() + " " + Util.clip(ctx.path())
                        + " (see docs/web-api.md)", List.of());
            }
        });
        r.error(405, ctx -> {
            if (ctx.path().startsWith("/api") && !isJson(ctx)) {
                error(ctx, 405, "method " + ctx.method() + " is not allowed on " + Util.clip(ctx.path()), List.of());
            }
        });
        r.error(413, ctx -> {
            if (!isJson(ctx)) {
                error(ctx, 413, "the request body is too large; uploads are limited to "
                        + session.options().maxUpload() + " bytes", List.of());
            }
        });
    }

    private static boolean isJson(Context ctx) {
        String t = ctx.res().getContentType();
        return t != null && t.startsWith("application/json");
    }

    // ---- endpoints -------------------------------------------------------------------------

    private void dataset(Context ctx) {
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(ctx, "limit", 100, 0, 1000);
        List<Map<String, Object>> items = new ArrayList<>();
        int end = (int) Math.min((long) offset + limit, session.size());
        if (offset < end) {
            int[] idx = new int[end - offset];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = offset + i;
            }
            netviz.data.Batch b = session.dataset().get(idx);
            for (int i = 0; i < idx.length; i++) {
                Map<String, Object> m = new LinkedHashMap<>();
                int label = b.hasLabels() ? b.label(i) : -1;
                m.put("index", idx[i]);
                m.put("label", label);
                m.put("className", session.className(label));
                items.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", session.dataset().description());
        out.put("size", session.size());
        out.put("items", items);
        json(ctx, 200, out);
    }

    private void datasetPng(Context ctx) {
        Matcher m = PNG_INDEX.matcher(ctx.pathParam("file"));
        if (!m.matches()) {
            throw ApiException.notFound("no dataset image '" + Util.clip(ctx.pathParam("file"))
                    + "': ask for /api/dataset/N.png with N from 0 to " + (session.size() - 1));
        }
        int scale = intParam(ctx, "scale", 4, 1, 16);
        BufferedImage img = session.datasetImage(Integer.parseInt(m.group(1))).picture();
        png(ctx, scale == 1 ? img : Images.upscale(img, scale));
    }

    private void upload(Context ctx) throws IOException {
        long max = session.uploads().maxBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "the upload is " + declared + " bytes; the limit is " + max + " bytes ("
                    + (max >> 20) + " MB)");
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) max + 1);
        }
        if (body.length > max) {
            throw new ApiException(413, "the upload is larger than the limit of " + max + " bytes (" + (max >> 20)
                    + " MB)");
        }
        Uploads.Upload u = session.uploads().store(body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", u.id());
        out.put("width", u.width());
        out.put("height", u.height());
        json(ctx, 200, out);
    }

    private void uploadPng(Context ctx) {
        Matcher m = PNG_ID.matcher(ctx.pathParam("file"));
        if (!m.matches()) {
            throw ApiException.notFound("no uploaded image '" + Util.clip(ctx.pathParam("file"))
                    + "': ask for /api/images/<id>.png");
        }
        String id = Uploads.checkId(m.group(1));
        if ("model".equals(ctx.queryParam("as"))) {
            // what the model sees: preprocessed (resized, cropped, grey for a one-channel model), un-normalised
            int scale = intParam(ctx, "scale", 4, 1, 16);
            BufferedImage img = session.resolve("upload:" + id).picture();
            png(ctx, scale == 1 ? img : Images.upscale(img, scale));
            return;
        }
        byte[] bytes = session.uploads().png(id);
        ctx.contentType("image/png");
        ctx.header("Cache-Control", "max-age=3600");
        ctx.result(bytes);
    }

    private void predict(Context ctx) {
        ModelSession.Picture p = session.resolve(ctx.queryParam("image"));
        int top = intParam(ctx, "top", 5, 1, session.labels().size());
        Classifier.Prediction pred;
        try (NDManager scope = session.session().forward().newScope()) {
            pred = new Classifier(session.session().forward()).predict(scope, p.toNDArray(scope));
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (int k : pred.topK(0, top)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", k);
            m.put("className", session.className(k));
            m.put("probability", pred.probabilities()[0][k]);
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", p.ref());
        out.put("top", list);
        json(ctx, 200, out);
    }

    private void layer(Context ctx) {
        Node n = session.node(ctx.pathParam("layer"));
        ModelSummary.Layer l = session.layer(n);
        Map<String, Object> all = session.layerJson(l);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("index", "name", "op", "output", "shape", "params", "macs", "hasFilters", "channels")) {
            out.put(k, all.get(k));
        }
        json(ctx, 200, out);
    }

    private void filters(Context ctx) {
        Node n = session.node(ctx.pathParam("layer"));
        ModelSummary.Layer l = session.layer(n);
        if (!session.hasFilters(l)) {
            throw ApiException.badRequest("layer '" + Util.clip(ctx.pathParam("layer")) + "' is a " + n.opType()
                    + " node and has no filters to draw; convolutions: " + String.join(", ",
                    netviz.methods.params.Filters.convolutions(session.graph()).stream().map(Node::label).toList()));
        }
        String layer = n.name().isEmpty() ? n.outputs().get(0) : n.name();
        png(ctx, FiltersFigure.make(session.session(), FiltersFigure.Options.defaults().withLayer(layer), Progress.NONE)
                .figure().image());
    }

    // ---- helpers ---------------------------------------------------------------------------

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i < min || i > max) {
                throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", not " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number between " + min + " and " + max + ", not '"
                    + Util.clip(v) + "'");
        }
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status);
            ctx.contentType("application/json");
            ctx.result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void error(Context ctx, int status, String message, List<String> suggestions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error" : message);
        m.put("suggestions", suggestions);
        json(ctx, status, m);
    }

    static void png(Context ctx, BufferedImage img) {
        ctx.contentType("image/png");
        ctx.result(pngBytes(img));
    }

    static byte[] pngBytes(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG encoder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
