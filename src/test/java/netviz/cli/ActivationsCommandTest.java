package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.figures.ActivationsFigure;
import netviz.io.Npy;
import netviz.methods.activations.DeadFilters;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;
import netviz.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationsCommandTest {
    @TempDir
    Path dir;

    static final Path SAMPLES = Paths.get("target", "render-samples");

    /** A smooth synthetic 3 x 67 x 67 picture: a bright disc and stripes. */
    static float[] picture() {
        float[] x = new float[3 * 67 * 67];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 67; y++) {
                for (int xx = 0; xx < 67; xx++) {
                    double d = Math.hypot(y - 30, xx - 38);
                    double v = (d < 18 ? 1.5 : -0.5) + 0.6 * Math.sin(xx * 0.4 + c);
                    x[(c * 67 + y) * 67 + xx] = (float) v;
                }
            }
        }
        return x;
    }

    /** On the libtorch runtime the raw maps are the interpreter's bit for bit (ONNX Runtime's: ForwardRuntimesTest). */
    @Test
    void defaultLayersRawMapsEqualTheInterpreterAndJson() throws Exception {
        Graph graph = ModelZoo.alexnet(13, 1).graph();
        Path model = dir.resolve("alexnet.onnx");
        OnnxWriter.write(graph, model);
        Path in = dir.resolve("x.npy");
        float[] x = picture();
        Npy.write(in, x, 1, 3, 67, 67);
        Path png = SAMPLES.resolve("cli-activations-alexnet.png");
        Path raw = dir.resolve("raw");
        Cli.Result r = Cli.run("activations", "--model", model.toString(), "--input", in.toString(),
                "--out", png.toString(), "--raw", raw.toString(), "--json", "--runtime", "torch");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        List<String> defaults = ActivationsFigure.defaultLayers(OnnxLoader.load(model));
        assertEquals(4, defaults.size(), "five convolutions: four are shown by default");
        assertEquals(4, j.get("layers").size());
        try (Interpreter ip = Interpreter.of(OnnxLoader.load(model)); NDManager m = ip.newScope()) {
            Values v = ip.forward(m, m.create(x, new Shape(1, 3, 67, 67)), defaults.toArray(new String[0]));
            for (int i = 0; i < 4; i++) {
                JsonNode l = j.get("layers").get(i);
                assertEquals(defaults.get(i), l.get("layer").asText());
                assertEquals(16, l.get("channels").size());
                Tensor t = Npy.read(Path.of(l.get("raw").asText()));
                float[] expected = v.get(defaults.get(i)).toFloatArray();
                assertArrayEquals(expected, t.toFloatArray());
                assertEquals(3, t.shape().length);
            }
        }
        assertTrue(Png.read(png).getWidth() > 400);
    }

    @Test
    void strongestMapsOfNamedLayersPerMapScaleAndErrors() throws Exception {
        Graph graph = ModelZoo.alexnet(13, 1).graph();
        Path model = dir.resolve("alexnet.onnx");
        OnnxWriter.write(graph, model);
        Path in = dir.resolve("x.npy");
        Npy.write(in, picture(), 3, 67, 67);
        List<String> acts = DeadFilters.convActivations(graph);
        Path png = SAMPLES.resolve("cli-activations-alexnet-max.png");
        Cli.Result r = Cli.run("activations", "-m", model.toString(), "--input", in.toString(), "--layer",
                acts.get(0) + "," + acts.get(4), "--count", "8", "--sort", "max", "--scale", "map",
                "--colormap", "magma", "--out", png.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("8 strongest by max"), r.out());
        assertTrue(Files.isRegularFile(png));

        Cli.Result bad = Cli.run("activations", "-m", model.toString(), "--input", in.toString(), "--layer", "nope",
                "--out", dir.resolve("b.png").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("netviz: error: unknown layer 'nope'"), bad.err());
        Cli.Result sort = Cli.run("activations", "-m", model.toString(), "--input", in.toString(), "--sort", "loud",
                "--out", dir.resolve("b.png").toString());
        assertEquals(2, sort.code());
        assertTrue(sort.err().contains("unknown order 'loud'; use index, mean or max"), sort.err());
        Cli.Result noInput = Cli.run("activations", "-m", model.toString(), "--out", dir.resolve("b.png").toString());
        assertEquals(2, noInput.code());
        assertTrue(!Files.exists(dir.resolve("b.png")));
    }

    @Test
    void anImageFileIsPreprocessedForTheModelAndShown() throws Exception {
        Graph graph = ModelZoo.alexnet(13, 1).graph();
        Path model = dir.resolve("alexnet.onnx");
        OnnxWriter.write(graph, model);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(90, 80, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, (x * 255 / 90) << 16 | (y * 255 / 80) << 8 | 128);
            }
        }
        Path picture = dir.resolve("p.png");
        Png.write(img, picture);
        Path png = dir.resolve("act.png");
        Cli.Result r = Cli.run("activations", "-m", model.toString(), "--image", picture.toString(), "--preset", "imagenet",
                "--size", "67", "--crop", "67", "--layer", DeadFilters.convActivations(graph).get(0), "--count", "4",
                "--out", png.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertEquals("[1,16,16,16]", j.get("layers").get(0).get("shape").toString());
        assertEquals(4, j.get("layers").get(0).get("channels").size());
        assertTrue(Png.read(png).getWidth() > 67 * 2, "input and maps are drawn");
    }
}
