package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import netviz.NonFiniteModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app on a model whose class scores are NaN (the bundled classifier with
 * {@code Sqrt(fc2 - 1000)} spliced in): it starts, a job whose result is not finite fails with the
 * one-line message naming the method and the step (what the page shows), no picture is served, and
 * the synchronous prediction answers 422 with that line.
 */
class NonFiniteJobsTest {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() throws IOException {
        Path model = NonFiniteModels.nanLogits(tmp.resolve("models"));
        s = new TestServer(ServerOptions.of(model, null, tmp.resolve("cache")).withPort(0).withLimit(20));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    private static String failed(String kind, String params) {
        JsonNode j = s.await(s.job(kind, params).get("id").asText());
        assertEquals("failed", j.get("status").asText(), j::toString);
        String error = j.get("error").asText();
        assertTrue(!error.contains("\n") && !error.contains("\tat ") && !error.startsWith("internal error"), error);
        assertTrue(error.contains("; the model overflows or divides by zero on this input"), error);
        assertEquals(404, s.get("/api/jobs/" + j.get("id").asText() + "/files/map.png").status(), "no picture");
        assertEquals(404, s.get("/api/jobs/" + j.get("id").asText() + "/files/overlay.png").status(), "no picture");
        return error;
    }

    @Test
    void attributionJobsFailNamingTheMethodAndTheStep() {
        String e = failed("saliency", "{\"image\":\"dataset:0\",\"target\":3}");
        assertTrue(e.startsWith("saliency of class 3 ('fc2_nan'): the class score in the forward pass is NaN"), e);
        e = failed("integrated-gradients", "{\"image\":\"dataset:0\",\"target\":3}");
        assertTrue(e.startsWith("integrated gradients of class 3 ('fc2_nan'): the class score of the input is NaN for image 0"), e);
        e = failed("occlusion", "{\"image\":\"dataset:0\",\"target\":3,\"patch\":14,\"stride\":14}");
        assertTrue(e.startsWith("occlusion of class 3 ('fc2_nan'): the probability on the intact image is NaN for image 0"), e);
    }

    @Test
    void maximizationJobFailsAtItsFirstStep() {
        String e = failed("maximize", "{\"layer\":\"fc2_nan\",\"channel\":3}");
        assertTrue(e.startsWith("activation maximization of 'fc2_nan' unit 3 became non-finite at step 1 of "), e);
    }

    @Test
    void predictionAnswers422WithTheLine() {
        TestServer.Reply r = s.get("/api/predict?image=dataset:0");
        assertEquals(422, r.status(), r.text());
        String e = r.json().get("error").asText();
        assertTrue(e.startsWith("the model's output 'softmax' is not finite (NaN at index [0, 0]; 10 of 10 values)"), e);
        assertEquals(200, s.get("/api/model").status(), "the model page still works");
    }
}
