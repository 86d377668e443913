package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.image.FloatImage;
import netviz.methods.activations.DeadFilters;
import netviz.methods.evaluation.Evaluation;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.neurons.TopImages;
import netviz.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One scan of the bundled model over the first 2,000 images of the bundled test split, written and
 * read back, checked against the methods that compute each table on their own: {@link TopImages},
 * {@link DeadFilters}, {@link FeatureExtractor} and {@link Evaluation}, with the same runtime and
 * batches.
 */
class ScannerTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final int N = 2000;
    static final int B = 64;

    static Path dir;
    static Session session;
    static Scanner scanner;
    static ScanManifest manifest;
    static ScanReader reader;

    @BeforeAll
    static void scan() throws Exception {
        dir = Files.createTempDirectory("netviz-scan-test");
        session = Session.open(MODEL);
        try (ScanInputs inputs = ScanInputs.open(null)) {
            ScanPlan plan = ScanPlan.resolve(session.forward(), session.preprocessing(), "fashion-mnist-cnn.onnx",
                    session.modelHash(), inputs.description(), inputs.classNames(), inputs.labeled(),
                    ScanPlan.Options.defaults().withBatchSize(B));
            scanner = new Scanner(session.forward(), session.preprocessing(), plan);
            manifest = scanner.scanTo(dir.resolve("scan"), first(inputs, N), N, null);
        }
        reader = ScanReader.open(dir.resolve("scan"), session.modelHash());
    }

    @AfterAll
    static void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static <T> Iterator<T> first(Iterator<T> it, int n) {
        return new Iterator<>() {
            int taken;

            @Override
            public boolean hasNext() {
                return taken < n && it.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                taken++;
                return it.next();
            }
        };
    }

    @Test
    void manifestDescribesThePlan() {
        assertEquals(ScanPlan.FORMAT, manifest.format());
        assertEquals(N, manifest.images());
        assertEquals(0, manifest.failed());
        assertEquals(List.of("relu1", "relu2"), manifest.layers());
        assertEquals("relu3", manifest.featureLayer());
        assertEquals(128, manifest.featureDim());
        assertEquals(session.modelHash(), reader.manifest().modelSha256());
        assertEquals(manifest, reader.manifest());
    }

    @Test
    void planAggregateAndInputsTravelSerialised() throws Exception {
        ScanPlan plan = (ScanPlan) ScanAggregateTest.copy(scanner.plan());
        assertEquals(scanner.plan().layers(), plan.layers());
        assertArrayEquals(scanner.plan().channels(), plan.channels());
        assertArrayEquals(scanner.plan().inputShape(), plan.inputShape());
        assertEquals(scanner.aggregate(), ScanAggregateTest.copy(scanner.aggregate()));
        try (ScanInputs inputs = ScanInputs.open(null)) {
            ScanInput in = inputs.next();
            assertEquals(in.pixels(), ((ScanInput) ScanAggregateTest.copy(in)).pixels());
        }
    }

    @Test
    void topImagesEqualTopImagesOfTheSameLayers() {
        Dataset data = session.dataset();
        for (String layer : manifest.layers()) {
            TopImages oracle = new TopImages(session.forward(), layer, null, 9);
            try (Batches batches = data.batches(B, 0, N)) {
                for (Batch b : batches) {
                    oracle.add(b.images(), b.shape(), b.indices());
                }
            }
            int[] channels = oracle.channels();
            assertTrue(channels.length > 0);
            for (int ch : channels) {
                assertEquals(oracle.topOfChannel(ch), reader.top(layer, ch), layer + " channel " + ch);
                List<ScanHit> hits = reader.topHits(layer, ch);
                for (ScanHit h : hits) {
                    assertTrue(h.id().startsWith("t10k-images-idx3-ubyte") && h.id().endsWith("#" + h.index()), h.id());
                }
            }
        }
    }

    @Test
    void channelStatisticsEqualDeadFilters() {
        DeadFilters.Accumulator acc = new DeadFilters.Accumulator(session.graph(), manifest.layers(), 0.0);
        try (Batches batches = session.dataset().batches(B, 0, N)) {
            for (Batch b : batches) {
                acc.add(session.forward(), b.images(), b.shape());
            }
        }
        DeadFilters.Report want = acc.finish();
        DeadFilters.Report got = reader.deadFilters(session.graph());
        assertEquals(want.images(), got.images());
        assertEquals(want.tolerance(), got.tolerance());
        assertEquals(want.layers().size(), got.layers().size());
        for (int l = 0; l < want.layers().size(); l++) {
            DeadFilters.LayerStats w = want.layers().get(l);
            DeadFilters.LayerStats g = got.layers().get(l);
            assertEquals(w.layer(), g.layer());
            assertEquals(w.tensor(), g.tensor());
            assertEquals(w.channels(), g.channels());
            assertEquals(w.positions(), g.positions());
            assertArrayEquals(w.firingRate(), g.firingRate(), w.layer());
            assertArrayEquals(w.positionalRate(), g.positionalRate(), w.layer());
            assertArrayEquals(w.max(), g.max(), w.layer());
            for (int c = 0; c < w.channels(); c++) {
                assertEquals(w.mean()[c], g.mean()[c], 1e-12 * Math.abs(w.mean()[c]), w.layer() + " mean of channel " + c);
            }
        }
    }

    @Test
    void featuresEqualTheFeatureExtractorExactly() {
        Features want = FeatureExtractor.extract(session.forward(), session.dataset(), null,
                new FeatureExtractor.Options(B, N), null);
        Features got = reader.images();
        assertEquals(want.count(), got.count());
        assertEquals(want.dim(), got.dim());
        assertEquals(want.layer(), got.layer());
        assertArrayEquals(want.values(), got.values());
        assertArrayEquals(want.indices(), got.indices());
        assertArrayEquals(want.labels(), got.labels());
        assertEquals(want.ids(), got.ids());
        assertEquals(want.classNames(), got.classNames());
        Features head = reader.features(100);
        assertArrayEquals(want.head(100).values(), head.values());
        assertEquals(want.head(100).ids(), head.ids());
    }

    @Test
    void confusionEqualsTheEvaluation() {
        Evaluation.Result want = Evaluation.run(session.forward(), session.dataset(), 10, null,
                Evaluation.Options.defaults().withBatchSize(B).withLimit(N));
        assertTrue(Arrays.deepEquals(want.matrix().counts(), reader.confusion(10).counts()));
        List<ImageRow> rows = reader.rows();
        long correct = rows.stream().filter(r -> r.label() == r.prediction()).count();
        assertEquals(want.matrix().correct(), correct);
        assertTrue(rows.stream().allMatch(r -> r.probability() > 0.09f && r.probability() <= 1f));
    }

    @Test
    void everyTableReadsBackAsTheAggregateWroteIt() {
        ScanAggregate a = scanner.aggregate();
        List<ImageRow> rows = reader.rows();
        assertEquals(N, rows.size());
        for (int i = 0; i < N; i++) {
            assertEquals(i, rows.get(i).index());
        }
        for (int l = 0; l < a.layers().size(); l++) {
            String layer = a.layers().get(l);
            for (int ch = 0; ch < a.channels(l); ch++) {
                List<ScanHit> want = a.top(l, ch);
                List<ScanHit> got = reader.topHits(layer, ch);
                assertEquals(want.size(), got.size());
                for (int k = 0; k < want.size(); k++) {
                    assertEquals(want.get(k).index(), got.get(k).index());
                    assertEquals(want.get(k).id(), got.get(k).id());
                    assertEquals(want.get(k).value(), got.get(k).value());
                }
                long[] h = reader.histogram(layer, ch);
                assertArrayEquals(a.histogram(l, ch), h);
                assertEquals(a.layerPositions(l), Arrays.stream(h).sum());
            }
        }
        assertEquals(a.failures(), reader.failures());
        assertEquals(N, reader.confusion().total());
    }

    @Test
    void storedTopImagesArePngsOfTheDatasetPixels() {
        TopImages.Hit hit = reader.top("relu2", 0).get(0);
        BufferedImage img = reader.image(hit);
        FloatImage pixels = null;
        try (ScanInputs inputs = ScanInputs.open(null)) {
            while (inputs.hasNext()) {
                ScanInput in = inputs.next();
                if (in.index() == hit.image()) {
                    pixels = in.pixels();
                    break;
                }
            }
        }
        assertEquals(28, img.getWidth());
        assertEquals(28, img.getHeight());
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(pixels.get(0, y, x), img.getRaster().getSample(x, y, 0), 0f, "pixel " + y + "," + x);
            }
        }
    }
}
