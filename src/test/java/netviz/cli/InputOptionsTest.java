package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --image goes through the model's metadata preprocessing or the flags; --input is fed as it is. */
class InputOptionsTest {
    @TempDir
    Path dir;

    private Path identityModel(String preprocessingJson) {
        GraphBuilder g = new GraphBuilder("id", 13);
        String x = g.input("x", -1, 1, 4, 4);
        g.output(g.node("Identity", "same", List.of(x)));
        if (preprocessingJson != null) {
            g.metadata("netviz.preprocessing", preprocessingJson);
        }
        Path m = dir.resolve("id" + (preprocessingJson == null ? "" : "-meta") + ".onnx");
        OnnxWriter.write(g.build(), m);
        return m;
    }

    /** An 8×8 image of one grey value, so any resampling keeps the value and the oracle is exact. */
    private Path greyImage(int value) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(value, value, value));
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        Path p = dir.resolve("grey.png");
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    private float[] forward(String... args) {
        Path out = dir.resolve("out");
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out-dir";
        all[args.length + 1] = out.toString();
        Cli.Result r = Cli.run(all);
        assertEquals(0, r.code(), r.toString());
        Tensor t = Npy.read(out.resolve("same_out.npy"));
        assertArrayEquals(new long[] {1, 1, 4, 4}, t.shape());
        return t.toFloatArray();
    }

    private static void assertAll(float expected, float[] values) {
        for (float v : values) {
            assertEquals(expected, v, 1e-6f, Arrays.toString(values));
        }
    }

    @Test
    void flagsDecideWithoutMetadata() throws Exception {
        Path m = identityModel(null);
        Path img = greyImage(200);
        float[] v = forward("forward", "-m", m.toString(), "--image", img.toString(), "--preset", "none",
                "--size", "4", "--crop", "4", "--channels", "1", "--mean", "0.5", "--std", "0.5");
        assertAll((200 / 255f - 0.5f) / 0.5f, v);
    }

    @Test
    void metadataPreprocessingIsUsedAndFlagsOverrideIt() throws Exception {
        Path m = identityModel("{\"preset\":\"none\",\"size\":4,\"crop\":4,\"channels\":1,\"mean\":[0.25],\"std\":[2]}");
        Path img = greyImage(200);
        assertAll((200 / 255f - 0.25f) / 2f, forward("forward", "-m", m.toString(), "--image", img.toString()));
        assertAll((200 / 255f - 0.25f) / 4f, forward("forward", "-m", m.toString(), "--image", img.toString(),
                "--std", "4"));
    }

    @Test
    void cropThatDoesNotFitTheModelIsAOneLineError() throws Exception {
        Path m = identityModel(null);
        Path img = greyImage(10);
        Cli.Result r = Cli.run("forward", "-m", m.toString(), "--image", img.toString(), "--crop", "6",
                "--out-dir", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("netviz: error: model input 'x' expects 4x4 images"), r.err());
        assertTrue(!Files.exists(dir.resolve("o")) || dir.resolve("o").toFile().list().length == 0);
    }

    @Test
    void notAnImageIsAOneLineError() throws Exception {
        Path m = identityModel(null);
        Path fake = dir.resolve("fake.png");
        Files.writeString(fake, "hello");
        Cli.Result r = Cli.run("forward", "-m", m.toString(), "--image", fake.toString(), "--out-dir",
                dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("fake.png"), r.err());
    }

    @Test
    void bothInputsAreRejected() throws Exception {
        Path m = identityModel(null);
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[16], 1, 4, 4);
        Cli.Result r = Cli.run("forward", "-m", m.toString(), "--image", greyImage(1).toString(), "--input", x.toString(),
                "--out-dir", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: give either --image or --input, not both\n", r.err());
    }
}
