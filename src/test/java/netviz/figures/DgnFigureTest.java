package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.NetvizException;
import netviz.Progress;
import netviz.io.Npy;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Clamp;
import netviz.methods.generative.DeepGeneratorActivationMaximization.Start;
import netviz.render.Png;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DGN-AM recipe draws the figure {@code netviz dgn} writes when given
 * {@link DgnFigure.Options#arguments()}, pixel for pixel, with the same raw arrays. (The report's
 * figure is compared with its caption's command in {@code DgnSectionTest}; the web app has no
 * DGN-AM job.)
 */
class DgnFigureTest {
    static final Path MODEL = FigureTesting.MODEL;

    @TempDir
    Path dir;

    @Test
    void theCommandLineDrawsTheRecipesPixels() {
        DgnFigure.Options o = DgnFigure.Options.defaults().withTargets(List.of("Trouser", "8")).withIterations(12)
                .withAmIterations(6).withClamp(Clamp.PERCENTILE).withNoise(0.5).withSeed(3).withTile(64);
        FigureResult made;
        try (Session s = Session.open(MODEL)) {
            DgnFigure.Generator g = DgnFigure.generator(s, null);
            assertNull(g.warning(), "the bundled generator was trained for the bundled model");
            made = DgnFigure.make(s, g, null, o, Progress.NONE);
        }
        assertEquals(List.of("Trouser (1)", "Bag (8)"), made.summary().get("units"));
        List<String> args = new ArrayList<>(List.of("dgn", "--model", MODEL.toString()));
        args.addAll(o.arguments());
        args.addAll(List.of("--out", dir.toString(), "--no-progress"));
        FacetsFigureTest.netviz(args);
        assertTrue(FigureTesting.same(made.figure().image(), Png.read(dir.resolve("dgn.png"))), "dgn.png");
        assertArrayEquals(made.arrays().get("images").values(), Npy.readFloats(dir.resolve("dgn-images.npy")).data());
        assertArrayEquals(made.arrays().get("codes").values(), Npy.readFloats(dir.resolve("dgn-codes.npy")).data());
    }

    @Test
    void argumentsNameExactlyTheSettingsThatDifferFromTheDefaults() {
        assertEquals(List.of("--target", "all"), DgnFigure.Options.defaults().withTargets(List.of("all")).arguments());
        DgnFigure.Options o = DgnFigure.Options.defaults().withLayer("conv2", new int[] {3, 5}).withIterations(30)
                .withLearningRate(0.05).withL2(0.01).withStart(Start.ZEROS).withNoise(0.5).withClamp(Clamp.NONE)
                .withAmIterations(0).withSeed(4).withTile(64);
        assertEquals(List.of("--layer", "conv2", "--channel", "3,5", "--iterations", "30", "--lr", "0.05", "--l2", "0.01",
                "--start", "zeros", "--noise", "0.5", "--clamp", "none", "--am-iterations", "0", "--seed", "4",
                "--tile", "64"), o.arguments());
        assertEquals(List.of("--target", "1", "--start", "image"),
                DgnFigure.Options.defaults().withTargets(List.of("1")).withStart(DgnFigure.Options.start("image"))
                        .arguments());
    }

    @Test
    void badSettingsAreOneLineNamingTheFlag() {
        DgnFigure.Options d = DgnFigure.Options.defaults();
        assertEquals("--am-iterations must be between 0 and 100000, not -1",
                assertThrows(NetvizException.class, () -> d.withAmIterations(-1)).getMessage());
        assertEquals("give either --target CLASS[,CLASS...]|all or --layer L --channel C",
                assertThrows(NetvizException.class, d::checkUnits).getMessage());
        assertEquals("--start image and --image FILE go together",
                assertThrows(NetvizException.class, () -> d.withStart(Start.CODE).checkStart(false)).getMessage());
        assertTrue(assertThrows(NetvizException.class, () -> DgnFigure.Options.clamp("box")).getMessage()
                .contains("range"));
        try (Session s = Session.open(MODEL)) {
            String m = assertThrows(NetvizException.class, () -> DgnFigure.generator(s, MODEL)).getMessage();
            assertTrue(m.contains("is not a netviz generator"), m);
        }
    }
}
