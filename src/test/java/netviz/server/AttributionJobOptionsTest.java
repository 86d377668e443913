package netviz.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netviz.Progress;
import netviz.cli.Main;
import netviz.engine.Tensor;
import netviz.figures.AttributionFigure;
import netviz.figures.RawArray;
import netviz.io.Npy;
import netviz.methods.attribution.NoiseTunnel;
import netviz.render.Png;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution jobs' own options (SmoothGrad's samples and noise level, Integrated Gradients'
 * steps and baseline): checked with one-line 400s, canonical, part of the cache key while a default
 * job keeps its id; and the raw attributions every attribution job offers as a {@code .npy} download,
 * equal to the recipe's array for the same options and to the command line's {@code --raw} file.
 */
class AttributionJobOptionsTest {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(tmp.resolve("cache"), 50);
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    /** Posts a job that must be refused with 400; returns its one-line error. */
    static String refused(String kind, String params) {
        TestServer.Reply r = s.postJson("/api/jobs", "{\"kind\":\"" + kind + "\",\"params\":" + params + "}");
        assertEquals(400, r.status(), kind + " " + params + ": " + r.text());
        String error = r.json().get("error").asText();
        assertFalse(error.contains("\n"), "one line: " + error);
        return error;
    }

    @Test
    void badOptionsAreRefusedWithOneLineNamingTheParameter() {
        String[][] cases = {
            {"smoothgrad", "{\"image\":\"dataset:1\",\"samples\":0}", "samples", "between 1 and 1000"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"samples\":1001}", "samples", "between 1 and 1000"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"samples\":\"many\"}", "samples", "whole number"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"noise\":-0.1}", "noise", "from 0 to 1"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"noise\":1.5}", "noise", "from 0 to 1"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"noise\":\"NaN\"}", "noise", "from 0 to 1"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"noise\":\"loud\"}", "noise", "'loud'"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"steps\":0}", "steps", "between 1 and 1000"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"steps\":2.5}", "steps", "whole number"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"baseline\":\"noise\"}", "baseline",
                "zero, black, white, mean, blur or blur:SIGMA"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"baseline\":\"blur:0\"}", "baseline", "above 0"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"baseline\":\"blur:wide\"}", "baseline", "blur:wide"},
            {"saliency", "{\"image\":\"dataset:1\",\"samples\":10}", "samples", "accepts: image, target"},
            {"smoothgrad", "{\"image\":\"dataset:1\",\"steps\":10}", "steps", "noise, samples, target"},
            {"integrated-gradients", "{\"image\":\"dataset:1\",\"noise\":0.2}", "noise", "baseline, image, steps"},
        };
        for (String[] c : cases) {
            String error = refused(c[0], c[1]);
            assertTrue(error.contains(c[2]) && error.contains(c[3]), c[1] + " → " + error);
        }
        TestServer.Reply r = s.postJson("/api/jobs",
                "{\"kind\":\"integrated-gradients\",\"params\":{\"image\":\"dataset:1\",\"baseline\":\"blurr\"}}");
        assertEquals("blur", r.json().get("suggestions").get(0).asText(), r.text());
    }

    @Test
    void theOptionsAreCanonicalAndPartOfTheCacheKey() {
        // a default job's canonical parameters are what they were before these options existed, so its id stays
        JsonNode plain = s.job("smoothgrad", "{\"image\":\"dataset:2\"}");
        assertEquals("{\"image\":\"dataset:2\"}", plain.get("params").toString());
        JsonNode explicit = s.job("smoothgrad", "{\"image\":\"dataset:2\",\"samples\":\"50\",\"noise\":0.150}");
        assertEquals(plain.get("id").asText(), explicit.get("id").asText(), "the defaults spelt out are the default job");
        JsonNode fewer = s.job("smoothgrad", "{\"image\":\"dataset:2\",\"samples\":5,\"noise\":\"0.10\"}");
        assertEquals("{\"image\":\"dataset:2\",\"noise\":0.1,\"samples\":5}", fewer.get("params").toString());
        assertNotEquals(plain.get("id").asText(), fewer.get("id").asText());
        JsonNode noisier = s.job("smoothgrad", "{\"image\":\"dataset:2\",\"samples\":5,\"noise\":0.2}");
        assertNotEquals(fewer.get("id").asText(), noisier.get("id").asText(), "the noise level is in the key");

        JsonNode ig = s.job("integrated-gradients", "{\"image\":\"dataset:2\",\"steps\":50,\"baseline\":\" Zero \"}");
        assertEquals("{\"image\":\"dataset:2\"}", ig.get("params").toString());
        JsonNode blur = s.job("integrated-gradients", "{\"image\":\"dataset:2\",\"steps\":8,\"baseline\":\"BLUR\"}");
        assertEquals("{\"baseline\":\"blur\",\"image\":\"dataset:2\",\"steps\":8}", blur.get("params").toString());
        JsonNode sigma = s.job("integrated-gradients", "{\"image\":\"dataset:2\",\"steps\":8,\"baseline\":\"blur:2\"}");
        assertEquals("blur:2.0", sigma.get("params").get("baseline").asText());
        JsonNode black = s.job("integrated-gradients", "{\"image\":\"dataset:2\",\"steps\":8,\"baseline\":\"black\"}");
        List<String> ids = List.of(ig.get("id").asText(), blur.get("id").asText(), sigma.get("id").asText(),
                black.get("id").asText());
        assertEquals(4, ids.stream().distinct().count(), "each baseline and step count is its own job: " + ids);
    }

    @Test
    void theOptionsReachTheRecipeAndTheRawArrayIsServedAsNpy() throws Exception {
        JsonNode j = s.run("integrated-gradients", "{\"image\":\"dataset:5\",\"target\":2,\"steps\":8,\"baseline\":\"blur\"}");
        JsonNode r = j.get("result");
        assertEquals("[\"overlay.png\",\"map.png\"]", r.get("files").toString(), "the pictures as before");
        assertEquals("[\"attributions.npy\"]", String.valueOf(r.get("arrays")), j.toString());
        assertEquals(8, r.get("steps").asInt());
        assertEquals("blur", r.get("baseline").asText());
        HttpResponse<byte[]> npy = download(j, "attributions.npy");
        assertEquals(200, npy.statusCode());
        assertEquals("application/octet-stream", npy.headers().firstValue("content-type").orElse(""));
        assertEquals("attachment; filename=\"integrated-gradients-dataset-5-class-2-attributions.npy\"",
                npy.headers().firstValue("content-disposition").orElse(""));

        AttributionFigure.Options o = AttributionFigure.Options.of(AttributionFigure.Method.INTEGRATED_GRADIENTS)
                .withTarget("2").withSteps(8).withBaseline("blur");
        RawArray want = recipe(5, o);
        Tensor got = Npy.fromBytes(npy.body(), "attributions.npy");
        assertEquals(Tensor.ElementType.FLOAT, got.type());
        assertArrayEquals(new long[] {1, 28, 28}, got.shape(), "(C, H, W): the batch axis dropped as by --raw");
        assertArrayEquals(want.values(), got.toFloatArray(), "the recipe's raw attributions, bit for bit");
        double sum = 0;
        for (float v : got.toFloatArray()) {
            sum += v;
        }
        assertEquals(r.get("score").asDouble() - r.get("baselineScore").asDouble(), sum,
                Math.abs(r.get("completenessGap").asDouble()) + 1e-4, "completeness holds for the file's numbers");

        JsonNode zero = s.run("integrated-gradients", "{\"image\":\"dataset:5\",\"target\":2,\"steps\":8}");
        assertNotEquals(r.get("baselineScore").asDouble(), zero.get("result").get("baselineScore").asDouble(),
                "the blurred image is a different start than zeros");

        JsonNode sg = s.run("smoothgrad", "{\"image\":\"dataset:5\",\"samples\":4,\"noise\":0.3}");
        assertEquals(4, sg.get("result").get("samples").asInt());
        assertEquals(0.3, sg.get("result").get("noise").asDouble());
        Tensor smooth = Npy.fromBytes(download(sg, "attributions.npy").body(), "smoothgrad");
        RawArray wantSmooth = recipe(5, AttributionFigure.Options.of(AttributionFigure.Method.SMOOTHGRAD)
                .withSmooth(NoiseTunnel.Options.defaults().withSamples(4).withNoise(0.3)));
        assertArrayEquals(new long[] {28, 28}, smooth.shape(), "max_c |dS/dx| per pixel");
        assertArrayEquals(wantSmooth.values(), smooth.toFloatArray());
    }

    @Test
    void theDownloadIsTheCommandLinesRawFileAndSurvivesARestart() throws Exception {
        Path image = Png.write(s.session().datasetImage(7).picture(), tmp.resolve("seven.png"));
        Path raw = tmp.resolve("saliency.npy");
        List<String> args = new ArrayList<>(List.of("saliency", "--model", TestServer.MODEL.toString(), "--image",
                image.toString(), "--out", tmp.resolve("saliency.png").toString(), "--raw", raw.toString(), "--target", "4"));
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new)),
                err::toString);
        JsonNode j = s.run("saliency", "{\"image\":\"dataset:7\",\"target\":\"4\"}");
        assertArrayEquals(Files.readAllBytes(raw), download(j, "attributions.npy").body(), "netviz saliency --raw's file");

        try (TestServer again = new TestServer(tmp.resolve("cache"), 50)) {
            JsonNode cached = again.get("/api/jobs/" + j.get("id").asText()).json();
            assertEquals("[\"attributions.npy\"]", cached.get("result").get("arrays").toString());
            TestServer.Reply r = again.get("/api/jobs/" + j.get("id").asText() + "/files/attributions.npy");
            assertEquals(200, r.status());
            assertArrayEquals(Files.readAllBytes(raw), r.body(), "the cached job serves the same bytes");
        }
        assertEquals(404, s.get("/api/jobs/" + j.get("id").asText() + "/files/other.npy").status());
        assertEquals(404, s.get("/api/jobs/" + j.get("id").asText() + "/files/result.json").status());
    }

    static HttpResponse<byte[]> download(JsonNode job, String name) throws Exception {
        return s.http.send(HttpRequest.newBuilder(s.uri("/api/jobs/" + job.get("id").asText() + "/files/" + name))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static RawArray recipe(int index, AttributionFigure.Options o) {
        ModelSession.Picture pic = s.session().datasetImage(index);
        return AttributionJob.single(AttributionFigure.panels(s.session().session(), AbstractJobKind.picture(pic), o,
                Progress.NONE).arrays().get(AttributionFigure.RAW));
    }
}
