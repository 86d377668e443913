package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import netviz.cli.ServeCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives 400/404/413 with a readable message; no request reaches a file outside the app's folders. */
class SecurityTest {
    static final String SECRET = "TOPSECRET-netviz-test";
    @TempDir
    static Path tmp;
    static TestServer s;
    static String jobId;
    static String uploadId;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(tmp.resolve("secret.png"), SECRET);
        s = new TestServer(tmp.resolve("cache"), 100);
        jobId = s.run("saliency", "{\"image\":\"dataset:0\"}").get("id").asText();
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        uploadId = s.post("/api/images", TestServer.png(img)).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static JsonNode error(TestServer.Reply r, int status) {
        assertEquals(status, r.status(), r.text());
        assertTrue(r.type().startsWith("application/json"), r.type());
        JsonNode j = r.json();
        assertTrue(j.get("error").isTextual() && !j.get("error").asText().isBlank(), r.text());
        assertFalse(j.get("error").asText().contains("\n"), "one line");
        assertTrue(j.get("suggestions").isArray(), r.text());
        return j;
    }

    static List<String> suggestions(JsonNode j) {
        List<String> l = new ArrayList<>();
        j.get("suggestions").forEach(x -> l.add(x.asText()));
        return l;
    }

    static TestServer.Reply postJob(String json) {
        return s.postJson("/api/jobs", json);
    }

    @Test
    void unknownLayerGivesCloseMatches() {
        JsonNode j = error(s.get("/api/layers/conv9"), 400);
        assertTrue(suggestions(j).contains("conv1") && suggestions(j).contains("conv2"), j.toString());
        assertTrue(j.get("error").asText().contains("conv9"));
        j = error(postJob("{\"kind\":\"activations\",\"params\":{\"image\":\"dataset:1\",\"layer\":\"relu9\"}}"), 400);
        assertTrue(suggestions(j).contains("relu1"), j.toString());
        error(s.get("/api/layers/input"), 400);
        JsonNode f = error(s.get("/api/layers/relu1/filters.png"), 400);
        assertTrue(f.get("error").asText().contains("conv1"), "names the convolutions: " + f);
        error(s.get("/api/neighbors?image=dataset:1&layer=reluu3"), 400);
    }

    @Test
    void unknownClassKindOrParameterGivesCloseMatches() {
        JsonNode j = error(postJob("{\"kind\":\"saliency\",\"params\":{\"image\":\"dataset:1\",\"target\":\"Trowser\"}}"), 400);
        assertTrue(suggestions(j).contains("Trouser"), j.toString());
        error(postJob("{\"kind\":\"saliency\",\"params\":{\"image\":\"dataset:1\",\"target\":12}}"), 400);
        j = error(postJob("{\"kind\":\"salency\",\"params\":{\"image\":\"dataset:1\"}}"), 400);
        assertTrue(suggestions(j).contains("saliency"), j.toString());
        j = error(postJob("{\"kind\":\"occlusion\",\"params\":{\"image\":\"dataset:1\",\"patchsize\":3}}"), 400);
        assertTrue(suggestions(j).contains("patch"), j.toString());
        error(postJob("{\"kind\":\"occlusion\",\"params\":{\"image\":\"dataset:1\",\"patch\":0}}"), 400);
        error(postJob("{\"kind\":\"occlusion\",\"params\":{\"image\":\"dataset:1\",\"patch\":\"big\"}}"), 400);
        error(postJob("{\"kind\":\"top-images\",\"params\":{\"layer\":\"relu2\",\"channel\":64}}"), 400);
        error(postJob("{\"kind\":\"top-images\",\"params\":{\"layer\":\"relu2\"}}"), 400);
        error(postJob("{\"kind\":\"maximize\",\"params\":{\"layer\":\"relu2\",\"channel\":1,\"preset\":\"x\"}}"), 400);
        error(postJob("{\"kind\":\"embedding\",\"params\":{\"method\":\"umap\"}}"), 400);
        error(postJob("{\"kind\":\"saliency\",\"params\":[1,2]}"), 400);
        error(postJob("not json"), 400);
        error(postJob("{\"params\":{}}"), 400);
        error(s.post("/api/jobs", new byte[70_000]), 413);
    }

    @Test
    void badImageReferences() {
        error(s.get("/api/predict"), 400);
        error(s.get("/api/predict?image=dataset:100"), 404);
        error(s.get("/api/predict?image=dataset:-1"), 400);
        error(s.get("/api/predict?image=dataset:1&top=0"), 400);
        error(s.get("/api/predict?image=dataset:1&top=many"), 400);
        error(s.get("/api/predict?image=upload:abc"), 400);
        error(s.get("/api/predict?image=upload:" + "0".repeat(64)), 404);
        error(s.get("/api/predict?image=photo.png"), 400);
        error(s.get("/api/dataset/100.png"), 404);
        error(s.get("/api/dataset/x.png"), 404);
        error(s.get("/api/dataset?limit=5000"), 400);
        error(s.get("/api/images/" + "0".repeat(64) + ".png"), 404);
        error(s.get("/api/jobs/" + "0".repeat(32)), 404);
        error(s.get("/api/jobs/xyz"), 400);
        error(s.get("/api/nothing"), 404);
        error(postJob("{\"kind\":\"saliency\",\"params\":{\"image\":\"dataset:100\"}}"), 404);
        error(postJob("{\"kind\":\"saliency\",\"params\":{}}"), 400);
    }

    @Test
    void uploadsAreImagesOnlyAndCapped() throws IOException {
        JsonNode j = error(s.post("/api/images", "hello, I am text".getBytes(StandardCharsets.UTF_8)), 400);
        assertTrue(j.get("error").asText().contains("PNG, JPEG, BMP or GIF"), j.toString());
        error(s.post("/api/images", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8)), 400);
        error(s.post("/api/images", new byte[0]), 400);
        byte[] png = TestServer.png(new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB));
        error(s.post("/api/images", java.util.Arrays.copyOf(png, png.length / 2)), 400);

        byte[] big = new byte[6 * 1024 * 1024];
        System.arraycopy(png, 0, big, 0, png.length);
        j = error(postTooLarge(big), 413);
        assertTrue(j.get("error").asText().contains("5242880"), j.toString());

        BufferedImage huge = new BufferedImage(5000, 4000, BufferedImage.TYPE_BYTE_GRAY);
        j = error(s.post("/api/images", TestServer.png(huge)), 400);
        assertTrue(j.get("error").asText().contains("5000x4000"), j.toString());
        try (Stream<Path> files = Files.list(tmp.resolve("cache").resolve("uploads"))) {
            assertEquals(List.of(uploadId + ".png"), files.map(p -> p.getFileName().toString()).toList(),
                    "nothing but the one good upload was stored");
        }
    }

    @Test
    void pathTraversalReadsNothingOutsideTheApp() throws IOException {
        TreeSet<String> before = tree(tmp);
        List<String> attempts = List.of(
                "/api/images/..%2F..%2Fsecret.png",
                "/api/images/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "/api/images/%2e%2e%2f%2e%2e%2fsecret.png",
                "/api/images/../../secret.png",
                "/api/images/" + tmp.resolve("secret.png").toString().replace("/", "%2F"),
                "/api/dataset/..%2F..%2F..%2Fetc%2Fpasswd",
                "/api/jobs/..%2F..%2Fsecret.txt",
                "/api/jobs/" + jobId + "/files/result.json",
                "/api/jobs/" + jobId + "/files/..%2F..%2F..%2Fsecret.png",
                "/api/jobs/" + jobId + "/files/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.png",
                "/api/jobs/" + jobId + "/files/../../../secret.png",
                "/api/jobs/" + jobId + "/files/%2Fetc%2Fpasswd",
                "/../../../../../../etc/passwd",
                "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "/webjars/../../../../../etc/passwd",
                "/webjars/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "/webjars/echarts/5.3.1/../../../../../../etc/passwd",
                "/netviz/web/../../../../etc/passwd",
                "/api/predict?image=upload:..%2F..%2Fsecret",
                "/api/predict?image=upload:../../../../etc/passwd",
                "/api/predict?image=%2Fetc%2Fpasswd",
                "/api/predict?image=file:" + tmp.resolve("secret.png"),
                "/api/predict?image=dataset:..%2F1",
                "/api/neighbors?image=dataset:1&layer=..%2F..%2Fetc%2Fpasswd",
                "/api/layers/..%2F..%2Fetc%2Fpasswd",
                "/api/layers/%2Fetc%2Fpasswd/filters.png");
        for (String a : attempts) {
            TestServer.Reply r = s.get(a);
            assertNotEquals(200, r.status(), a + " → " + r.text());
            assertTrue(r.status() >= 400 && r.status() < 500, a + " → " + r.status() + " " + r.text());
            assertFalse(r.text().contains(SECRET), a);
            assertFalse(r.text().contains("root:x:0:0"), a);
        }
        for (String p : List.of("{\"image\":\"upload:../../secret\"}", "{\"image\":\"" + tmp.resolve("secret.png") + "\"}",
                "{\"image\":\"dataset:1\",\"layer\":\"../../../etc/passwd\"}")) {
            TestServer.Reply r = postJob("{\"kind\":\"grad-cam\",\"params\":" + p + "}");
            assertTrue(r.status() == 400, p + " → " + r.status() + " " + r.text());
        }
        TreeSet<String> after = tree(tmp);
        after.removeIf(f -> f.startsWith("cache/"));
        before.removeIf(f -> f.startsWith("cache/"));
        assertEquals(before, after, "nothing written outside the cache folder");
        assertEquals(SECRET, Files.readString(tmp.resolve("secret.txt")));
    }

    @Test
    void featureMatricesTooLargeForMemoryAreRefused() {
        try (TestServer all = new TestServer(tmp.resolve("cache-all"), 0)) {
            assertEquals(10_000, all.session().size());
            JsonNode j = error(all.get("/api/neighbors?image=dataset:1&layer=conv1"), 400);
            assertTrue(j.get("error").asText().contains("25088 values per image"), j.toString());
            error(all.postJson("/api/jobs", "{\"kind\":\"embedding\",\"params\":{\"layer\":\"relu1\"}}"), 400);
        }
    }

    @Test
    void localOnlyByDefault() throws IOException {
        ServerOptions o = ServerOptions.of(TestServer.MODEL, null, tmp);
        assertEquals("127.0.0.1", o.host());
        assertTrue(o.isLocal());
        assertNull(ServeCommand.hostWarning(o));
        String w = ServeCommand.hostWarning(o.withHost("0.0.0.0"));
        assertTrue(w != null && w.contains("warning") && w.contains("0.0.0.0"), w);
        assertEquals("127.0.0.1", s.server.uri().getHost());
        InetAddress other = null;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    other = a;
                }
            }
        }
        if (other != null) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(other, s.server.port()), 2000);
                throw new AssertionError("the server answers on " + other + ", not only on 127.0.0.1");
            } catch (IOException expected) {
                // refused: it listens on the loopback interface only
            }
        }
    }

    private static TreeSet<String> tree(Path root) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
        }
        return out;
    }

    /**
     * Posts an upload over the limit. The server answers 413 as soon as it sees the size and closes the
     * connection; on a loaded machine that can happen while the client is still sending, and the client
     * then sees the connection closed instead of the answer. Such a race is retried (at most three
     * times); any answer other than 413 still fails the test.
     */
    private static TestServer.Reply postTooLarge(byte[] body) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return s.post("/api/images", body);
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
