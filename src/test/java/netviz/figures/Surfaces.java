package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;

/** The three surfaces driven in this process for the figure tests: the command line, the web app, pixel comparison. */
final class Surfaces {
    static final Path MODEL = FigureTesting.MODEL;
    static final ObjectMapper JSON = new ObjectMapper();

    private Surfaces() {
    }

    /** Runs {@code netviz args…} in this process; fails with its output unless it exits 0; returns stdout. */
    static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, () -> String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }

    /** A web app on a free port serving the first {@code limit} images, its cache in {@code cache}. */
    static NetvizServer server(Path cache, int limit) {
        return NetvizServer.start(ServerOptions.of(MODEL, null, cache).withPort(0).withLimit(limit));
    }

    static HttpResponse<byte[]> get(NetvizServer s, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .timeout(Duration.ofSeconds(120)).GET().build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode getJson(NetvizServer s, String path) throws Exception {
        HttpResponse<byte[]> r = get(s, path);
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return JSON.readTree(r.body());
    }

    /** Runs a job of {@code kind} and returns its finished JSON. */
    static JsonNode job(NetvizServer s, String kind, String params) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/jobs"))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"kind\":\"" + kind + "\",\"params\":" + params + "}")).build();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(202, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        String id = JSON.readTree(r.body()).get("id").asText();
        long end = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode j = getJson(s, "/api/jobs/" + id);
            String status = j.get("status").asText();
            if (status.equals("done")) {
                return j;
            }
            if (status.equals("failed")) {
                throw new AssertionError(kind + " " + params + " failed: " + j);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + kind + " did not finish in 300 s");
    }

    /** A PNG file of a finished job. */
    static BufferedImage file(NetvizServer s, JsonNode job, String name) throws Exception {
        HttpResponse<byte[]> r = get(s, "/api/jobs/" + job.get("id").asText() + "/files/" + name);
        assertEquals(200, r.statusCode());
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    static BufferedImage png(Path p) throws Exception {
        return ImageIO.read(p.toFile());
    }

    /** Same size, same pixels. */
    static void assertSamePixels(BufferedImage want, BufferedImage got, String what) {
        assertEquals(want.getWidth(), got.getWidth(), what + ": width");
        assertEquals(want.getHeight(), got.getHeight(), what + ": height");
        assertArrayEquals(want.getRGB(0, 0, want.getWidth(), want.getHeight(), null, 0, want.getWidth()),
                got.getRGB(0, 0, got.getWidth(), got.getHeight(), null, 0, got.getWidth()), what + ": pixels");
    }
}
