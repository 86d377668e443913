package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import netviz.methods.evaluation.Classifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several browser tabs at once: different jobs in parallel, the same job from many tabs, a full queue. */
class ConcurrencyTest {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(tmp.resolve("cache"), 200);
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static int predicted(int index) {
        ModelSession m = s.session();
        try (NDManager scope = m.interpreter().newScope()) {
            return new Classifier(m.interpreter()).predict(scope, m.datasetImage(index).toNDArray(scope)).argmax(0);
        }
    }

    @Test
    void eightTabsPostDifferentJobsAndPollAtOnce() throws Exception {
        List<String[]> jobs = List.of(
                new String[] {"saliency", "{\"image\":\"dataset:20\"}"},
                new String[] {"grad-cam", "{\"image\":\"dataset:21\"}"},
                new String[] {"integrated-gradients", "{\"image\":\"dataset:22\"}"},
                new String[] {"smoothgrad", "{\"image\":\"dataset:23\"}"},
                new String[] {"guided-backprop", "{\"image\":\"dataset:24\"}"},
                new String[] {"occlusion", "{\"image\":\"dataset:25\"}"},
                new String[] {"activations", "{\"image\":\"dataset:26\",\"layer\":\"relu2\"}"},
                new String[] {"top-images", "{\"layer\":\"relu1\",\"channel\":3,\"k\":4}"});
        ExecutorService tabs = Executors.newFixedThreadPool(jobs.size());
        try {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (String[] j : jobs) {
                results.add(tabs.submit(() -> {
                    String id = s.job(j[0], j[1]).get("id").asText();
                    // a tab also asks for other things while it waits
                    assertEquals(200, s.get("/api/model").status());
                    assertEquals(200, s.get("/api/predict?image=dataset:5").status());
                    return s.await(id);
                }));
            }
            for (int i = 0; i < jobs.size(); i++) {
                JsonNode j = results.get(i).get();
                assertEquals("done", j.get("status").asText(), j.toString());
                assertEquals(jobs.get(i)[0], j.get("kind").asText());
                if (i <= 5) {
                    assertEquals(predicted(20 + i), j.get("result").get("target").asInt(), jobs.get(i)[0]);
                }
                for (JsonNode f : j.get("result").get("files")) {
                    TestServer.Reply png = s.get("/api/jobs/" + j.get("id").asText() + "/files/" + f.asText());
                    assertEquals(200, png.status());
                    assertTrue(png.png().getWidth() > 20);
                }
            }
            assertEquals(4, results.get(7).get().get("result").get("images").size());
        } finally {
            tabs.shutdownNow();
        }
    }

    @Test
    void theSameJobFromManyTabsIsComputedOnce() throws Exception {
        int before = s.server.jobs().computed();
        ExecutorService tabs = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> posts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                posts.add(() -> s.job("occlusion", "{\"image\":\"dataset:40\",\"patch\":3}").get("id").asText());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : tabs.invokeAll(posts)) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), "one job for the eight tabs");
            assertEquals("done", s.await(ids.iterator().next()).get("status").asText());
            assertEquals(before + 1, s.server.jobs().computed(), "computed once");
        } finally {
            tabs.shutdownNow();
        }
    }

    @Test
    void aFullQueueAnswers503AndRecovers() {
        try (TestServer small = new TestServer(ServerOptions.of(TestServer.MODEL, null, tmp.resolve("small"))
                .withPort(0).withLimit(50).withWorkers(1).withQueue(1))) {
            List<String> accepted = new ArrayList<>();
            JsonNode busy = null;
            for (int c = 0; c < 6 && busy == null; c++) {
                TestServer.Reply r = small.postJson("/api/jobs",
                        "{\"kind\":\"maximize\",\"params\":{\"layer\":\"conv2\",\"channel\":" + c + "}}");
                if (r.status() == 202) {
                    accepted.add(r.json().get("id").asText());
                } else {
                    assertEquals(503, r.status(), r.text());
                    busy = r.json();
                }
            }
            assertTrue(busy != null, "one worker and a queue of one cannot take six maximizations at once");
            assertTrue(busy.get("error").asText().contains("busy"), busy.toString());
            for (String id : accepted) {
                assertEquals("done", small.await(id).get("status").asText());
            }
            assertEquals(202, small.postJson("/api/jobs", "{\"kind\":\"saliency\",\"params\":{\"image\":\"dataset:1\"}}")
                    .status(), "accepts jobs again once the queue has room");
        }
    }
}
