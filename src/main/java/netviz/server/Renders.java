package netviz.server;

import java.awt.image.BufferedImage;
import netviz.render.ColorBar;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.ValueRange;

/**
 * The server's pictures, drawn with {@code netviz.render} exactly as the CLI draws them (same
 * defaults, sizes and colour maps), so a picture in the app looks like the one {@code netviz} writes.
 */
final class Renders {
    /** Display size of small inputs, as the CLI's attribution panels (a 28×28 image is shown at 224×224). */
    static final int SIZE = 224;

    private Renders() {
    }

    /** Display size (height, width) for an h × w input. */
    static int[] size(int h, int w) {
        int f = Images.factorFor(h, w, SIZE);
        return new int[] {h * f, w * f};
    }

    /** The picture at display size. */
    static BufferedImage display(BufferedImage picture) {
        int[] s = size(picture.getHeight(), picture.getWidth());
        return Images.resize(Images.toRgb(picture), s[1], s[0], false);
    }

    /** An h × w map coloured at display size with its colour bar (the CLI's heatmap panel). */
    static BufferedImage heat(float[] map, int h, int w, ValueRange range, Colormap cm, String label) {
        int[] d = size(h, w);
        BufferedImage img = Images.resize(Images.colorize(map, h, w, range, cm), d[1], d[0], false);
        return Layout.row(Figure.of(img), ColorBar.vertical(cm, range, d[0], label)).image();
    }

    /** The map blended over the picture (opacity grows with the value), at display size. */
    static BufferedImage overlay(BufferedImage picture, float[] map, int h, int w, ValueRange range, Colormap cm) {
        return Images.overlay(display(picture), map, h, w, range, cm, 0.7, true);
    }

    /** A (C, H, W) signed gradient as a picture: 0 is mid-gray, the range symmetric (Springenberg et al. fig. 3). */
    static BufferedImage signed(float[] chw, int c, int h, int w) {
        ValueRange r = ValueRange.symmetric(chw);
        if (r.width() == 0) {
            r = new ValueRange(-1, 1);
        }
        BufferedImage img = c == 3 ? Images.rgb(chw, 0, h, w, r) : Images.colorize(chw, 0, h, w, r, Colormap.GRAY);
        int[] d = size(h, w);
        return Images.resize(img, d[1], d[0], false);
    }

    /** [0, max] of a non-negative map (a flat map shows as [0, 1]). */
    static ValueRange zeroToMax(float[] v) {
        double max = 0;
        for (float f : v) {
            if (f > max) {
                max = f;
            }
        }
        return new ValueRange(0, max > 0 ? max : 1);
    }
}
