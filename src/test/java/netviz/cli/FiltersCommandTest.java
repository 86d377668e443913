package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.methods.params.Filters;
import netviz.onnx.OnnxWriter;
import netviz.render.Png;
import netviz.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiltersCommandTest {
    @TempDir
    Path dir;

    static final Path SAMPLES = Paths.get("target", "render-samples");

    Path alexnet() throws Exception {
        Path m = dir.resolve("alexnet.onnx");
        OnnxWriter.write(ModelZoo.alexnet(13, 1).graph(), m);
        return m;
    }

    @Test
    void firstConvolutionAsColourTilesAndRawWeights() throws Exception {
        Path model = alexnet();
        Graph g = netviz.onnx.OnnxLoader.load(model);
        Filters.FilterBank bank = Filters.of(g);
        Path png = SAMPLES.resolve("cli-filters-alexnet.png");
        Path raw = dir.resolve("w.npy");
        Cli.Result r = Cli.run("filters", "--model", model.toString(), "--out", png.toString(), "--raw", raw.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith(bank.layer() + ": 16 filters"), r.out());
        Tensor w = Npy.read(raw);
        assertArrayEquals(new long[] {16, 3, 11, 11}, w.shape());
        assertArrayEquals(bank.weights(), w.toFloatArray());
        BufferedImage img = Png.read(png);
        assertTrue(img.getWidth() > 11 * 4 * 4, "4 x 4 grid of enlarged tiles");
    }

    @Test
    void oneFilterOfADeeperLayerWithTheDivergingMapAndJson() throws Exception {
        Path model = alexnet();
        Graph g = netviz.onnx.OnnxLoader.load(model);
        String second = Filters.convolutions(g).get(1).label();
        Filters.FilterBank bank = Filters.of(g, second);
        Path png = SAMPLES.resolve("cli-filters-alexnet-conv2-k3.png");
        Cli.Result r = Cli.run("filters", "-m", model.toString(), "--layer", second, "--filter", "3",
                "--colormap", "diverging", "--scale", "layer", "--out", png.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertEquals(second, j.get("layer").asText());
        assertEquals(3, j.get("filter").asInt());
        assertEquals(bank.filters(), j.get("filters").size());
        assertEquals(bank.group(), j.get("group").asInt());
        assertTrue(Files.isRegularFile(png));

        Cli.Result many = Cli.run("filters", "-m", model.toString(), "--layer", second, "--channel", "2",
                "--out", SAMPLES.resolve("cli-filters-alexnet-conv2-c2.png").toString());
        assertEquals(0, many.code(), many.toString());
    }

    @Test
    void badRequestsExitWithCode2AndOneLine() throws Exception {
        Path model = alexnet();
        Graph g = netviz.onnx.OnnxLoader.load(model);
        String relu = g.nodes().stream().filter(n -> n.opType().equals("Relu")).findFirst().orElseThrow().label();
        Cli.Result notConv = Cli.run("filters", "-m", model.toString(), "--layer", relu, "--out", dir.resolve("a.png").toString());
        assertEquals(2, notConv.code());
        assertTrue(notConv.err().startsWith("netviz: error: layer '" + relu + "' is a Relu node"), notConv.err());
        assertEquals(1, notConv.err().strip().lines().count());

        Cli.Result unknown = Cli.run("filters", "-m", model.toString(), "--layer", "conv99", "--out", dir.resolve("a.png").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown layer 'conv99'; did you mean"), unknown.err());

        Cli.Result range = Cli.run("filters", "-m", model.toString(), "--filter", "16", "--out", dir.resolve("a.png").toString());
        assertEquals(2, range.code());
        assertTrue(range.err().contains("filter 16 is out of range"), range.err());
        assertTrue(range.err().contains("has 16 filters (0..15)"), range.err());
        assertTrue(!Files.exists(dir.resolve("a.png")), "nothing written on errors");
    }

    @Test
    void pixelsOfTheWrittenPngEqualTheNormalisedWeights() throws Exception {
        Path model = alexnet();
        Filters.FilterBank bank = Filters.of(netviz.onnx.OnnxLoader.load(model));
        Path png = dir.resolve("gray.png");
        // one channel of each filter through the gray map, layer scale
        Cli.Result r = Cli.run("filters", "-m", model.toString(), "--colormap", "gray", "--scale", "layer",
                "--tile-size", "22", "--out", png.toString());
        assertEquals(0, r.code(), r.toString());
        BufferedImage img = Png.read(png);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : bank.weights()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // find filter 0's tile: three channels side by side at factor 2 (22 px / 11), framed in light gray;
        // locate it by scanning for the first pixel run matching the expected first row
        int[] expected = new int[11];
        for (int x = 0; x < 11; x++) {
            expected[x] = (int) Math.round(255 * (bank.get(0, 0, 0, x) - lo) / (hi - lo));
        }
        Rectangle found = null;
        for (int y = 0; y + 1 < img.getHeight() && found == null; y++) {
            for (int x = 0; x + 22 < img.getWidth(); x++) {
                boolean ok = true;
                for (int k = 0; k < 11 && ok; k++) {
                    int p = img.getRGB(x + 2 * k, y) & 0xff;
                    int q = img.getRGB(x + 2 * k + 1, y + 1) & 0xff;
                    ok = p == expected[k] && q == expected[k];
                }
                if (ok) {
                    found = new Rectangle(x, y, 22, 22);
                    break;
                }
            }
        }
        assertTrue(found != null, "filter 0, channel 0 is in the picture at factor 2");
        for (int yy = 0; yy < 11; yy++) {
            for (int xx = 0; xx < 11; xx++) {
                int level = (int) Math.round(255 * (bank.get(0, 0, yy, xx) - lo) / (hi - lo));
                assertEquals(level, img.getRGB(found.x + 2 * xx, found.y + 2 * yy) & 0xff);
            }
        }
    }
}
