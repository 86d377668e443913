package netviz.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * For tests outside this package: a server on the bundled model that answers GETs with PNGs and
 * runs jobs to their first PNG, so that a test can compare the web app's pictures with the other
 * surfaces'.
 */
public final class ServerFixture implements AutoCloseable {
    private final TestServer server;

    /** A server on the bundled model over the first {@code limit} images of the bundled test split. */
    public ServerFixture(Path cache, int limit) {
        server = new TestServer(cache, limit);
    }

    /** The PNG answered to {@code GET pathAndQuery}. */
    public BufferedImage png(String pathAndQuery) {
        TestServer.Reply r = server.get(pathAndQuery);
        if (r.status() != 200) {
            throw new AssertionError(pathAndQuery + " → " + r.status() + " " + r.text());
        }
        return r.png();
    }

    /** Runs job {@code kind} with {@code params} (JSON) and returns its result file {@code file} as a picture. */
    public BufferedImage jobPng(String kind, String params, String file) {
        JsonNode j = server.run(kind, params);
        return png("/api/jobs/" + j.get("id").asText() + "/files/" + file);
    }

    /** The finished job's JSON. */
    public JsonNode job(String kind, String params) {
        return server.run(kind, params);
    }

    @Override
    public void close() {
        server.close();
    }
}
