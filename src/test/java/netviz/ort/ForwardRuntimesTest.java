package netviz.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import netviz.Progress;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Forward;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.image.Preprocessing;
import netviz.io.Npy;
import netviz.methods.activations.ActivationMaps;
import netviz.methods.activations.DeadFilters;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.OcclusionFeatureMaps;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;
import netviz.methods.evaluation.Evaluation;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.neurons.TopImages;
import netviz.session.Session;
import netviz.zoo.ModelZoo;
import netviz.zoo.Ort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every forward-only method gives the same result on ONNX Runtime ({@link OrtForward}) as on the
 * libtorch interpreter (the oracle), on the bundled Fashion-MNIST classifier with its bundled test
 * images and on a ResNet-shaped zoo model (Conv-BN-ReLU blocks, residual additions) with random
 * images: classification, evaluation, activation maps, dead-filter statistics, top images, feature
 * extraction, occlusion and occlusion of feature maps. The error measure is {@link Ort#relError}:
 * max_i |a_i − b_i| / max(1e-6, max_i |b_i|), the largest difference relative to the oracle's largest
 * magnitude; it must stay at most {@value #TOLERANCE}. Counts (confusion matrices, top-image
 * indices) must be equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardRuntimesTest {
    static final double TOLERANCE = 1e-5;
    static final int IMAGES = 48;

    /** A model with both runtimes, a dataset, its activation layers and a few input images. */
    record Case(String name, Graph graph, Dataset data, List<String> layers, Interpreter torch, OrtForward ort,
                Session session) {
        @Override
        public String toString() {
            return name;
        }

        /** The first {@code n} dataset images as one batch, in {@code m}. */
        NDArray images(NDManager m, int n) {
            Batch b = data.get(java.util.stream.IntStream.range(0, n).toArray());
            return m.create(b.images(), new Shape(b.shape()));
        }

        /** Not AutoCloseable: JUnit would close a parameter after each invocation. */
        void release() {
            ort.close();
            torch.close();
            if (session != null) {
                session.close();
            }
        }
    }

    private final List<Case> cases = new ArrayList<>();

    @BeforeAll
    void open(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Session s = Session.open(Path.of("models/fashion-mnist-cnn.onnx"));
        Graph g = s.graph();
        cases.add(new Case("bundled", g, s.dataset(), DeadFilters.convActivations(g), Interpreter.of(g),
                OrtForward.of(g), s));
        ModelZoo.ZooModel z = ModelZoo.resnetV1(13, -1);
        Random r = new Random(17);
        float[] x = new float[IMAGES * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] labels = new long[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = r.nextInt(10);
        }
        Path images = dir.resolve("images.npy");
        Path lab = dir.resolve("labels.npy");
        Npy.write(images, x, IMAGES, 3, 32, 32);
        Npy.write(lab, Tensor.ofLongs(new long[] {IMAGES}, labels));
        Dataset d = Datasets.npy(images, lab, Preprocessing.none());
        cases.add(new Case("resnet", z.graph(), d, DeadFilters.convActivations(z.graph()), Interpreter.of(z.graph()),
                OrtForward.of(z.graph()), null));
        assertTrue(Files.exists(images));
    }

    @AfterAll
    void close() {
        cases.forEach(Case::release);
    }

    Stream<Case> cases() {
        return cases.stream();
    }

    static void near(float[] ort, float[] torch, String what) {
        double e = Ort.relError(ort, torch);
        assertTrue(e <= TOLERANCE, what + ": relative error " + e + " > " + TOLERANCE);
    }

    static void near(double[] ort, double[] torch, String what) {
        float[] a = new float[ort.length];
        float[] b = new float[torch.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ort[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) torch[i];
        }
        near(a, b, what);
    }

    static float[] flat(float[][] a) {
        int n = 0;
        for (float[] r : a) {
            n += r.length;
        }
        float[] f = new float[n];
        int at = 0;
        for (float[] r : a) {
            System.arraycopy(r, 0, f, at, r.length);
            at += r.length;
        }
        return f;
    }

    static double[] flat(double[][] a) {
        return Stream.of(a).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifierAndEvaluation(Case c) {
        try (NDManager m = c.ort.newScope()) {
            NDArray x = c.images(m, 8);
            Classifier.Prediction a = new Classifier(c.ort).predict(m, x);
            Classifier.Prediction b = new Classifier(c.torch).predict(m, x);
            near(flat(a.outputs()), flat(b.outputs()), "scores");
            near(flat(a.probabilities()), flat(b.probabilities()), "probabilities");
        }
        Evaluation.Options o = Evaluation.Options.defaults().withLimit(IMAGES).withBatchSize(16);
        Evaluation.Result a = Evaluation.run(c.ort, c.data, 10, null, o);
        Evaluation.Result b = Evaluation.run(c.torch, c.data, 10, null, o);
        assertEquals(b.examples(), a.examples());
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                assertEquals(b.matrix().count(t, p), a.matrix().count(t, p), "confusion (" + t + ", " + p + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void activationMapsAndDeadFilters(Case c) {
        try (NDManager m = c.ort.newScope()) {
            NDArray x = c.images(m, 2);
            List<ActivationMaps.LayerMaps> a = ActivationMaps.compute(c.ort, x, c.layers, ActivationMaps.Options.defaults());
            List<ActivationMaps.LayerMaps> b = ActivationMaps.compute(c.torch, x, c.layers, ActivationMaps.Options.defaults());
            assertEquals(b.size(), a.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i).shape(), a.get(i).shape());
                near(flat(a.get(i).maps()), flat(b.get(i).maps()), "maps of " + c.layers.get(i));
                near(a.get(i).all(), b.get(i).all(), "activations of " + c.layers.get(i));
            }
        }
        List<DeadFilters.Report> reports = new ArrayList<>();
        for (Forward f : List.of(c.ort, c.torch)) {
            try (NDManager m = f.newScope()) {
                List<NDArray> batches = List.of(c.images(m, IMAGES).get("0:24"), c.images(m, IMAGES).get("24:48"));
                reports.add(DeadFilters.scanBatches(f, c.layers, batches, DeadFilters.Options.defaults(), null));
            }
        }
        for (int i = 0; i < c.layers.size(); i++) {
            DeadFilters.LayerStats a = reports.get(0).layers().get(i);
            DeadFilters.LayerStats b = reports.get(1).layers().get(i);
            near(a.mean(), b.mean(), "mean of " + a.layer());
            near(a.max(), b.max(), "max of " + a.layer());
            assertArrayEquals(b.firingRate(), a.firingRate(), 1e-12, "firing rate of " + a.layer());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void topImagesAndFeatures(Case c) {
        String layer = c.layers.get(c.layers.size() - 1);
        List<TopImages> tops = new ArrayList<>();
        for (Forward f : List.of(c.ort, c.torch)) {
            TopImages t = new TopImages(f, layer, new int[] {0, 1, 2}, 5);
            try (Batches bs = c.data.batches(16, 0, IMAGES)) {
                for (Batch b : bs) {
                    t.add(b.images(), b.shape(), b.indices());
                }
            }
            tops.add(t);
        }
        for (int i = 0; i < 3; i++) {
            List<TopImages.Hit> a = tops.get(0).top(i);
            List<TopImages.Hit> b = tops.get(1).top(i);
            assertEquals(b.stream().map(TopImages.Hit::image).toList(), a.stream().map(TopImages.Hit::image).toList());
            float[] va = new float[a.size()];
            float[] vb = new float[b.size()];
            for (int k = 0; k < va.length; k++) {
                va[k] = a.get(k).activation();
                vb[k] = b.get(k).activation();
            }
            near(va, vb, "top activations of channel " + i);
        }
        FeatureExtractor.Options o = new FeatureExtractor.Options(16, IMAGES);
        String feat = FeatureExtractor.defaultLayer(c.graph);
        Features a = FeatureExtractor.extract(c.ort, c.data, feat, o, Progress.NONE);
        Features b = FeatureExtractor.extract(c.torch, c.data, feat, o, Progress.NONE);
        assertEquals(b.dim(), a.dim());
        near(a.values(), b.values(), "features of " + feat);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void occlusionAndOccludedFeatureMaps(Case c) {
        Occlusion.Options oo = Occlusion.Options.defaults().withStride(8);
        try (NDManager m = c.ort.newScope()) {
            NDArray x = c.images(m, 2);
            Occlusion.Result a = new Occlusion(c.ort, oo).run(x, Target.predicted());
            Occlusion.Result b = new Occlusion(c.torch, oo).run(x, Target.predicted());
            near(a.unoccluded(), b.unoccluded(), "unoccluded score");
            near(a.map().values(), b.map().values(), "occlusion map");
            String layer = c.layers.get(0);
            OcclusionFeatureMaps.Options fo = new OcclusionFeatureMaps.Options(layer, 3, oo);
            OcclusionFeatureMaps.Result fa = new OcclusionFeatureMaps(c.ort, fo, Progress.NONE).run(x);
            OcclusionFeatureMaps.Result fb = new OcclusionFeatureMaps(c.torch, fo, Progress.NONE).run(x);
            near(flat(fa.totals()), flat(fb.totals()), "feature-map totals");
            near(fa.drops().values(), fb.drops().values(), "feature-map drops");
            for (int i = 0; i < fa.channels().length; i++) {
                assertArrayEquals(fb.channels()[i], fa.channels()[i]);
            }
        }
    }
}
