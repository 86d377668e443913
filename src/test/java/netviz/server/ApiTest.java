package netviz.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.cli.Main;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Labels;
import netviz.engine.Interpreter;
import netviz.image.ImageInput;
import netviz.methods.evaluation.Classifier;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each read endpoint of the API against the library computing the same thing in the test. */
class ApiTest {
    static final int LIMIT = 300;
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

    @Test
    void model() {
        TestServer.Reply r = s.get("/api/model");
        assertEquals(200, r.status());
        assertTrue(r.type().startsWith("application/json"), r.type());
        JsonNode m = r.json();
        assertEquals("fashion-mnist-cnn", m.get("name").asText());
        assertEquals("fashion-mnist-cnn.onnx", m.get("file").asText());
        assertEquals("input", m.get("input").get("name").asText());
        assertEquals("[1,1,28,28]", m.get("input").get("shape").toString());
        assertEquals(ip.outputName(), m.get("output").asText());
        List<String> classes = new ArrayList<>();
        m.get("classes").forEach(c -> classes.add(c.asText()));
        assertEquals(Labels.FASHION_MNIST, classes);
        JsonNode layers = m.get("layers");
        assertEquals(ip.graph().nodes().size(), layers.size());
        long params = 0;
        for (JsonNode l : layers) {
            params += l.get("params").asLong();
            for (String f : List.of("index", "name", "op", "output", "shape", "params", "macs", "hasFilters", "channels")) {
                assertTrue(l.has(f), f + " missing in " + l);
            }
        }
        assertEquals(m.get("params").asLong(), params);
        long weights = ip.graph().initializers().values().stream().mapToLong(t -> Arrays.stream(t.shape())
                .reduce(1, (a, b) -> a * b)).sum();
        assertEquals(weights, params, "parameters are the initializers' elements");
        JsonNode conv1 = layers.get(0);
        assertEquals("conv1", conv1.get("name").asText());
        assertEquals("Conv", conv1.get("op").asText());
        assertEquals(32 * 1 * 3 * 3 + 32, conv1.get("params").asLong());
        assertEquals("[1,32,28,28]", conv1.get("shape").toString());
        assertEquals(32, conv1.get("channels").asInt());
        assertTrue(conv1.get("hasFilters").asBoolean());
        assertFalse(layers.get(1).get("hasFilters").asBoolean());
        assertEquals(32L * 28 * 28 * 9, conv1.get("macs").asLong());
    }

    @Test
    void datasetPage() {
        JsonNode d = s.get("/api/dataset?offset=10&limit=5").json();
        assertEquals(LIMIT, d.get("size").asInt());
        assertTrue(d.get("name").asText().contains("Fashion-MNIST"));
        JsonNode items = d.get("items");
        assertEquals(5, items.size());
        Batch b = data.get(10, 11, 12, 13, 14);
        for (int i = 0; i < 5; i++) {
            assertEquals(10 + i, items.get(i).get("index").asInt());
            assertEquals(b.label(i), items.get(i).get("label").asInt());
            assertEquals(Labels.FASHION_MNIST.get(b.label(i)), items.get(i).get("className").asText());
        }
        assertEquals(100, s.get("/api/dataset").json().get("items").size(), "default page");
        assertEquals(0, s.get("/api/dataset?offset=" + LIMIT).json().get("items").size(), "past the end");
        assertEquals(LIMIT - 290, s.get("/api/dataset?offset=290&limit=50").json().get("items").size());
    }

    @Test
    void datasetImage() {
        TestServer.Reply one = s.get("/api/dataset/7.png?scale=1");
        assertEquals(200, one.status());
        assertEquals("image/png", one.type());
        BufferedImage img = one.png();
        BufferedImage expected = s.session().preprocessing().toImage(data.get(7).image(0));
        assertEquals(28, img.getWidth());
        assertEquals(28, img.getHeight());
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(expected.getRGB(x, y) & 0xff, img.getRGB(x, y) & 0xff, "pixel " + x + "," + y);
            }
        }
        BufferedImage big = s.get("/api/dataset/7.png").png();
        assertEquals(112, big.getWidth(), "default scale 4");
        assertEquals(img.getRGB(5, 9), big.getRGB(5 * 4 + 2, 9 * 4 + 1));
        assertTrue(TestServer.colours(img) > 10, "a real picture");
    }

    @Test
    void uploadRoundTripAndPredict() throws Exception {
        // a dataset image as a PNG file: the upload must predict exactly what the dataset image predicts
        BufferedImage pic = s.session().preprocessing().toImage(data.get(21).image(0));
        byte[] bytes = TestServer.png(pic);
        TestServer.Reply up = s.post("/api/images", bytes);
        assertEquals(200, up.status(), up.text());
        JsonNode u = up.json();
        String id = u.get("id").asText();
        assertEquals(ModelSession.sha256(bytes), id);
        assertEquals(28, u.get("width").asInt());
        assertEquals(28, u.get("height").asInt());
        assertEquals(id, s.post("/api/images", bytes).json().get("id").asText(), "same bytes, same id");
        BufferedImage back = s.get("/api/images/" + id + ".png").png();
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(pic.getRGB(x, y) & 0xff, back.getRGB(x, y) & 0xff);
            }
        }
        JsonNode fromUpload = s.get("/api/predict?image=upload:" + id + "&top=10").json();
        JsonNode fromDataset = s.get("/api/predict?image=dataset:21&top=10").json();
        assertEquals("upload:" + id, fromUpload.get("image").asText());
        Classifier.Prediction p;
        try (NDManager scope = ip.newScope()) {
            ImageInput in = ImageInput.of(pic, s.session().preprocessing(), "t");
            p = new Classifier(ip).predict(scope, in.toNDArray(scope));
        }
        for (JsonNode reply : List.of(fromUpload, fromDataset)) {
            JsonNode top = reply.get("top");
            assertEquals(10, top.size());
            int[] order = p.topK(0, 10);
            for (int i = 0; i < 10; i++) {
                assertEquals(order[i], top.get(i).get("class").asInt());
                assertEquals(p.probabilities()[0][order[i]], top.get(i).get("probability").asDouble(), 1e-6);
                assertEquals(Labels.FASHION_MNIST.get(order[i]), top.get(i).get("className").asText());
            }
        }
    }

    @Test
    void anUploadIsShownAsTheModelSeesIt() throws Exception {
        // a colour picture, 40 x 30: the greyscale 28 x 28 model sees it grey, resized and cropped
        BufferedImage colour = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                colour.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 200);
            }
        }
        String id = s.post("/api/images", TestServer.png(colour)).json().get("id").asText();
        BufferedImage stored = s.get("/api/images/" + id + ".png").png();
        assertEquals(40, stored.getWidth(), "without ?as=model: the stored upload");
        BufferedImage seen = s.get("/api/images/" + id + ".png?as=model&scale=2").png();
        BufferedImage want = netviz.render.Images.upscale(s.session().resolve("upload:" + id).picture(), 2);
        assertEquals(want.getWidth(), seen.getWidth());
        assertEquals(56, seen.getWidth(), "the model's 28 x 28 input, twice enlarged");
        for (int y = 0; y < seen.getHeight(); y++) {
            for (int x = 0; x < seen.getWidth(); x++) {
                int rgb = seen.getRGB(x, y);
                assertEquals(want.getRGB(x, y), rgb, "pixel " + x + "," + y);
                assertTrue(((rgb >> 16) & 0xff) == (rgb & 0xff) && ((rgb >> 8) & 0xff) == (rgb & 0xff),
                        "grey, as the one-channel model sees it");
            }
        }
    }

    @Test
    void predictEqualsClassifier() {
        for (int index : new int[] {0, 1, 2, 150, LIMIT - 1}) {
            JsonNode j = s.get("/api/predict?image=dataset:" + index).json();
            assertEquals("dataset:" + index, j.get("image").asText());
            Classifier.Prediction p;
            try (NDManager scope = ip.newScope()) {
                p = new Classifier(ip).predict(scope, data.get(index).toNDArray(scope));
            }
            JsonNode top = j.get("top");
            assertEquals(5, top.size(), "default top 5");
            int[] order = p.topK(0, 5);
            double last = 1;
            for (int i = 0; i < 5; i++) {
                double prob = top.get(i).get("probability").asDouble();
                assertEquals(order[i], top.get(i).get("class").asInt());
                assertEquals(p.probabilities()[0][order[i]], prob, 1e-6);
                assertTrue(prob <= last);
                last = prob;
            }
        }
    }

    @Test
    void layers() {
        JsonNode byName = s.get("/api/layers/conv2").json();
        assertEquals("conv2", byName.get("name").asText());
        assertEquals("Conv", byName.get("op").asText());
        assertEquals("[1,64,14,14]", byName.get("shape").toString());
        assertEquals(64 * 32 * 9 + 64, byName.get("params").asLong());
        assertTrue(byName.get("hasFilters").asBoolean());
        assertEquals(64, byName.get("channels").asInt());
        assertEquals(byName, s.get("/api/layers/3").json(), "node index 3 is conv2");
        JsonNode fc = s.get("/api/layers/fc1").json();
        assertEquals("Gemm", fc.get("op").asText());
        assertFalse(fc.get("hasFilters").asBoolean());
    }

    @Test
    void filtersLookLikeTheCli() throws Exception {
        TestServer.Reply r = s.get("/api/layers/conv1/filters.png");
        assertEquals(200, r.status());
        BufferedImage got = r.png();
        Path cli = tmp.resolve("filters.png");
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "filters",
                "--model", TestServer.MODEL.toString(), "--layer", "conv1", "--out", cli.toString());
        assertEquals(0, code);
        BufferedImage want = javax.imageio.ImageIO.read(cli.toFile());
        assertEquals(want.getWidth(), got.getWidth());
        assertEquals(want.getHeight(), got.getHeight());
        for (int y = 0; y < want.getHeight(); y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                assertEquals(want.getRGB(x, y), got.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        assertTrue(TestServer.colours(got) > 20);
    }

    @Test
    void neighborsAreTheNearestFeatureVectors() {
        JsonNode j = s.get("/api/neighbors?image=dataset:5&k=4").json();
        assertEquals("dataset:5", j.get("image").asText());
        Features f = FeatureExtractor.extract(ip, data, null, new FeatureExtractor.Options(50, LIMIT),
                netviz.Progress.NONE);
        assertEquals(f.layer(), j.get("layer").asText());
        float[] q = f.row(5);
        Integer[] order = new Integer[f.count()];
        double[] dist = new double[f.count()];
        for (int i = 0; i < f.count(); i++) {
            order[i] = i;
            float[] r = f.row(i);
            double d = 0;
            for (int k = 0; k < r.length; k++) {
                d += (r[k] - q[k]) * (double) (r[k] - q[k]);
            }
            dist[i] = Math.sqrt(d);
        }
        Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
        JsonNode n = j.get("neighbors");
        assertEquals(4, n.size());
        int at = 0;
        for (int i = 0; i < f.count() && at < 4; i++) {
            if (order[i] == 5) {
                continue;
            }
            assertEquals(order[i].intValue(), n.get(at).get("index").asInt());
            assertEquals(dist[order[i]], n.get(at).get("distance").asDouble(), 1e-3);
            assertEquals(f.labels()[order[i]], n.get(at).get("label").asInt());
            at++;
        }
        assertEquals(8, s.get("/api/neighbors?image=dataset:5").json().get("neighbors").size(), "default k 8");
    }

    /**
     * Neighbours restricted to the points a page shows (dataset index below {@code below}, true class
     * in {@code classes}) are the nearest among exactly those, by brute force.
     */
    @Test
    void neighborsRestrictedToTheShownPointsAreTheNearestAmongThem() {
        JsonNode j = s.get("/api/neighbors?image=dataset:5&k=6&below=120&classes=1,%203,7").json();
        Features f = FeatureExtractor.extract(ip, data, null, new FeatureExtractor.Options(50, LIMIT),
                netviz.Progress.NONE);
        float[] q = f.row(5);
        List<Integer> shown = new ArrayList<>();
        double[] dist = new double[f.count()];
        for (int i = 0; i < 120; i++) {
            float[] r = f.row(i);
            double d = 0;
            for (int k = 0; k < r.length; k++) {
                d += (r[k] - q[k]) * (double) (r[k] - q[k]);
            }
            dist[i] = Math.sqrt(d);
            int label = f.labels()[i];
            if (i != 5 && (label == 1 || label == 3 || label == 7)) {
                shown.add(i);
            }
        }
        shown.sort((a, b) -> Double.compare(dist[a], dist[b]));
        JsonNode n = j.get("neighbors");
        assertEquals(6, n.size());
        for (int at = 0; at < 6; at++) {
            assertEquals(shown.get(at).intValue(), n.get(at).get("index").asInt());
            assertEquals(dist[shown.get(at)], n.get(at).get("distance").asDouble(), 1e-3);
        }
        TestServer.Reply bad = s.get("/api/neighbors?image=dataset:5&classes=shirt");
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.text().contains("classes must be class indices"), bad.text());
    }

    @Test
    void staticFilesAndWebJars() throws Exception {
        TestServer.Reply js = s.get("/webjars/echarts/5.3.1/dist/echarts.min.js");
        assertEquals(200, js.status());
        assertTrue(js.text().contains("echarts"));
        Assumptions.assumeTrue(NetvizServer.class.getResource(NetvizServer.WEB + "/index.html") != null,
                "the front end (helper webui) is not on this branch yet");
        TestServer.Reply index = s.get("/");
        assertEquals(200, index.status());
        assertTrue(index.type().startsWith("text/html"), index.type());
        try (var in = NetvizServer.class.getResourceAsStream(NetvizServer.WEB + "/index.html")) {
            assertArrayEquals(in.readAllBytes(), s.get("/index.html").body());
        }
    }
}
