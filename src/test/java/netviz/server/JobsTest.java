package netviz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.data.Batch;
import netviz.figures.AttributionPanels;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.engine.Interpreter;
import netviz.methods.activations.ActivationMaps;
import netviz.methods.activations.DeadFilters;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.Classifier;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.Pca;
import netviz.methods.neurons.TopImages;
import netviz.onnx.OnnxLoader;
import netviz.render.Colormap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every job kind against the library method it wraps, the result cache, failures and progress. */
class JobsTest {
    static final int LIMIT = 200;
    @TempDir
    static Path tmp;
    static TestServer s;
    static Interpreter ip;
    static Dataset data;

    @BeforeAll
    static void start() {
        s = new TestServer(tmp.resolve("cache"), LIMIT);
        ip = Interpreter.of(OnnxLoader.load(TestServer.MODEL));
        data = s.session().dataset();
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
        if (ip != null) {
            ip.close();
        }
    }

    static BufferedImage file(JsonNode job, String name) {
        TestServer.Reply r = s.get("/api/jobs/" + job.get("id").asText() + "/files/" + name);
        assertEquals(200, r.status(), r.text());
        assertEquals("image/png", r.type());
        return r.png();
    }

    static Classifier.Prediction predict(int index) {
        try (NDManager scope = ip.newScope()) {
            return new Classifier(ip).predict(scope, data.get(index).toNDArray(scope));
        }
    }

    @Test
    void saliencyMatchesTheLibraryAndIsNotFlat() {
        JsonNode j = s.run("saliency", "{\"image\":\"dataset:3\"}");
        assertEquals("saliency", j.get("kind").asText());
        assertEquals(1.0, j.get("progress").asDouble());
        JsonNode r = j.get("result");
        assertEquals("[\"overlay.png\",\"map.png\"]", r.get("files").toString());
        Classifier.Prediction p = predict(3);
        int k = p.argmax(0);
        assertEquals(k, r.get("target").asInt(), "default target: the predicted class");
        assertEquals(netviz.data.Labels.FASHION_MNIST.get(k), r.get("className").asText());
        assertEquals(p.probabilities()[0][k], r.get("probability").asDouble(), 1e-6);

        BufferedImage overlay = file(j, "overlay.png");
        BufferedImage map = file(j, "map.png");
        assertEquals(224, overlay.getWidth(), "28 px shown at 224 px as in the CLI");
        assertTrue(TestServer.colours(overlay) > 50, "overlay is a real picture");
        assertTrue(TestServer.colours(map) > 20, "saliency map is not flat");
        Attributions a;
        try (NDManager scope = ip.newScope()) {
            a = new Saliency(ip).attribute(data.get(3).toNDArray(scope), Target.predicted());
        }
        float[] m = a.example(0);
        BufferedImage want = AttributionPanels.heat(m, 28, 28, AttributionPanels.size(28, 28), AttributionPanels.zeroToMax(m),
                Colormap.MAGMA, "").image();
        assertEquals(want.getWidth(), map.getWidth());
        for (int y = 0; y < want.getHeight(); y += 3) {
            for (int x = 0; x < want.getWidth(); x += 3) {
                assertEquals(want.getRGB(x, y), map.getRGB(x, y), "map pixel " + x + "," + y);
            }
        }
    }

    @Test
    void everyAttributionKindExplainsTheNamedClass() {
        double p = predict(1).probabilities()[0][1];
        for (String kind : List.of("guided-backprop", "smoothgrad", "integrated-gradients", "grad-cam")) {
            JsonNode j = s.run(kind, "{\"image\":\"dataset:1\",\"target\":\"trouser\"}");
            assertEquals(1, j.get("params").get("target").asInt(), "class name resolved to its index");
            JsonNode r = j.get("result");
            assertEquals(1, r.get("target").asInt(), kind);
            assertEquals("Trouser", r.get("className").asText(), kind);
            assertEquals(p, r.get("probability").asDouble(), 1e-6, kind);
            assertTrue(TestServer.colours(file(j, "map.png")) > 5, kind + " map is not flat");
            assertTrue(TestServer.colours(file(j, "overlay.png")) > 5, kind);
        }
        JsonNode gb = s.run("guided-backprop", "{\"image\":\"dataset:1\"}").get("result");
        assertTrue(gb.get("rules").asText().startsWith("guided backprop: the guided ReLU rule"), gb.toString());
        JsonNode cam = s.run("grad-cam", "{\"image\":\"dataset:1\"}");
        assertEquals("relu2", cam.get("params").get("layer").asText(), "default: the last convolution's activation map");
        assertEquals("[14,14]", cam.get("result").get("mapSize").toString());
        JsonNode ig = s.run("integrated-gradients", "{\"image\":\"dataset:2\"}").get("result");
        assertTrue(Math.abs(ig.get("completenessGap").asDouble())
                < 0.05 * Math.abs(ig.get("score").asDouble() - ig.get("baselineScore").asDouble()) + 0.05,
                "completeness: attributions add up to the score difference: " + ig);
    }

    @Test
    void occlusionHeatmap() {
        JsonNode j = s.run("occlusion", "{\"image\":\"dataset:4\",\"patch\":4,\"stride\":2}");
        JsonNode r = j.get("result");
        assertEquals("[13,13]", r.get("grid").toString(), "(28 - 4) / 2 + 1 positions per side");
        Classifier.Prediction p = predict(4);
        assertEquals(p.argmax(0), r.get("target").asInt());
        assertEquals(p.probabilities()[0][p.argmax(0)], r.get("probability").asDouble(), 1e-5);
        assertTrue(r.get("lowestProbability").asDouble() <= r.get("probability").asDouble() + 1e-6);
        assertTrue(TestServer.colours(file(j, "heatmap.png")) > 5);
    }

    @Test
    void activationsAreTheLayersMaps() {
        JsonNode j = s.run("activations", "{\"image\":\"dataset:6\",\"layer\":\"relu1\"}");
        JsonNode r = j.get("result");
        assertEquals(32, r.get("channels").asInt());
        List<ActivationMaps.LayerMaps> want;
        try (NDManager scope = ip.newScope()) {
            want = ActivationMaps.compute(ip, data.get(6).toNDArray(scope), List.of("relu1"), ActivationMaps.Options.defaults());
        }
        for (int c = 0; c < 32; c++) {
            assertEquals(want.get(0).mean()[c], r.get("maps").get(c).get("mean").asDouble(), 1e-5);
            assertEquals(want.get(0).max()[c], r.get("maps").get(c).get("max").asDouble(), 1e-5);
        }
        assertTrue(TestServer.colours(file(j, "maps.png")) > 20);
    }

    @Test
    void layerStatsEqualDeadFilters() {
        JsonNode j = s.run("layer-stats", "{\"layer\":\"relu2\"}");
        DeadFilters.Accumulator acc = new DeadFilters.Accumulator(ip.graph(), List.of("relu2"), 0);
        try (Batches batches = data.batches(64, 0, LIMIT)) {
            for (Batch b : batches) {
                acc.add(s.session().session().forward(), b.images(), b.shape()); // the server's runtime
            }
        }
        DeadFilters.LayerStats want = acc.finish().layers().get(0);
        JsonNode r = j.get("result");
        assertEquals(LIMIT, r.get("images").asInt());
        List<Integer> dead = new ArrayList<>();
        r.get("dead").forEach(d -> dead.add(d.asInt()));
        assertEquals(JobKinds.list(want.dead()), dead);
        JsonNode ch = r.get("channels");
        assertEquals(64, ch.size());
        for (int c = 0; c < 64; c++) {
            assertEquals(c, ch.get(c).get("channel").asInt());
            assertEquals(want.mean()[c], ch.get(c).get("mean").asDouble(), 1e-6);
            assertEquals(want.max()[c], ch.get(c).get("max").asDouble(), 1e-6);
            assertEquals(want.firingRate()[c], ch.get(c).get("firingRate").asDouble(), 1e-12);
            assertEquals(want.positionalRate()[c], ch.get(c).get("positionalRate").asDouble(), 1e-12);
        }
        assertTrue(TestServer.colours(file(j, "firing.png")) > 3);
    }

    @Test
    void topImagesEqualTopImages() {
        JsonNode j = s.run("top-images", "{\"layer\":\"relu2\",\"channel\":7,\"k\":5}");
        TopImages want = new TopImages(ip, "relu2", new int[] {7}, 5);
        try (Batches batches = data.batches(50, 0, LIMIT)) {
            for (Batch b : batches) {
                want.add(b.images(), b.shape(), b.indices());
            }
        }
        List<TopImages.Hit> hits = want.top(0);
        JsonNode images = j.get("result").get("images");
        assertEquals(5, images.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(hits.get(i).image(), images.get(i).get("index").asInt());
            assertEquals(hits.get(i).activation(), images.get(i).get("activation").asDouble(), 1e-5);
            JsonNode box = images.get(i).get("box");
            assertEquals(4, box.size());
            assertTrue(box.get(0).asInt() >= 0 && box.get(2).asInt() < 28 && box.get(0).asInt() <= box.get(2).asInt());
        }
        assertTrue(TestServer.colours(file(j, "top.png")) > 20);
    }

    @Test
    void maximizeRaisesTheUnit() {
        JsonNode j = s.run("maximize", "{\"layer\":\"fc2\",\"channel\":3,\"preset\":\"none\"}");
        JsonNode r = j.get("result");
        assertTrue(r.get("activation").asDouble() > r.get("startActivation").asDouble() + 1, r.toString());
        assertTrue(TestServer.colours(file(j, "image.png")) > 20);
        // a ReLU unit that is off on the mean image is raised through its input
        JsonNode relu = s.run("maximize", "{\"layer\":\"relu2\",\"channel\":5}").get("result");
        assertEquals("conv2", relu.get("objective").asText());
        assertTrue(relu.get("activation").asDouble() > relu.get("startActivation").asDouble(), relu.toString());
    }

    @Test
    void facetsAreThoseOfMultifacetedVisualization() {
        JsonNode j = s.run("facets", "{\"layer\":\"fc2\",\"channel\":3}");
        JsonNode r = j.get("result");
        assertEquals(4, j.get("params").get("facets").asInt(), "default: 4 facets");
        // the pass over the dataset runs on the server session's forward pass, as the figure's does
        netviz.methods.neurons.MultifacetedVisualization.Result want = new netviz.methods.neurons.MultifacetedVisualization(
                ip, s.session().session().forward(), data, null).run(new netviz.methods.unit.Unit("fc2", 3, null),
                netviz.methods.neurons.MultifacetedVisualization.Options.defaults().withFacets(4).withLimit(LIMIT),
                netviz.Progress.NONE);
        assertEquals(want.scanned(), r.get("scanned").asInt());
        assertEquals(want.indices().length, r.get("top").asInt());
        JsonNode facets = r.get("facets");
        assertEquals(want.facets().size(), facets.size());
        int members = 0;
        for (int i = 0; i < facets.size(); i++) {
            JsonNode f = facets.get(i);
            assertEquals(i + 1, f.get("facet").asInt());
            assertEquals(JobKinds.list(want.facets().get(i).closest()).toString(), f.get("closest").toString()
                    .replace(",", ", "));
            assertEquals(want.facets().get(i).activation(), f.get("activation").asDouble(), 1e-4);
            assertTrue(f.get("activation").asDouble() > f.get("startActivation").asDouble(), f.toString());
            members += f.get("images").asInt();
        }
        assertEquals(want.indices().length, members, "the facets partition the top images");
        assertTrue(TestServer.colours(file(j, "facets.png")) > 50);
        assertTrue(TestServer.colours(file(j, "scatter.png")) > 5);
    }

    @Test
    void embeddingPointsArePcaInTheUnitSquare() {
        JsonNode j = s.run("embedding", "{\"method\":\"pca\",\"n\":120}");
        JsonNode pts = j.get("result").get("points");
        assertEquals(120, pts.size());
        Features f = FeatureExtractor.extract(ip, data, null, new FeatureExtractor.Options(60, 120),
                netviz.Progress.NONE);
        double[] c = Pca.fit(f.values(), f.dim(), 2).transform(f.values());
        int wrong = 0;
        for (int i = 0; i < 120; i++) {
            JsonNode p = pts.get(i);
            assertEquals(i, p.get("index").asInt());
            assertEquals(f.labels()[i], p.get("label").asInt());
            double[] prob = predict(i).probabilities()[0];
            int best = 0;
            for (int k = 1; k < prob.length; k++) {
                best = prob[k] > prob[best] ? k : best;
            }
            assertEquals(best, p.get("predicted").asInt(), "the model's class of image " + i);
            wrong += best != f.labels()[i] ? 1 : 0;
            assertTrue(p.get("x").asDouble() >= 0 && p.get("x").asDouble() <= 1);
            assertTrue(p.get("y").asDouble() >= 0 && p.get("y").asDouble() <= 1);
        }
        assertEquals(wrong, j.get("result").get("misclassified").asInt());
        // one scale factor for both axes: ratios of distances are PCA's
        double d01 = Math.hypot(c[0] - c[2], c[1] - c[3]);
        double d05 = Math.hypot(c[0] - c[10], c[1] - c[11]);
        double e01 = Math.hypot(pts.get(0).get("x").asDouble() - pts.get(1).get("x").asDouble(),
                pts.get(0).get("y").asDouble() - pts.get(1).get("y").asDouble());
        double e05 = Math.hypot(pts.get(0).get("x").asDouble() - pts.get(5).get("x").asDouble(),
                pts.get(0).get("y").asDouble() - pts.get(5).get("y").asDouble());
        assertEquals(d01 / d05, e01 / e05, 1e-3 * d01 / d05);
        JsonNode t = s.run("embedding", "{\"method\":\"tsne\",\"n\":100}");
        assertEquals(100, t.get("result").get("points").size());
        assertEquals("relu3", t.get("params").get("layer").asText());
    }

    @Test
    void theFeaturesJobPreparesTheNeighbourSearch() {
        JsonNode j = s.run("features", "{}");
        assertEquals("relu3", j.get("params").get("layer").asText());
        JsonNode r = j.get("result");
        Features f = FeatureExtractor.extract(ip, data, null, new FeatureExtractor.Options(100, LIMIT), netviz.Progress.NONE);
        assertEquals(LIMIT, r.get("count").asInt());
        assertEquals(f.dim(), r.get("dim").asInt());
        assertEquals(1.0, j.get("progress").asDouble());
    }

    @Test
    void sameJobTwiceIsACacheHitAlsoAfterARestart() {
        int before = s.server.jobs().computed();
        JsonNode first = s.run("saliency", "{\"image\":\"dataset:11\",\"target\":2}");
        assertEquals(before + 1, s.server.jobs().computed());
        JsonNode again = s.job("saliency", "{\"target\":\"Pullover\",\"image\":\" dataset:11 \"}");
        assertEquals(first.get("id"), again.get("id"), "same kind and canonical params, same id");
        assertEquals("done", again.get("status").asText(), "the finished job comes back at once");
        assertEquals(first.get("result"), again.get("result"));
        assertEquals(before + 1, s.server.jobs().computed(), "not computed again");
        assertNotEquals(first.get("id"), s.job("saliency", "{\"image\":\"dataset:11\",\"target\":3}").get("id"));

        try (TestServer second = new TestServer(tmp.resolve("cache"), LIMIT)) {
            JsonNode cached = second.job("saliency", "{\"image\":\"dataset:11\",\"target\":2}");
            assertEquals(first.get("id"), cached.get("id"));
            assertEquals("done", cached.get("status").asText(), "read back from the cache folder");
            assertEquals(first.get("result"), cached.get("result"));
            assertEquals(0, second.server.jobs().computed());
            TestServer.Reply png = second.get("/api/jobs/" + first.get("id").asText() + "/files/map.png");
            assertEquals(200, png.status());
            assertEquals(s.get("/api/jobs/" + first.get("id").asText() + "/files/map.png").text(), png.text());
        }
    }

    @Test
    void aFailingJobReportsItsErrorAndTheServerCarriesOn() {
        // fc2 has no spatial map: Grad-CAM fails while running, not while checking the parameters
        JsonNode j = s.await(s.job("grad-cam", "{\"image\":\"dataset:0\",\"layer\":\"fc2\"}").get("id").asText());
        assertEquals("failed", j.get("status").asText());
        String error = j.get("error").asText();
        assertTrue(error.contains("fc2"), error);
        assertTrue(!error.contains("\n") && !error.contains("\tat "), "one line: " + error);
        assertEquals(404, s.get("/api/jobs/" + j.get("id").asText() + "/files/map.png").status());
        assertEquals(200, s.get("/api/predict?image=dataset:0").status(), "the server is still up");
        s.run("saliency", "{\"image\":\"dataset:0\"}");
    }

    @Test
    void progressRisesToOne() {
        String id = s.job("occlusion", "{\"image\":\"dataset:9\",\"patch\":2,\"stride\":1}").get("id").asText();
        double last = 0;
        for (int i = 0; i < 100_000; i++) {
            JsonNode j = s.get("/api/jobs/" + id).json();
            double p = j.get("progress").asDouble();
            assertTrue(p >= last, "progress never goes back: " + last + " then " + p);
            last = p;
            if (j.get("status").asText().equals("done")) {
                break;
            }
        }
        assertEquals(1.0, last);
    }
}
