package netviz.methods.neurons;

import netviz.methods.unit.Unit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.features.Tsne;
import netviz.methods.unit.Units;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Multifaceted visualization on the bundled model and the first images of the bundled test split. */
class MultifacetedVisualizationTest {
    static final int LIMIT = 2000;
    static final int CLASS = 8;   // Bag: clutches, handbags with handles, totes, shoulder bags

    static Graph graph;
    static Dataset data;
    static MultifacetedVisualization.Result first;
    static MultifacetedVisualization.Result second;

    static MultifacetedVisualization.Options options() {
        return MultifacetedVisualization.Options.defaults().withLimit(LIMIT).withTopShare(0.15)
                .withTsne(Tsne.Options.defaults().withIterations(300));
    }

    @BeforeAll
    static void run() {
        Path p = Path.of("models", "fashion-mnist-cnn.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(p), "bundled model not present");
        graph = OnnxLoader.load(p);
        Preprocessing pre = ModelConfig.of(graph).resolvePreprocessing(null, graph);
        data = Datasets.open(null, pre);
        try (Interpreter ip = Interpreter.of(graph)) {
            MultifacetedVisualization mfv = new MultifacetedVisualization(ip, data);
            List<String> stages = new ArrayList<>();
            List<long[]> counts = new ArrayList<>();
            first = mfv.run(Unit.classScore(CLASS), options(), (stage, done, total) -> {
                String name = stage.split(netviz.Progress.DETAIL, 2)[0];
                if (stages.isEmpty() || !stages.get(stages.size() - 1).equals(name)) {
                    stages.add(name);
                    counts.add(new long[] {-1, 0});
                }
                long[] last = counts.get(counts.size() - 1);
                assertTrue(done >= last[0], "progress of '" + name + "' went back to " + done);
                last[0] = done;
                last[1] = total;
            });
            second = mfv.run(Unit.classScore(CLASS), options(), netviz.Progress.NONE);
            // the four steps in order, each counted up to its end
            assertEquals(List.of("scanning images", "t-SNE", "k-means", "activation maximization"), stages);
            for (int i = 0; i < stages.size(); i++) {
                if (!stages.get(i).equals("k-means") && !stages.get(i).equals("t-SNE")) {
                    assertEquals(counts.get(i)[1], counts.get(i)[0], stages.get(i) + " ends at its total");
                }
            }
        }
    }

    /** The logits of the first LIMIT images, by brute force. */
    private static float[] allLogits(Interpreter ip) {
        String scores = ScoreTensor.find(graph);
        float[] out = new float[LIMIT];
        try (Batches bs = data.batches(250, 0, LIMIT)) {
            for (Batch b : bs) {
                try (NDManager m = ip.newScope()) {
                    float[] s = ip.forward(m, Map.of(ip.inputName(), b.toNDArray(m)), List.of(scores)).get(scores)
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < b.size(); i++) {
                        out[b.index(i)] = s[i * 10 + CLASS];
                    }
                }
            }
        }
        return out;
    }

    @Test
    void topImagesAreTheBruteForceTopShare() {
        try (Interpreter ip = Interpreter.of(graph)) {
            float[] logits = allLogits(ip);
            Integer[] order = new Integer[LIMIT];
            for (int i = 0; i < LIMIT; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
            // the top 15 % by logit, of which only the images with a positive logit count as activating
            int positive = 0;
            for (float v : logits) {
                positive += v > 0 ? 1 : 0;
            }
            int keep = Math.min((int) Math.ceil(0.15 * LIMIT), positive);
            assertTrue(keep > 100, "enough bags among the first images: " + keep);
            assertEquals(keep, first.indices().length);
            for (int i = 0; i < keep; i++) {
                assertEquals(order[i], first.indices()[i], "rank " + i);
                assertEquals(logits[order[i]], first.activations()[i], 1e-4);
            }
            assertEquals(LIMIT, first.scanned());
            assertEquals(first.activations()[keep - 1], first.threshold());
        }
    }

    @Test
    void facetsPartitionTheTopImagesAndStartFromTheMeanOfTheClosest() {
        Set<Integer> all = new HashSet<>();
        int total = 0;
        for (MultifacetedVisualization.Facet f : first.facets()) {
            total += f.members().length;
            for (int m : f.members()) {
                all.add(m);
            }
            for (int j = 1; j < f.distances().length; j++) {
                assertTrue(f.distances()[j] >= f.distances()[j - 1], "members sorted by distance");
            }
            assertArrayEquals(Arrays.copyOf(f.members(), Math.min(15, f.members().length)), f.closest());
            // the mean image is the average of the closest images' model inputs
            float[] x = data.get(f.closest()).images();
            int per = f.meanInput().length;
            for (int p = 0; p < per; p++) {
                double s = 0;
                for (int j = 0; j < f.closest().length; j++) {
                    s += x[j * per + p];
                }
                assertEquals(s / f.closest().length, f.meanInput()[p], 1e-5);
            }
        }
        assertEquals(first.indices().length, total);
        assertEquals(total, all.size());
        Set<Integer> top = new HashSet<>();
        for (int i : first.indices()) {
            top.add(i);
        }
        assertEquals(top, all);
        // cluster labels agree with the member lists
        for (int i = 0; i < first.indices().length; i++) {
            int facet = first.clusters()[i];
            int idx = first.indices()[i];
            assertTrue(Arrays.stream(first.facets().get(facet).members()).anyMatch(m -> m == idx));
        }
    }

    @Test
    void eachFacetImageActivatesTheClassStrongly() {
        for (MultifacetedVisualization.Facet f : first.facets()) {
            assertTrue(f.probability() >= 0.9, "facet " + f.index() + " p " + f.probability());
            // stronger than the weakest of the dataset's top images, and stronger than where it started
            assertTrue(f.activation() > first.threshold(), f.activation() + " <= threshold " + first.threshold());
            assertTrue(f.activation() > f.startActivation(), f.startActivation() + " -> " + f.activation());
            for (float v : f.pixels()) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void facetsOfOneClassDifferFromEachOther() {
        // Threshold: the RMS pixel difference between two runs of the same facet that differ only in
        // the random jitter (seed 0 vs seed 1 from the same mean image). That is how much the
        // optimisation itself varies; two facets count as different when they are at least three
        // times further apart than that, and at least 0.05 apart (5 % of the pixel range) in absolute terms.
        MultifacetedVisualization.Facet f0 = first.facets().get(0);
        double seedNoise;
        try (Interpreter ip = Interpreter.of(graph)) {
            ActivationMaximization am = new ActivationMaximization(ip, data.preprocessing().mean(), data.preprocessing().std());
            ActivationMaximization.Options o = options().maximization()
                    .withInit(ActivationMaximization.Init.IMAGE, f0.meanInput());
            Units g = Units.repeat(ScoreTensor.find(graph), CLASS, null, 1);
            float[] a = am.run(g, o.withSeed(0), null).pixels();
            float[] b = am.run(g, o.withSeed(1), null).pixels();
            assertArrayEquals(f0.pixels(), a, 1e-6f, "the facet is this run");
            seedNoise = rms(a, b);
        }
        double min = Double.POSITIVE_INFINITY;
        List<MultifacetedVisualization.Facet> fs = first.facets();
        for (int i = 0; i < fs.size(); i++) {
            for (int j = i + 1; j < fs.size(); j++) {
                min = Math.min(min, rms(fs.get(i).pixels(), fs.get(j).pixels()));
            }
        }
        System.out.printf("facets: smallest distance between facets %.4f, seed noise %.4f%n", min, seedNoise);
        assertTrue(min > 3 * seedNoise, "smallest facet distance " + min + " vs seed noise " + seedNoise);
        assertTrue(min > 0.05, "smallest facet distance " + min);
    }

    @Test
    void sameSeedGivesIdenticalFacets() {
        assertArrayEquals(first.indices(), second.indices());
        assertArrayEquals(first.clusters(), second.clusters());
        assertArrayEquals(first.embedding(), second.embedding());
        for (int i = 0; i < first.facets().size(); i++) {
            assertArrayEquals(first.facets().get(i).members(), second.facets().get(i).members());
            assertArrayEquals(first.facets().get(i).pixels(), second.facets().get(i).pixels());
            assertEquals(first.facets().get(i).activation(), second.facets().get(i).activation());
        }
    }

    @Test
    void tooFewActivatingImagesIsAClearError() {
        try (Interpreter ip = Interpreter.of(graph)) {
            MultifacetedVisualization mfv = new MultifacetedVisualization(ip, data);
            MultifacetedVisualization.NotEnoughImagesException e = assertThrows(
                    MultifacetedVisualization.NotEnoughImagesException.class,
                    () -> mfv.run(Unit.classScore(CLASS),
                            options().withLimit(300).withTopCount(12).withFacets(4), null));
            // the message counts the activating images (brute force) apart from those the top count kept
            float[] logits = allLogits(ip);
            int positive = 0;
            for (int i = 0; i < 300; i++) {
                positive += logits[i] > 0 ? 1 : 0;
            }
            assertTrue(positive >= 20, "the first 300 images hold " + positive + " with a positive Bag logit");
            String msg = e.getMessage();
            assertTrue(msg.contains("4 facets of fc2:8 need at least 20 activating images (5 per facet)"), msg);
            assertTrue(msg.contains("only " + positive + " of the 300 images scanned activate it"), msg);
            assertTrue(msg.contains("--top 12 keeps 12 of them: ask for --top 20 or more, or --facets 2 or fewer"), msg);
            // capped by the top share: 5% of 300 keeps 15; 20 need a share of 0.067
            String share = assertThrows(MultifacetedVisualization.NotEnoughImagesException.class,
                    () -> mfv.run(Unit.classScore(CLASS),
                            options().withLimit(300).withTopShare(0.05).withFacets(4), null)).getMessage();
            assertTrue(share.contains("only " + positive + " of the 300 images scanned activate it"), share);
            assertTrue(share.contains("the top 5% (15 of 300) keeps 15 of them: ask for --top-share 0.067 or more,"
                    + " or --facets 3 or fewer"), share);
            // more facets than the activating images can fill, whatever the share
            int k = positive / 5 + 1;
            String all = assertThrows(MultifacetedVisualization.NotEnoughImagesException.class,
                    () -> mfv.run(Unit.classScore(CLASS),
                            options().withLimit(300).withTopShare(1.0).withFacets(k), null)).getMessage();
            assertTrue(all.contains("only " + positive + " of the 300 images scanned activate it (value > 0): ask for"
                    + " --facets " + (positive / 5) + " or fewer, or scan more images"), all);
            assertThrows(netviz.UnknownNameException.class, () -> mfv.run(
                    Unit.channel("no-such-layer", 0), options().withLimit(100), null));
            assertThrows(netviz.OutOfRangeException.class, () -> mfv.run(
                    Unit.classScore(10), options().withLimit(100), null));
        }
    }

    static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return Math.sqrt(s / a.length);
    }
}
