package netviz.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;

/** A netviz server on a free local port for tests, and a small HTTP client for its API. */
final class TestServer implements AutoCloseable {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, body bytes, content type. */
    record Reply(int status, byte[] body, String type) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        BufferedImage png() {
            try {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(body));
                if (img == null) {
                    throw new AssertionError("not an image (" + status + ", " + type + "): " + text());
                }
                return img;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    final NetvizServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Path cache, int limit) {
        this(ServerOptions.of(MODEL, null, cache).withPort(0).withLimit(limit));
    }

    TestServer(ServerOptions o) {
        server = NetvizServer.start(o);
    }

    ModelSession session() {
        return server.session();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    Reply post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Reply postJson(String path, String json) {
        return post(path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Posts a job and returns its JSON. */
    JsonNode job(String kind, String params) {
        Reply r = postJson("/api/jobs", "{\"kind\":\"" + kind + "\",\"params\":" + params + "}");
        if (r.status() != 202) {
            throw new AssertionError("job " + kind + " " + params + " → " + r.status() + " " + r.text());
        }
        return r.json();
    }

    /** Polls a job until it is done or failed (at most 120 s). */
    JsonNode await(String id) {
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode j = get("/api/jobs/" + id).json();
            String s = j.get("status").asText();
            double p = j.get("progress").asDouble();
            if (p < 0 || p > 1) {
                throw new AssertionError("progress out of [0, 1]: " + j);
            }
            if (s.equals("done") || s.equals("failed")) {
                return j;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("job " + id + " did not finish in 120 s");
    }

    /** Posts a job, waits for it, and checks that it is done. */
    JsonNode run(String kind, String params) {
        JsonNode j = await(job(kind, params).get("id").asText());
        if (!j.get("status").asText().equals("done")) {
            throw new AssertionError(kind + " " + params + " failed: " + j);
        }
        return j;
    }

    Reply send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException e) {
            throw new AssertionError(req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** PNG bytes of an image. */
    static byte[] png(BufferedImage img) {
        return NetvizServer.pngBytes(img);
    }

    /** Number of distinct RGB values in an image (a flat picture has 1). */
    static int colours(BufferedImage img) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                s.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return s.size();
    }

    @Override
    public void close() {
        server.close();
    }
}
