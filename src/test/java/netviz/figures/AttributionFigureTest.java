package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.AttributionFigure.Options;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution recipe against the command line (its PNG is the recipe's figure, pixel for
 * pixel, when run with the options' arguments), the web app's panels (the same pixels as in the
 * row) and the library (the raw array is the method's result).
 */
class AttributionFigureTest {
    @TempDir
    static Path dir;
    static Session s;
    static List<Path> files;
    static List<Picture> pictures;

    @BeforeAll
    static void open() throws Exception {
        s = Session.open(FigureTesting.MODEL);
        Files.createDirectories(dir.resolve("in"));
        files = FigureTesting.images(s, dir.resolve("in"), 3, 8);
        pictures = files.stream().map(s::picture).toList();
    }

    @AfterAll
    static void close() {
        if (s != null) {
            s.close();
        }
    }

    static final List<Options> CASES = List.of(
            Options.of(Method.SALIENCY).withTarget("Trouser"),
            Options.of(Method.SMOOTHGRAD).withSmooth(NoiseTunnel.Options.defaults().withSamples(4).withSeed(3)),
            Options.of(Method.GUIDED_BACKPROP),
            Options.of(Method.GUIDED_BACKPROP).withNeuron("conv2", 5, null),
            Options.of(Method.DECONVNET).withTarget("2"),
            Options.of(Method.INTEGRATED_GRADIENTS).withSteps(8).withBaseline("blur"),
            Options.of(Method.GRAD_CAM).withGuided(true),
            Options.of(Method.GRAD_CAM_PLUS_PLUS).withTarget("Pullover"),
            Options.of(Method.SCORE_CAM).withLayer("relu1").withBaseline("blur").withBatch(5));

    @Test
    void theCommandLineWritesTheRecipesFigure() throws Exception {
        for (Options o : CASES) {
            FigureResult one = AttributionFigure.make(s, pictures.subList(0, 1), o, Progress.NONE);
            BufferedImage cli = FigureTesting.cli(o.command(), o.arguments(), files.get(0), dir.resolve("one.png"));
            assertTrue(FigureTesting.same(one.figure().image(), cli), o + " " + o.arguments());
            FigureResult both = AttributionFigure.make(s, pictures, o, Progress.NONE);
            assertEquals(3, both.figures().size(), "the contact sheet, then one row per image");
            if (o.method().cam()) {
                // the engine's batched convolution rounds differently from a batch of one (measured: 7e-9 on
                // Grad-CAM maps up to 0.011, 3e-6 on Score-CAM maps up to 22), enough to move a colour bin,
                // so the class activation maps agree with the batch's to float precision, not pixel for pixel
                float[] alone = one.arrays().get(AttributionFigure.RAW).values();
                float[] batch = both.arrays().get(AttributionFigure.RAW).values();
                float tolerance = 1e-5f * Math.max(1e-3f, max(alone));
                assertArrayEquals(alone, Arrays.copyOf(batch, alone.length), tolerance, o.toString());
            } else {
                assertTrue(FigureTesting.same(one.figure().image(), both.figures().get(1).image()),
                        "an image's row does not depend on the batch: " + o);
            }
            BufferedImage sheet = FigureTesting.cli(o.command(), o.arguments(), dir.resolve("in"), dir.resolve("b.png"));
            assertTrue(FigureTesting.same(both.figure().image(), sheet), "contact sheet " + o.arguments());
        }
    }

    static float max(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void theWebPanelsAreThePanelsOfTheRow() {
        for (Options o : CASES.subList(0, 6)) {
            if (o.method() == Method.GUIDED_BACKPROP || o.method() == Method.DECONVNET) {
                continue; // their overlay is the web app's own panel (max_c |g| over the picture)
            }
            FigureResult row = AttributionFigure.make(s, pictures.subList(1, 2), o, Progress.NONE);
            FigureResult web = AttributionFigure.panels(s, pictures.get(1), o, Progress.NONE);
            assertEquals(2, web.figures().size());
            for (int i = 0; i < 2; i++) {
                assertTrue(FigureTesting.contains(row.figure().image(), web.figures().get(i)), o + " panel " + i);
            }
            assertEquals(AttributionFigure.image(row, 0).get("target"), AttributionFigure.image(web, 0).get("target"));
        }
        for (Options o : CASES.subList(7, 9)) {
            FigureResult row = AttributionFigure.make(s, pictures.subList(1, 2), o, Progress.NONE);
            FigureResult web = AttributionFigure.panels(s, pictures.get(1), o, Progress.NONE);
            for (int i = 0; i < 2; i++) {
                assertTrue(FigureTesting.contains(row.figure().image(), web.figures().get(i)), o + " panel " + i);
            }
        }
        Options g = Options.of(Method.GUIDED_BACKPROP);
        FigureResult row = AttributionFigure.make(s, pictures.subList(1, 2), g, Progress.NONE);
        FigureResult web = AttributionFigure.panels(s, pictures.get(1), g, Progress.NONE);
        assertTrue(FigureTesting.contains(row.figure().image(), web.figures().get(1)), "the signed gradient");
    }

    @Test
    void theRawArrayIsTheMethodsResult() {
        FigureResult r = AttributionFigure.make(s, pictures, Options.of(Method.SALIENCY).withTarget("1"), Progress.NONE);
        RawArray raw = r.arrays().get(AttributionFigure.RAW);
        assertArrayEquals(new long[] {2, 28, 28}, raw.shape());
        try (NDManager m = s.interpreter().newScope()) {
            float[] want = new Saliency(s.gradients()).attribute(AttributionInputs.stack(m, pictures),
                    Target.classes(1)).values();
            assertArrayEquals(want, raw.values(), 0f);
        }
        assertEquals("saliency", r.summary().get("method"));
        Map<String, Object> first = AttributionFigure.image(r, 0);
        assertEquals("class 1 Trouser", first.get("target"));
        assertEquals(1, AttributionFigure.targetIndex(r, 1));
    }

    @Test
    void optionsAreCheckedAndNamedAsOnTheCommandLine() {
        assertEquals(Method.SMOOTHGRAD, Options.of(Method.SALIENCY).withSmooth(NoiseTunnel.Options.defaults()).method(),
                "saliency with noise is SmoothGrad");
        assertEquals(List.of("--smooth", "50"), Options.of(Method.SMOOTHGRAD).arguments());
        assertEquals(List.of("--target", "3", "--rule", "deconvnet", "--smooth", "10", "--noise", "0.2"),
                Options.of(Method.DECONVNET).withTarget("3")
                        .withSmooth(new NoiseTunnel.Options(10, 0.2, 0, 16)).arguments());
        assertEquals(List.of("--layer", "conv2", "--channel", "1", "--position", "3,4"),
                Options.of(Method.GUIDED_BACKPROP).withNeuron("conv2", 1, new int[] {3, 4}).arguments());
        assertEquals(List.of("--steps", "8", "--baseline", "blur", "--riemann", "TRAPEZOID", "--batch", "4"),
                Options.of(Method.INTEGRATED_GRADIENTS).withSteps(8).withBaseline("blur")
                        .withRiemann(IntegratedGradients.Rule.TRAPEZOID).withBatch(4)
                        .arguments());
        assertEquals(List.of("--layer", "conv1", "--guided"),
                Options.of(Method.GRAD_CAM).withLayer("conv1").withGuided(true).arguments());
        assertEquals(List.of("--layer", "conv1"), Options.of(Method.GRAD_CAM_PLUS_PLUS).withLayer("conv1").arguments());
        assertEquals(List.of(), Options.of(Method.SCORE_CAM).withBaseline("zero").withBatch(32).arguments(),
                "Score-CAM's defaults: zero baseline, 32 masks per pass");
        assertEquals(List.of("--target", "1", "--layer", "relu1", "--baseline", "blur", "--batch", "16"),
                Options.of(Method.SCORE_CAM).withTarget("1").withLayer("relu1").withBaseline("blur").withBatch(16)
                        .arguments());
        assertEquals("--guided applies to grad-cam, not score-cam", assertThrows(NetvizException.class,
                () -> Options.of(Method.SCORE_CAM).withGuided(true)).getMessage());
        assertEquals("Score-CAM batch 0 must be between 1 and 4096", assertThrows(NetvizException.class,
                () -> Options.of(Method.SCORE_CAM).withBatch(0)).getMessage());
        assertEquals("--layer applies to grad-cam, grad-cam++, score-cam and guided-backprop, not saliency",
                assertThrows(NetvizException.class, () -> Options.of(Method.SALIENCY).withLayer("conv1")).getMessage());
        assertEquals("a neuron needs both --layer L and --channel C", assertThrows(NetvizException.class,
                () -> Options.of(Method.GUIDED_BACKPROP).withLayer("conv2")).getMessage());
        assertEquals("give either --target (a class) or --layer/--channel (a neuron), not both",
                assertThrows(NetvizException.class, () -> Options.of(Method.GUIDED_BACKPROP).withTarget("1")
                        .withNeuron("conv2", 1, null)).getMessage());
        assertEquals("--guided applies to grad-cam, not saliency", assertThrows(NetvizException.class,
                () -> Options.of(Method.SALIENCY).withGuided(true)).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> Options.of(Method.INTEGRATED_GRADIENTS).withBaseline("gray"))
                .getMessage().startsWith("--baseline gray: fill 'gray' is not one of"));
    }
}
