package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.engine.Attribute;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate and classify on a model whose prediction is the brightest of four pixels: hand-computed answers. */
class EvaluateCommandTest {
    @TempDir
    Path dir;
    Path model;
    Path images;

    @BeforeEach
    void setUp() {
        GraphBuilder g = new GraphBuilder("brightest", 13);
        String x = g.input("x", -1, 1, 2, 2);
        String f = g.node("Flatten", "flatten", List.of(x));
        float[] eye = new float[16];
        for (int i = 0; i < 4; i++) {
            eye[i * 4 + i] = 1f;
        }
        String w = g.initializer("w", Tensor.ofFloats(new long[] {4, 4}, eye));
        g.output(g.node("Gemm", "fc", List.of(f, w), Attribute.ofInt("transB", 1)));
        model = dir.resolve("brightest.onnx");
        OnnxWriter.write(g.build(), model);

        images = dir.resolve("set.npy");
        Npy.write(images, new float[] {
            0.9f, 0.1f, 0.1f, 0.1f,   // label 0 → 0
            0.1f, 0.9f, 0.0f, 0.0f,   // label 1 → 1
            0.0f, 0.0f, 0.9f, 0.0f,   // label 1 → 2
            0.0f, 0.0f, 0.0f, 0.8f,   // label 3 → 3
            0.5f, 0.0f, 0.0f, 0.1f,   // label 3 → 0
        }, 5, 1, 2, 2);
        Npy.write(dir.resolve("set-labels.npy"), Tensor.ofLongs(new long[] {5}, 0, 1, 1, 3, 3));
    }

    @Test
    void accuracyAndConfusionMatrixAsJsonAndPng() throws Exception {
        Path png = dir.resolve("cm.png");
        Cli.Result r = Cli.run("evaluate", "-m", model.toString(), "--data", images.toString(), "--batch-size", "2",
                "--out", png.toString(), "--json", "--no-progress");
        assertEquals(0, r.code(), r.toString());
        JsonNode doc = OutputOptions.mapper().readTree(r.out());
        assertEquals(5, doc.get("examples").asLong());
        assertEquals(3, doc.get("correct").asLong());
        assertEquals(0.6, doc.get("accuracy").asDouble(), 1e-12);
        assertEquals("[[1,0,0,0],[0,1,1,0],[0,0,0,0],[1,0,0,1]]", doc.get("confusion").toString());
        JsonNode c2 = doc.get("perClass").get(2);
        assertTrue(c2.get("recall").isNull(), "no example of class 2: recall undefined");
        assertEquals(0.0, c2.get("precision").asDouble(), 0);
        assertEquals(0.5, doc.get("perClass").get(3).get("recall").asDouble(), 1e-12);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 200 && img.getHeight() > 200);
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
    }

    @Test
    void textReportAndLimit() {
        Path png = dir.resolve("cm.png");
        Cli.Result r = Cli.run("evaluate", "-m", model.toString(), "--data", images.toString(), "--limit", "2",
                "--out", png.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("accuracy  100.0%  (2 of 2 correct)"), r.out());
        assertTrue(r.out().contains("wrote " + png), r.out());
    }

    @Test
    void labelsWhoseCountDoesNotMatchAreRejectedAndNothingIsWritten() throws Exception {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "a\nb\nc\n");
        Path png = dir.resolve("cm.png");
        Cli.Result r = Cli.run("evaluate", "-m", model.toString(), "--data", images.toString(), "--labels",
                labels.toString(), "--out", png.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("3 class names but the model has 4 outputs"), r.err());
        assertFalse(Files.exists(png));
    }

    @Test
    void classifyRanksTheBrightestPixelFirst() throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[] {0.1f, 0.2f, 0.7f, 0.0f}, 1, 2, 2);
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "top-left\ntop-right\nbottom-left\nbottom-right\n");
        Cli.Result r = Cli.run("classify", "-m", model.toString(), "--input", x.toString(), "--labels", labels.toString(),
                "--top", "2", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode top = OutputOptions.mapper().readTree(r.out()).get("examples").get(0).get("top");
        assertEquals(2, top.size());
        assertEquals("bottom-left", top.get(0).get("label").asText());
        assertEquals("top-right", top.get(1).get("label").asText());
        // softmax of the logits (0.1, 0.2, 0.7, 0.0)
        double z = Math.exp(0.1) + Math.exp(0.2) + Math.exp(0.7) + Math.exp(0.0);
        assertEquals(Math.exp(0.7) / z, top.get(0).get("probability").asDouble(), 1e-6);
        assertEquals("softmax_of_logits", OutputOptions.mapper().readTree(r.out()).get("scores").asText());

        r = Cli.run("classify", "-m", model.toString(), "--input", x.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("1. 2  "), r.out());
    }
}
