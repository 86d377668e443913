package netviz.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netviz.Progress;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.TinyCnn;
import netviz.onnx.OnnxWriter;

/**
 * The session's feature cache: what it returns equals a plain extraction; a second session on the
 * same model, dataset, layer and limit reads the disk entry, anything else is another entry; one
 * session computes each entry once, also for concurrent requests; a damaged entry is recomputed.
 */
class FeatureCacheTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path otherModel;

    static final FeatureExtractor.Options FIRST_150 = new FeatureExtractor.Options(64, 150);

    @BeforeAll
    static void writeModels() {
        model = dir.resolve("tiny.onnx");
        OnnxWriter.write(TinyCnn.build(2), model);
        otherModel = dir.resolve("other.onnx");
        OnnxWriter.write(TinyCnn.build(3), otherModel);
    }

    static Session session(Path m, Path cache) {
        return Session.builder(m).featureCache(cache).build();
    }

    static Features extracted(Session s, String layer, FeatureExtractor.Options o) {
        return FeatureExtractor.extract(s.forward(), s.dataset(), layer, o, Progress.NONE); // the cache's runtime
    }

    static long entries(Path cache) throws Exception {
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".npy")).count();
        }
    }

    @Test
    void aSecondSessionReadsTheDiskEntryAndOtherInputsAreOtherEntries() throws Exception {
        Path cache = dir.resolve("disk");
        Features f;
        try (Session s = session(model, cache)) {
            f = s.features().features(null, FIRST_150, Progress.NONE);
            assertFalse(f.cached());
            Features want = extracted(s, null, FIRST_150);
            assertArrayEquals(want.values(), f.values());
            assertArrayEquals(want.labels(), f.labels());
            assertEquals(want.source(), f.source());
        }
        assertEquals(1, entries(cache));
        try (Session s = session(model, cache)) {
            Features again = s.features().features("relu3", FIRST_150, Progress.NONE);
            assertTrue(again.cached());
            assertArrayEquals(f.values(), again.values());
            assertArrayEquals(f.labels(), again.labels());
            assertArrayEquals(f.indices(), again.indices());
            assertEquals(f.ids(), again.ids());
            assertEquals(f.layer(), again.layer());
            assertEquals(f.source(), again.source());
            assertEquals(f.classNames(), again.classNames());
            // another layer or limit is another entry
            assertFalse(s.features().features("fc1", FIRST_150, Progress.NONE).cached());
            assertFalse(s.features().features(null, FIRST_150.withLimit(149), Progress.NONE).cached());
        }
        try (Session other = session(otherModel, cache)) {
            Features o = other.features().features(null, FIRST_150, Progress.NONE);
            assertFalse(o.cached(), "another model is another entry");
            assertArrayEquals(extracted(other, null, FIRST_150).values(), o.values());
        }
        assertEquals(4, entries(cache));
    }

    @Test
    void oneSessionComputesEachEntryOnceAndKeepsTheRecentOnesInMemory() throws Exception {
        try (Session s = session(model, null)) {
            assertEquals(null, s.features().dir());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Features> a = pool.submit(() -> s.features().features(null, FIRST_150, Progress.NONE));
                Future<Features> b = pool.submit(() -> s.features().features("relu3", FIRST_150, Progress.NONE));
                assertSame(a.get(), b.get(), "concurrent requests share one computation");
            } finally {
                pool.shutdown();
            }
            Features first = s.features().features(null, FIRST_150, Progress.NONE);
            assertFalse(first.cached(), "in memory only: nothing came from disk");
            Features pixels = s.features().pixels(FIRST_150, Progress.NONE);
            assertSame(pixels, s.features().pixels(FIRST_150, Progress.NONE));
            assertArrayEquals(s.dataset().get(149).images(), pixels.row(149));
            s.features().features("fc1", FIRST_150, Progress.NONE);
            assertSame(first, s.features().features(null, FIRST_150, Progress.NONE), "used recently, still kept");
            s.features().features(null, FIRST_150.withLimit(20), Progress.NONE);
            s.features().features(null, FIRST_150.withLimit(30), Progress.NONE);
            s.features().features(null, FIRST_150.withLimit(40), Progress.NONE);
            Features again = s.features().features(null, FIRST_150, Progress.NONE);
            assertNotSame(first, again, "only the " + FeatureCache.MEMORY_ENTRIES + " most recent entries are kept");
            assertArrayEquals(first.values(), again.values());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("features-")).toList(),
                    "a cache without a folder writes nothing");
        }
    }

    @Test
    void aDamagedEntryIsRecomputed() throws Exception {
        Path cache = dir.resolve("damaged");
        FeatureExtractor.Options o = new FeatureExtractor.Options(50, 60);
        Features f;
        try (Session s = session(model, cache)) {
            f = s.features().features(null, o, Progress.NONE);
        }
        try (Stream<Path> files = Files.list(cache)) {
            for (Path p : files.toList()) {
                Files.writeString(p, "not what was written");
            }
        }
        try (Session s = session(model, cache)) {
            Features again = s.features().features(null, o, Progress.NONE);
            assertFalse(again.cached());
            assertArrayEquals(f.values(), again.values());
        }
        try (Session s = session(model, cache)) {
            assertTrue(s.features().features(null, o, Progress.NONE).cached(), "the recomputed entry replaced the damaged one");
        }
    }
}
