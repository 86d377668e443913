package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileGridTest {

    @Test
    void longLabelsNeverReachTheNeighbouringCellAndTilesKeepTheirPixels() {
        List<TileGrid.Tile> tiles = new ArrayList<>();
        float[][] maps = new float[7][];
        for (int i = 0; i < 7; i++) {
            maps[i] = new float[] {i, 1, 2, 3, 4, 5};
            BufferedImage img = Images.colorize(maps[i], 2, 3, new ValueRange(0, 6), Colormap.VIRIDIS);
            tiles.add(TileGrid.Tile.of(img, i, "class " + i + " with a very long name indeed", "p = 0.123456"));
        }
        Figure f = TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(30));
        Png.write(f, RenderSamples.path("tiles-long-labels.png"));
        assertEquals(new GridShape(2, 4), GridShape.forCount(7));
        BufferedImage img = f.image();
        for (int i = 0; i + 1 < 4; i++) {
            Rectangle a = f.region(i).box();
            Rectangle b = f.region(i + 1).box();
            int mid = (a.x + a.width + b.x) / 2;
            for (int y = 0; y < img.getHeight(); y++) {
                assertEquals(0xffffff, img.getRGB(mid, y) & 0xffffff, "column " + mid + " between cells stays blank");
            }
        }
        // rows do not overlap either: the second row's tiles start below the first row's labels
        assertTrue(f.region(4).box().y > f.region(0).box().y + f.region(0).box().height + 2 * Canvas.lineHeight(Canvas.font(11)));
        // each value is an f x f square of its colour
        Rectangle box = f.region(3).box();
        int s = box.width / 3;
        assertEquals(box.height / 2, s);
        for (int k = 0; k < 6; k++) {
            int expected = Colormap.VIRIDIS.rgb(maps[3][k] / 6.0);
            int x = box.x + (k % 3) * s;
            int y = box.y + (k / 3) * s;
            assertEquals(expected, img.getRGB(x, y) & 0xffffff);
            assertEquals(expected, img.getRGB(x + s - 1, y + s - 1) & 0xffffff);
        }
    }
}
