package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 concurrent requests (predictions, uploads, neighbours and jobs mixed) against one server, in
 * rounds: every request is answered (no 5xx, no dropped connection), every job finishes, and memory
 * stays bounded — the heap after a full GC and the process RSS after a third round are compared with
 * those after a first (warm-up) round.
 *
 * <p>Why the bounds: the server keeps no per-request state. Each round leaves ~15 finished jobs whose
 * in-memory records are a few kilobytes (their PNGs are on disk), 5 uploads on disk, and nothing else;
 * two more rounds should therefore grow the live heap by well under a megabyte. The bound of 24 MB
 * leaves room for JIT, class loading and Jetty's pooled buffers while still catching a leak of the
 * request-sized objects (50 requests × 2 rounds × a 28×28 float image per NDArray scope leaked would
 * be small, but a leaked figure or PNG (≥ 150 KB each) would exceed it after 2 × 50 requests). The
 * RSS bound of 160 MB covers native memory that PyTorch's allocator and glibc's arenas keep for
 * reuse after a first burst, while catching leaked NDArrays (native, not on the Java heap): 100
 * leaked scopes of a saliency or occlusion run (tens of MB of intermediate tensors each) would exceed it.
 */
class LoadTest {
    static final int REQUESTS = 50;
    @TempDir
    static Path tmp;

    record Memory(long heap, long rss) {
        @Override
        public String toString() {
            return String.format("heap %.1f MB, RSS %.1f MB", heap / 1048576.0, rss / 1048576.0);
        }
    }

    static Memory measure() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return new Memory(heap, rss);
    }

    @Test
    void fiftyConcurrentRequestsKeepTheServerUpAndMemoryBounded() throws Exception {
        try (TestServer s = new TestServer(tmp.resolve("cache"), 300)) {
            round(s, 0);
            Memory warm = measure();
            round(s, 1);
            round(s, 2);
            Memory after = measure();
            System.out.println("LoadTest: after the warm-up round " + warm + "; after two more rounds of " + REQUESTS
                    + " concurrent requests " + after + " (heap " + String.format("%+.1f", (after.heap() - warm.heap())
                    / 1048576.0) + " MB, RSS " + String.format("%+.1f", (after.rss() - warm.rss()) / 1048576.0) + " MB)");
            assertTrue(after.heap() - warm.heap() < 24L << 20, "heap grew from " + warm + " to " + after);
            if (warm.rss() > 0) {
                assertTrue(after.rss() - warm.rss() < 160L << 20, "RSS grew from " + warm + " to " + after);
            }
            assertEquals(200, s.get("/api/model").status(), "still up");
            assertTrue(s.server.jobs().computed() >= 45, "the jobs really ran: " + s.server.jobs().computed());
        }
    }

    /** One round: 50 requests released at once; round r uses its own images so that jobs are computed anew. */
    private static void round(TestServer s, int r) throws Exception {
        List<Callable<String>> calls = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Random random = new Random(r);
        for (int i = 0; i < REQUESTS; i++) {
            int img = r * REQUESTS + i;
            Callable<String> c = switch (i % 10) {
                case 0, 1, 2, 3 -> () -> expect(s.get("/api/predict?image=dataset:" + img), 200);
                case 4 -> () -> {
                    BufferedImage pic = new BufferedImage(28 + random.nextInt(40), 28 + random.nextInt(40),
                            BufferedImage.TYPE_INT_RGB);
                    for (int p = 0; p < 200; p++) {
                        pic.setRGB(random.nextInt(pic.getWidth()), random.nextInt(pic.getHeight()), random.nextInt());
                    }
                    TestServer.Reply up = s.post("/api/images", TestServer.png(pic));
                    expect(up, 200);
                    return expect(s.get("/api/predict?image=upload:" + up.json().get("id").asText()), 200);
                };
                case 5 -> () -> expect(s.get("/api/neighbors?image=dataset:" + img + "&k=5"), 200);
                case 6 -> () -> job(s, "saliency", "{\"image\":\"dataset:" + img + "\"}");
                case 7 -> () -> job(s, "occlusion", "{\"image\":\"dataset:" + img + "\",\"patch\":7}");
                case 8 -> () -> job(s, "grad-cam", "{\"image\":\"dataset:" + img + "\"}");
                default -> () -> job(s, "activations", "{\"image\":\"dataset:" + img + "\",\"layer\":\"relu1\"}");
            };
            calls.add(() -> {
                go.await();
                return c.call();
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        try {
            List<Future<String>> f = new ArrayList<>();
            for (Callable<String> c : calls) {
                f.add(pool.submit(c));
            }
            go.countDown();
            for (Future<String> x : f) {
                x.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String job(TestServer s, String kind, String params) {
        JsonNode j = s.await(s.job(kind, params).get("id").asText());
        assertEquals("done", j.get("status").asText(), j.toString());
        for (JsonNode f : j.get("result").get("files")) {
            expect(s.get("/api/jobs/" + j.get("id").asText() + "/files/" + f.asText()), 200);
        }
        return j.get("id").asText();
    }

    private static String expect(TestServer.Reply r, int status) {
        assertEquals(status, r.status(), r.text());
        return r.text();
    }
}
