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
import netviz.render.Figure;
import netviz.figures.OcclusionFigure.Options;
import netviz.figures.OcclusionFigure.Show;
import netviz.render.Colormap;
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
                .withTarget("Bag").withShow(Show.PROBABILITY),
                Options.defaults().withWindow(7).withStride(7).withFeatureMaps("conv2", 3))) {
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
        assertEquals(List.of("--show", "probability"), Options.defaults().withShow(Show.PROBABILITY).arguments());
        assertEquals(Show.DROP, Options.defaults().show(), "the drop by default");
        assertEquals("--show takes drop or probability, not 'loss'",
                assertThrows(NetvizException.class, () -> Show.parse("loss")).getMessage());
        assertThrows(NetvizException.class, () -> Options.defaults().withShow(Show.PROBABILITY)
                .withFeatureMaps("conv1", 2));
        assertEquals("feature-map mode (--layer) follows feature maps, not a class: drop --target",
                assertThrows(NetvizException.class, () -> Options.defaults().withTarget("1").withFeatureMaps("conv1", null))
                        .getMessage());
    }

    /** The heatmap's colour at the centre of grid cell (r, c) of a 4×4 image with window 2, stride 2 (2×2 cells). */
    private static int cell(Figure heat, int r, int c) {
        int f = AttributionPanels.size(4, 4)[0] / 4;
        return heat.image().getRGB((2 * c + 1) * f, (2 * r + 1) * f) & 0xffffff;
    }

    private static Figure panel(float[] grid, double p0, Show show, int which) {
        BufferedImage gray = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                gray.setRGB(x, y, 0x808080);
            }
        }
        return OcclusionFigure.classPanels(gray, grid, 2, 2, p0, 2, 2, 4, 4, show, "a test map").get(which);
    }

    /**
     * p₀ = 0.5 and the four windows give p = 0.5, 0.2, 0.9, 0.5: drops 0, 0.3, −0.4, 0. The scale is
     * ±0.4: no change is white, the drop of 0.3 red (t = 0.875), the rise of 0.4 the bluest end, and
     * the overlay tints only the cell whose hiding lowered p.
     */
    @Test
    void theDropMapIsWhiteAtZeroRedWhereTheRegionMatteredBlueWhereItDidNot() {
        float[] grid = {0.5f, 0.2f, 0.9f, 0.5f};
        Figure heat = panel(grid, 0.5, Show.DROP, 0);
        assertEquals(0xffffff, cell(heat, 0, 0), "no change: white");
        assertEquals(0xffffff, cell(heat, 1, 1), "no change: white");
        assertEquals(Colormap.DIVERGING.rgb(0.5 + 0.3 / 0.8), cell(heat, 0, 1), "drop 0.3 on ±0.4");
        int red = cell(heat, 0, 1);
        assertTrue((red >> 16) > (red & 255) + 60, "a drop is red: " + Integer.toHexString(red));
        assertEquals(Colormap.DIVERGING.rgb(0), cell(heat, 1, 0), "a rise of 0.4 is the blue end");
        // the colour bar rises from blue at the bottom to red at the top, white in the middle
        BufferedImage img = heat.image();
        int x = 224 + 16 + 8;
        int firstRed = -1;
        int lastBlue = -1;
        boolean white = false;
        for (int y = 0; y < 224 + 40 && y < img.getHeight(); y++) {
            int c = img.getRGB(x, y) & 0xffffff;
            int r = c >> 16;
            int b = c & 255;
            if (firstRed < 0 && r > b + 60) {
                firstRed = y;
            }
            if (b > r + 60) {
                lastBlue = y;
            }
            white |= firstRed >= 0 && lastBlue < 0 && r > 240 && b > 240 && ((c >> 8) & 255) > 240;
        }
        assertTrue(firstRed >= 0 && lastBlue > firstRed && white, "red above white above blue on the bar");
        Figure over = panel(grid, 0.5, Show.DROP, 1);
        assertEquals(0x808080, cell(over, 0, 0), "no drop: the picture unchanged");
        assertEquals(0x808080, cell(over, 1, 0), "a rise is not a drop: unchanged");
        assertTrue(cell(over, 0, 1) != 0x808080, "the drop is laid over the picture");
    }

    /** p between 0.9990 and 0.9999: the drop view stays pale (scale ±0.01), the probability view says near-constant. */
    @Test
    void tinyChangesStayPaleAndANearConstantMapSaysSo() {
        float[] grid = {0.9999f, 0.999f, 0.9995f, 0.9999f};
        Figure heat = panel(grid, grid[0], Show.DROP, 0);
        int c = cell(heat, 0, 1);
        assertEquals(Colormap.DIVERGING.rgb(0.5 + 0.0009 / 0.02), c, "a drop of 9e-4 on the ±0.01 scale");
        assertTrue((c & 255) > 200 && ((c >> 8) & 255) > 200, "pale: " + Integer.toHexString(c));
        AttributionPanelsTest.assertLineUnder(heat.image(), "min 0, max 0.0009");
        Figure p = panel(grid, grid[0], Show.PROBABILITY, 0);
        AttributionPanelsTest.assertLineUnder(p.image(), "near-constant map\nmin 0.999, max 0.9999");
        assertEquals(Colormap.VIRIDIS.rgb(0), cell(p, 0, 1), "the lowest p is the bottom of its own range");
    }
}
