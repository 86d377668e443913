package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ModelView;
import netviz.io.Npy;
import netviz.methods.attribution.AttributionModels;
import netviz.methods.attribution.ClassifierFormsTest;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --output, --score and --layout end to end, against the library on the same model (the oracle). */
class ModelFormsCommandsTest {
    @TempDir
    Path dir;

    private Path write(Graph g, String name) throws Exception {
        Path p = dir.resolve(name);
        OnnxWriter.write(g, p);
        return p;
    }

    private Path npy(float[] v, long... shape) throws Exception {
        Path p = dir.resolve("x" + shape.length + "-" + v.length + "-" + shape[shape.length - 1] + ".npy");
        Npy.write(p, v, shape);
        return p;
    }

    /** Signed-free saliency (max |gradient| over channels) of the library on {@code g}, for one image. */
    private static float[] library(Graph g, float[] x, int c, Target t) {
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            return new Saliency(it).attribute(m.create(x, new Shape(1, c, 8, 8)), t).values();
        }
    }

    private float[] saliency(Path model, Path input, String... extra) {
        Path raw = dir.resolve("raw-" + System.nanoTime() + ".npy");
        String[] args = new String[6 + extra.length];
        System.arraycopy(new String[] {"saliency", "--model=" + model, "--input", input.toString(), "--raw",
            raw.toString()}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = dir.resolve("s.png").toString();
        Cli.Result r = Cli.run(all);
        assertEquals(0, r.code(), r.toString());
        return Npy.read(raw).toFloatArray();
    }

    @Test
    void severalOutputs() throws Exception {
        Graph g = ClassifierFormsTest.twoHeads();
        Path m = write(g, "two.onnx");
        float[] x = AttributionModels.random(new Random(1), 128, 1);
        Path in = npy(x, 2, 8, 8);
        Cli.Result info = Cli.run("info", "--model", m.toString());
        assertEquals(0, info.code(), info.toString());
        assertTrue(info.out().lines().anyMatch(l -> l.startsWith("output    main") && l.endsWith("(classifier)")), info.out());
        assertTrue(info.out().lines().anyMatch(l -> l.startsWith("output    aux") && l.contains("(auxiliary, ignored")),
                info.out());
        Cli.Result json = Cli.run("info", "--model", m.toString(), "--json");
        assertTrue(json.out().contains("\"classifierOutput\" : \"main\""), json.out());
        Graph main = ModelView.of(g, ModelView.Options.defaults());
        Graph aux = ModelView.of(g, ModelView.Options.defaults().withOutput("aux"));
        assertArrayEquals(library(main, x, 2, Target.predicted()), saliency(m, in), 1e-6f);
        assertArrayEquals(library(aux, x, 2, Target.predicted()), saliency(m, in, "--output", "aux"), 1e-6f);
        Cli.Result bad = Cli.run("saliency", "--model", m.toString(), "--input", in.toString(), "--output", "mian",
                "--out", dir.resolve("b.png").toString());
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().startsWith("netviz: error: unknown graph output 'mian'"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }

    @Test
    void softmaxHeadSaysOnceWhatItExplains() throws Exception {
        Graph g = AttributionModels.cnn(5, 1, true);
        Path m = write(g, "soft.onnx");
        float[] x = AttributionModels.random(new Random(2), 64, 1);
        Path in = npy(x, 1, 8, 8);
        Path raw = dir.resolve("l.npy");
        Cli.Result r = Cli.run("saliency", "--model", m.toString(), "--input", in.toString(), "--raw", raw.toString(),
                "--out", dir.resolve("l.png").toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("netviz: note: the model's output 'prob_out' is a softmax:"
                + " class scores are its logits 'fc_out'")).count(), r.err());
            assertArrayEquals(library(AttributionModels.cnn(5, 1, false), x, 1, Target.predicted()),
                    Npy.read(raw).toFloatArray(), 1e-6f);
        Graph prob = ModelView.of(g, ModelView.Options.defaults().withScore(ModelView.Score.PROBABILITY));
        assertArrayEquals(library(prob, x, 1, Target.classes(1)), saliency(m, in, "--score", "probability", "--target",
                "1"), 1e-6f);
        Cli.Result bad = Cli.run("saliency", "--model", m.toString(), "--input", in.toString(), "--score", "odds",
                "--out", dir.resolve("b.png").toString());
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().startsWith("netviz: error: unknown score 'odds'; use logit or probability"), bad.err());
    }

    @Test
    void channelsLastModel() throws Exception {
        Graph nchw = AttributionModels.cnn(7, 3, false);
        Graph nhwc = ClassifierFormsTest.channelsLast(nchw, 3);
        Path m = write(nhwc, "nhwc.onnx");
        float[] x = AttributionModels.random(new Random(3), 192, 1);
        float[] xl = new float[192]; // the same image channels-last
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 64; p++) {
                xl[p * 3 + c] = x[c * 64 + p];
            }
        }
        float[] expect = library(nchw, x, 3, Target.classes(2));
        // an array in the model's own layout (H, W, C), and one already NCHW, give the NCHW twin's saliency
        assertArrayEquals(expect, saliency(m, npy(xl, 8, 8, 3), "--target", "2"), 1e-6f);
        assertArrayEquals(expect, saliency(m, npy(x, 1, 3, 8, 8), "--target", "2"), 1e-6f);
        Path raw = dir.resolve("n.npy");
        Cli.Result r = Cli.run("saliency", "--model", m.toString(), "--input", npy(xl, 8, 8, 3).toString(),
                "--raw", raw.toString(), "--out", dir.resolve("n.png").toString());
        assertTrue(r.err().contains("netviz: note: the model's input 'x' is channels-last [N, 8, 8, 3]; netviz feeds it"
                + " as NCHW [N, 3, 8, 8]"), r.err());
        Cli.Result info = Cli.run("info", "--model", m.toString());
        assertTrue(info.out().contains("input     x  FLOAT [N, 8, 8, 3]  (channels-last: netviz feeds it NCHW [N, 3, 8, 8])"),
                info.out());
        // an image: preprocessed to NCHW for the view, drawn in true colours
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
            img.setRGB(i % 8, i / 8, (i * 4) << 16 | (255 - i * 3) << 8 | (i * 2));
        }
        Path png = dir.resolve("img.png");
        ImageIO.write(img, "png", png.toFile());
        Path rawImg = dir.resolve("img.npy");
        Cli.Result ri = Cli.run("saliency", "--model", m.toString(), "--image", png.toString(), "--preset", "none",
                "--raw", rawImg.toString(), "--out", dir.resolve("i.png").toString());
        assertEquals(0, ri.code(), ri.toString());
        assertArrayEquals(new long[] {8, 8}, Npy.read(rawImg).shape());
        // --layout nchw keeps the model's own input, which an NCHW array does not fit
        Cli.Result own = Cli.run("saliency", "--model", m.toString(), "--input", npy(x, 1, 3, 8, 8).toString(),
                "--layout", "nchw", "--out", dir.resolve("o.png").toString());
        assertEquals(2, own.code(), own.toString());
        assertTrue(own.err().contains("but the model expects [N, 8, 8, 3]"), own.err());
    }
}
