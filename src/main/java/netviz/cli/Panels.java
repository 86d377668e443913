package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import netviz.render.ColorBar;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.ValueRange;

/**
 * The panels of an attribution figure, made from {@code netviz.render} pieces: the input as the
 * model sees it, a heatmap with its colour bar, a heatmap laid over the input. Small inputs are
 * enlarged (nearest neighbour) to about {@value #SIZE} pixels so a 28×28 image is readable.
 */
final class Panels {
    static final int SIZE = 224;

    private Panels() {
    }

    /** Display size (height, width) for an h × w input. */
    static int[] size(int h, int w) {
        int f = Images.factorFor(h, w, SIZE);
        return new int[] {h * f, w * f};
    }

    /** The (C, H, W) input as a picture (RGB for 3 channels, gray otherwise), min–max scaled. */
    static BufferedImage input(float[] chw, int c, int h, int w) {
        int[] s = size(h, w);
        return Images.resize(Images.fromPlanes(chw, c, h, w, null), s[1], s[0], false);
    }

    /** An h × w map coloured, shown at the input's display size, with a colour bar. */
    static Figure heat(float[] map, int h, int w, int[] display, ValueRange range, Colormap cm, String label) {
        BufferedImage img = Images.resize(Images.colorize(map, h, w, range, cm), display[1], display[0], false);
        return Layout.row(Figure.of(img), ColorBar.vertical(cm, range, display[0], label));
    }

    /** An h × w map resampled to the picture and blended over it (opacity grows with the value). */
    static Figure overlay(BufferedImage picture, float[] map, int h, int w, ValueRange range, Colormap cm) {
        return Figure.of(Images.overlay(picture, map, h, w, range, cm, 0.7, true));
    }

    /** A (C, H, W) signed gradient as a picture: 0 is mid-gray, the range symmetric (Springenberg et al. fig. 3). */
    static Figure signed(float[] chw, int c, int h, int w, int[] display) {
        ValueRange r = ValueRange.symmetric(chw);
        if (r.width() == 0) {
            r = new ValueRange(-1, 1);
        }
        BufferedImage img = c == 3 ? Images.rgb(chw, 0, h, w, r) : Images.colorize(chw, 0, h, w, r, Colormap.GRAY);
        return Figure.of(Images.resize(img, display[1], display[0], false));
    }

    /** Panels side by side, each captioned, under a title. */
    static Figure row(String title, List<Figure> panels, List<String> captions) {
        List<Figure> parts = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            parts.add(Layout.captioned(panels.get(i), captions.get(i)));
        }
        return Layout.pad(Layout.titled(title, Layout.row(parts, Layout.GAP, Layout.Align.START)), 8);
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
