package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /api/jobs/{id}}: a queued job leaves the queue at once, a running one stops at its next
 * progress check, a finished one cannot be cancelled (409), a cancelled one posted again is computed
 * afresh; {@code elapsed} is the job's own computing time.
 */
class JobCancelTest {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Files.isRegularFile(TestServer.MODEL), "bundled model not present");
        s = new TestServer(ServerOptions.of(TestServer.MODEL, null, tmp.resolve("cache")).withPort(0).withLimit(2000)
                .withWorkers(1));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static TestServer.Reply delete(String id) {
        return s.send(HttpRequest.newBuilder(s.uri("/api/jobs/" + id)).timeout(Duration.ofSeconds(60)).DELETE().build());
    }

    static JsonNode waitFor(String id, String... statuses) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        JsonNode j = null;
        while (System.nanoTime() < end) {
            j = s.get("/api/jobs/" + id).json();
            for (String st : statuses) {
                if (j.get("status").asText().equals(st)) {
                    return j;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " is not " + String.join("/", statuses) + " after 60 s: " + j);
    }

    @Test
    void queuedAndRunningJobsCanBeCancelledAndPostedAgain() throws Exception {
        // one worker: the t-SNE map of 2,000 images runs, the maximization waits behind it
        String slow = s.job("embedding", "{\"method\":\"tsne\",\"n\":2000}").get("id").asText();
        waitFor(slow, "running");
        String queued = s.job("maximize", "{\"layer\":\"fc2\",\"channel\":3}").get("id").asText();
        assertEquals("queued", s.get("/api/jobs/" + queued).json().get("status").asText());

        TestServer.Reply r = delete(queued);
        assertEquals(200, r.status(), r::text);
        assertEquals("cancelled", r.json().get("status").asText(), "a queued job leaves the queue at once");
        assertTrue(r.json().get("elapsed").isNull(), "it never ran: " + r.text());

        Thread.sleep(300);
        JsonNode running = s.get("/api/jobs/" + slow).json();
        assertEquals("running", running.get("status").asText(), running::toString);
        assertTrue(running.get("elapsed").asDouble() > 0, "elapsed counts from the job's start: " + running);
        r = delete(slow);
        assertEquals(200, r.status(), r::text);
        JsonNode stopped = waitFor(slow, "cancelled", "done", "failed");
        assertEquals("cancelled", stopped.get("status").asText(), "a running job stops at its next check: " + stopped);
        assertTrue(stopped.get("elapsed").asDouble() > 0, stopped::toString);
        assertTrue(stopped.get("result").isNull(), "no result is kept for a cancelled job");

        TestServer.Reply again = delete(slow);
        assertEquals(409, again.status(), "a finished job cannot be cancelled: " + again.text());
        assertTrue(again.json().get("error").asText().contains("cancelled"), again::text);

        // posted again, the cancelled job is computed afresh and finishes
        JsonNode reposted = s.job("maximize", "{\"layer\":\"fc2\",\"channel\":3}");
        assertEquals(queued, reposted.get("id").asText(), "same parameters, same job id");
        assertNotEquals("cancelled", reposted.get("status").asText());
        JsonNode done = s.await(queued);
        assertEquals("done", done.get("status").asText(), done::toString);
        assertTrue(done.get("elapsed").asDouble() > 0, done::toString);
        assertEquals(409, delete(queued).status());
        assertEquals(404, delete("0123456789abcdef0123456789abcdef").status());
        assertEquals(400, delete("nope").status());
    }

    @Test
    void jobsWhoseCostGrowsSayItBeforeTheyStart() {
        JsonNode bigJob = s.job("embedding", "{\"method\":\"tsne\",\"n\":1800}");
        JsonNode smallJob = s.job("embedding", "{\"method\":\"tsne\",\"n\":600}");
        JsonNode statsJob = s.job("layer-stats", "{\"layer\":\"conv1\"}");
        // the estimates are all this test needs: stop the jobs, so the one worker is free for the other test
        for (JsonNode j : new JsonNode[] {bigJob, smallJob, statsJob}) {
            delete(j.get("id").asText());
        }
        JsonNode big = bigJob.get("estimate");
        JsonNode small = smallJob.get("estimate");
        assertTrue(big.get("seconds").asDouble() > small.get("seconds").asDouble(), big + " vs " + small);
        assertTrue(big.get("work").asText().contains("t-SNE of 1,800 points, 1,000 iterations")
                && big.get("work").asText().contains("a forward pass over 1,800 images"), big.toString());
        assertTrue(big.get("words").asText().matches("about \\d+ (s|min)|under a second"), big.toString());
        // the t-SNE part follows n log n per iteration plus the n^2 neighbour graph
        double tsne1800 = JobCost.tsneSeconds(1800, 1000);
        assertEquals(1000 * JobCost.TSNE_PER_NLOGN * 1800 * Math.log(1800) / Math.log(2)
                + JobCost.TSNE_PER_PAIR * 1800.0 * 1800, tsne1800, 1e-9);
        JsonNode stats = statsJob.get("estimate");
        assertTrue(stats.get("work").asText().contains("a forward pass over 2,000 images"), stats.toString());
        assertTrue(s.job("saliency", "{\"image\":\"dataset:3\"}").get("estimate").isNull(),
                "a one-image gradient needs no estimate");
        for (JsonNode j : new JsonNode[] {big, small, stats}) {
            assertTrue(j.get("seconds").asDouble() > 0, j.toString());
        }
    }
}
