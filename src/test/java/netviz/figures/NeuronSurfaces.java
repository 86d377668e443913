package netviz.figures;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import netviz.cli.Main;
import netviz.server.NetvizServer;

/** The neuron figures' surfaces driven in this process: the command line, a web-app job, the report's captions. */
final class NeuronSurfaces {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NeuronSurfaces() {
    }

    /** Runs {@code netviz args…} in this process; fails with its output unless it exits 0; returns stdout. */
    static String cli(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, () -> String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }

    /** The caption commands of the report's figures, in order, each as (figure file, argv without "netviz"). */
    static List<String[]> captions(Path indexHtml) throws Exception {
        String html = Files.readString(indexHtml);
        Matcher m = Pattern.compile("<img src=\"(figures/[^\"]+)\"[^>]*>.*?Reproduce: <code>([^<]+)</code>", Pattern.DOTALL)
                .matcher(html);
        List<String[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2).replace("&quot;", "\"").replace("&amp;", "&")});
        }
        return out;
    }

    /** Runs a job of {@code kind} on {@code s} and returns its finished JSON. */
    static JsonNode job(NetvizServer s, String kind, String params) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri(s, "/api/jobs")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"" + kind + "\",\"params\":" + params + "}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(202, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        String id = JSON.readTree(r.body()).get("id").asText();
        for (long end = System.nanoTime() + 300_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
            JsonNode j = JSON.readTree(http.send(HttpRequest.newBuilder(uri(s, "/api/jobs/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            if (j.get("status").asText().equals("done")) {
                return j;
            }
            if (j.get("status").asText().equals("failed")) {
                throw new AssertionError(kind + " " + params + " failed: " + j);
            }
        }
        throw new AssertionError("job " + kind + " did not finish in 300 s");
    }

    /** A PNG of a finished job. */
    static BufferedImage file(NetvizServer s, JsonNode job, String name) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                uri(s, "/api/jobs/" + job.get("id").asText() + "/files/" + name)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    private static URI uri(NetvizServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    static BufferedImage png(Path p) throws Exception {
        return ImageIO.read(p.toFile());
    }
}
