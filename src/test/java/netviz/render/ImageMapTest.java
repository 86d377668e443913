package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageMapTest {

    /** A flat thumbnail whose colour encodes the point's index. */
    static BufferedImage thumbnail(int i) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        int rgb = new Color(i * 4 % 256, 60 + i / 64 * 40, 200).getRGB();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /**
     * 60 points in two tight clusters on a 8 × 8 grid: nearest-in-cell placement draws only a few
     * of them (many share a cell); the assignment draws every one, each once, and the pixels at the
     * cell centres are exactly the 60 thumbnails.
     */
    @Test
    void anAssignmentDrawsEveryImageOnce() {
        Random r = new Random(4);
        int n = 60;
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            xy[2 * i] = (i % 2) * 10 + r.nextGaussian() * 0.3;
            xy[2 * i + 1] = r.nextGaussian() * 0.3;
        }
        int[] labels = new int[n];
        ImageMap.Options nearest = new ImageMap.Options(8, 12, "");
        ImageMap.Options assigned = nearest.withPlacing(ImageMap.Placing.ASSIGNMENT);
        assertTrue(ImageMap.place(xy, 8).shown() < n / 2, "nearest-in-cell drops most of two tight clusters");
        ImageMap.Placement p = ImageMap.place(xy, 8, ImageMap.Placing.ASSIGNMENT);
        assertEquals(n, p.shown());
        BufferedImage img = ImageMap.render(xy, labels, 1, ImageMapTest::thumbnail, assigned).image();
        Png.write(img, RenderSamples.path("image-map-assigned.png"));
        assertEquals(8 * 12, img.getWidth());
        Set<Integer> drawn = new HashSet<>();
        for (int cell = 0; cell < 64; cell++) {
            int rgb = img.getRGB(cell % 8 * 12 + 6, cell / 8 * 12 + 6) & 0xffffff;
            int i = p.cells()[cell];
            if (i >= 0) {
                assertEquals(thumbnail(i).getRGB(0, 0) & 0xffffff, rgb, "cell " + cell + " shows point " + i);
                drawn.add(i);
            } else {
                assertEquals(Canvas.blank(1, 1).getRGB(0, 0) & 0xffffff, rgb, "cell " + cell + " is empty");
            }
        }
        assertEquals(n, drawn.size());
        // the two clusters stay apart: even points on the left half, odd ones on the right
        for (int cell = 0; cell < 64; cell++) {
            int i = p.cells()[cell];
            if (i >= 0) {
                assertEquals(i % 2 == 0, cell % 8 < 4, "point " + i + " in column " + cell % 8);
            }
        }
    }
}
