package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.NetvizException;
import netviz.Progress;
import netviz.figures.OcclusionFigure.Options;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The occlusion recipe: the per-pixel map on hand-computed grids (windows that fit, overlap, hang
 * over the border or leave pixels uncovered), and the command line's PNG and the web app's panels
 * against the recipe's figure.
 */
class OcclusionFigureTest {
    @TempDir
    static Path dir;
    static Session s;
    static List<Path> files;
    static List<Picture> pictures;

    @BeforeAll
    static void open() throws Exception {
        s = Session.open(FigureTesting.MODEL);
        Files.createDirectories(dir.resolve("in"));
        files = FigureTesting.images(s, dir.resolve("in"), 4, 9);
        pictures = files.stream().map(s::picture).toList();
    }

    @AfterAll
    static void close() {
        if (s != null) {
            s.close();
        }
    }

    /** 3×3 image, window 2, stride 1: four overlapping windows; the centre is under all of them. */
    @Test
    void overlappingWindowsAverage() {
        float[] got = OcclusionFigure.perPixel(new float[] {1, 2, 3, 4}, 2, 2, 2, 1, 3, 3, -1);
        assertArrayEquals(new float[] {
            1, 1.5f, 2,
            2, 2.5f, 3,
            3, 3.5f, 4}, got, 1e-6f);
    }

    /**
     * 4×4 image, window 3, stride 2: the windows at 2 reach to 4 and cover only rows/columns 2 and
     * 3. Pixel (2,2) is under all four windows (mean 2.5), (3,3) only under the last (4), (0,3) only
     * under window (0,1) (2), (1,2) under windows (0,0) and (0,1) (1.5).
     */
    @Test
    void aWindowOverTheBorderCoversOnlyThePixelsInside() {
        float[] got = OcclusionFigure.perPixel(new float[] {1, 2, 3, 4}, 2, 2, 3, 2, 4, 4, -1);
        assertArrayEquals(new float[] {
            1, 1, 1.5f, 2,
            1, 1, 1.5f, 2,
            2, 2, 2.5f, 3,
            3, 3, 3.5f, 4}, got, 1e-6f);
    }

    /** 5×5 image, window 2, stride 2: row and column 4 lie under no window and get the given value. */
    @Test
    void uncoveredPixelsGetTheGivenValue() {
        float[] got = OcclusionFigure.perPixel(new float[] {1, 2, 3, 4}, 2, 2, 2, 2, 5, 5, 9);
        assertArrayEquals(new float[] {
            1, 1, 2, 2, 9,
            1, 1, 2, 2, 9,
            3, 3, 4, 4, 9,
            3, 3, 4, 4, 9,
            9, 9, 9, 9, 9}, got, 1e-6f);
    }

    @Test
    void theCommandLineWritesTheRecipesFigure() throws Exception {
        for (Options o : List.of(Options.defaults(), Options.defaults().withWindow(5).withStride(4).withFill("zero")
                .withTarget("Bag"), Options.defaults().withWindow(7).withStride(7).withFeatureMaps("conv2", 3))) {
            FigureResult one = OcclusionFigure.make(s, pictures.subList(0, 1), o, Progress.NONE);
            BufferedImage cli = FigureTesting.cli(o.command(), o.arguments(), files.get(0), dir.resolve("one.png"));
            assertTrue(FigureTesting.same(one.figure().image(), cli), o.arguments().toString());
            FigureResult both = OcclusionFigure.make(s, pictures, o, Progress.NONE);
            BufferedImage sheet = FigureTesting.cli(o.command(), o.arguments(), dir.resolve("in"), dir.resolve("b.png"));
            assertTrue(FigureTesting.same(both.figure().image(), sheet), "contact sheet " + o.arguments());
        }
    }

    @Test
    void theWebPanelsAreThePanelsOfTheRow() {
        Options o = Options.defaults().withWindow(4).withStride(2);
        FigureResult row = OcclusionFigure.make(s, pictures.subList(1, 2), o, Progress.NONE);
        FigureResult web = OcclusionFigure.panels(s, pictures.get(1), o, Progress.NONE);
        assertTrue(FigureTesting.contains(row.figure().image(), web.figures().get(0)), "p at each pixel");
        assertTrue(FigureTesting.contains(row.figure().image(), web.figures().get(1)), "the drop over the picture");
        assertEquals(13, row.summary().get("rows"), "(28 - 4) / 2 + 1 positions");
        assertArrayEquals(new long[] {1, 13, 13}, row.arrays().get(OcclusionFigure.RAW).shape());
    }

    @Test
    void optionsAreCheckedAndNamedAsOnTheCommandLine() {
        assertEquals(List.of(), Options.defaults().arguments());
        assertEquals(List.of("--window", "5", "--stride", "3", "--fill", "blur", "--batch", "8", "--layer", "conv1",
                "--feature-maps", "2"), Options.defaults().withWindow(5).withStride(3).withFill("blur").withBatch(8)
                .withFeatureMaps("conv1", 2).arguments());
        assertEquals(4, Options.defaults().window(28, 28), "1/7 of the shorter side");
        assertEquals(2, Options.defaults().stride(28, 28), "half the window");
        assertEquals("occlusion window 0 must be at least 1 pixel",
                assertThrows(NetvizException.class, () -> Options.defaults().withWindow(0)).getMessage());
        assertEquals("--feature-maps K follows the maps of a layer and needs --layer L",
                assertThrows(NetvizException.class, () -> Options.defaults().withFeatureMaps(null, 3)).getMessage());
        assertEquals("feature-map mode (--layer) follows feature maps, not a class: drop --target",
                assertThrows(NetvizException.class, () -> Options.defaults().withTarget("1").withFeatureMaps("conv1", null))
                        .getMessage());
    }
}
