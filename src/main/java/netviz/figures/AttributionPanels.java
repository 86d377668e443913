package netviz.figures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.render.Canvas;
import netviz.render.ColorBar;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Layout;
import netviz.render.ValueRange;
import netviz.session.Picture;

/**
 * The panels of the attribution figures (saliency, guided backpropagation, Integrated Gradients,
 * Grad-CAM, occlusion), made from {@code netviz.render} pieces: the input as the model sees it, a
 * heatmap with its colour bar, a heatmap laid over the input, a signed gradient, and the captioned
 * row of panels under a title. Small inputs are enlarged (nearest neighbour) to about
 * {@value #SIZE} pixels so that a 28×28 image is readable. Every surface draws these panels through
 * the recipes, so a figure looks the same on the command line, in the report and in the web app.
 * <p>
 * Every map panel says what it shows: the line under it gives the map's actual min and max, or
 * names an empty map ("empty map (all 0)", drawn in the colour of 0 with a one-colour bar at 0, and
 * laid over the input as the input unchanged) or a near-constant one
 * ({@link ValueRange#mapLabel}, {@link ValueRange#NEAR_CONSTANT}).
 */
public final class AttributionPanels {
    /** Display size of small inputs: a 28×28 image is shown at 224×224. */
    public static final int SIZE = 224;
    /** Rows on one page of a contact sheet: the command line computes and writes a batch this many images at a time. */
    public static final int PAGE = 25;

    private AttributionPanels() {
    }

    /** Display size (height, width) for an h × w input. */
    public static int[] size(int h, int w) {
        int f = Images.factorFor(h, w, SIZE);
        return new int[] {h * f, w * f};
    }

    /**
     * The picture at display size: what the model sees, un-normalised (true colours), when the
     * picture has one; else its input tensor (C, H, W) min–max scaled (RGB for 3 channels, gray otherwise).
     */
    public static BufferedImage picture(Picture p) {
        int[] s = size(p.height(), p.width());
        BufferedImage img = p.picture() != null ? Images.toRgb(p.picture())
                : Images.fromPlanes(p.input(), p.channels(), p.height(), p.width(), null);
        return Images.resize(img, s[1], s[0], false);
    }

    /**
     * An h × w map coloured through {@code range}, shown at {@code display} size (height, width),
     * with a colour bar titled {@code label} and the map's range in words below. An all-zero map is
     * drawn in the colour of 0 (the bottom of a sequential map, the centre of a diverging one) and
     * its bar is that one colour at 0.
     */
    public static Figure heat(float[] map, int h, int w, int[] display, ValueRange range, Colormap cm, String label) {
        ValueRange actual = ValueRange.minMax(map);
        Figure panel;
        if (actual.isZero()) {
            int zero = cm.rgb(cm.isDiverging() ? 0.5 : 0);
            BufferedImage img = new BufferedImage(display[1], display[0], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(zero));
            g.fillRect(0, 0, display[1], display[0]);
            g.dispose();
            panel = Layout.row(Figure.of(framed(img, cm)), ColorBar.single(zero, 0, display[0], label));
        } else {
            BufferedImage img = Images.resize(Images.colorize(map, h, w, range, cm), display[1], display[0], false);
            panel = Layout.row(Figure.of(framed(img, cm)), ColorBar.vertical(cm, range, display[0], label));
        }
        return Layout.captioned(panel, actual.mapLabel());
    }

    /** A light frame on the edge of a map whose zero is white, so that an all-white map still shows its extent. */
    private static BufferedImage framed(BufferedImage img, Colormap cm) {
        if (cm.isDiverging()) {
            Graphics2D g = img.createGraphics();
            g.setColor(Canvas.GRID);
            g.drawRect(0, 0, img.getWidth() - 1, img.getHeight() - 1);
            g.dispose();
        }
        return img;
    }

    /**
     * An h × w map resampled to the (display-size) picture and blended over it (opacity grows with
     * the value), with the map's range in words below; an all-zero map leaves the picture unchanged.
     */
    public static Figure overlay(BufferedImage picture, float[] map, int h, int w, ValueRange range, Colormap cm) {
        ValueRange actual = ValueRange.minMax(map);
        BufferedImage img = actual.isZero() ? picture : Images.overlay(picture, map, h, w, range, cm, 0.7, true);
        return Layout.captioned(Figure.of(img), actual.mapLabel());
    }

    /**
     * A (C, H, W) signed gradient as a picture: 0 is mid-gray, the range symmetric (Springenberg et
     * al. fig. 3), with the range in words below (an all-zero gradient is mid-gray, "empty map").
     */
    public static Figure signed(float[] chw, int c, int h, int w, int[] display) {
        ValueRange r = ValueRange.symmetric(chw);
        BufferedImage img = c == 3 ? Images.rgb(chw, 0, h, w, r) : Images.colorize(chw, 0, h, w, r, Colormap.GRAY);
        return Layout.captioned(Figure.of(Images.resize(img, display[1], display[0], false)),
                ValueRange.minMax(chw).mapLabel());
    }

    /** Panels side by side, each captioned, under a title. */
    public static Figure row(String title, List<Figure> panels, List<String> captions) {
        List<Figure> parts = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            parts.add(Layout.captioned(panels.get(i), captions.get(i)));
        }
        return Layout.pad(Layout.titled(title, Layout.row(parts, Layout.GAP, Layout.Align.START)), 8);
    }

    /** The rows of several images one under the other: a contact sheet. */
    public static Figure sheet(List<Figure> rows) {
        return Layout.column(rows, Layout.GAP, Layout.Align.START);
    }

    /** A recipe's result: the rows, preceded by their contact sheet when there are several. */
    static FigureResult result(List<Figure> rows, Map<String, RawArray> arrays, Map<String, Object> summary) {
        List<Figure> figures = new ArrayList<>();
        if (rows.size() > 1) {
            figures.add(sheet(rows));
        }
        figures.addAll(rows);
        return new FigureResult(figures, arrays, summary);
    }

    /** [0, max] of a non-negative map; [0, 0] for an all-zero map (drawn as empty by {@link #heat}). */
    public static ValueRange zeroToMax(float[] v) {
        double max = 0;
        for (float f : v) {
            if (f > max) {
                max = f;
            }
        }
        return new ValueRange(0, max);
    }

    /** max over channels of |v| of a (C, H, W) array: one value per pixel. */
    public static float[] maxAbsOverChannels(float[] chw, int c, int hw) {
        float[] out = new float[hw];
        for (int ch = 0; ch < c; ch++) {
            for (int q = 0; q < hw; q++) {
                out[q] = Math.max(out[q], Math.abs(chw[ch * hw + q]));
            }
        }
        return out;
    }

    /** The sum over channels of a (C, H, W) array: one value per pixel. */
    static float[] sumOverChannels(float[] chw, int c, int hw) {
        float[] sum = new float[hw];
        for (int ch = 0; ch < c; ch++) {
            for (int q = 0; q < hw; q++) {
                sum[q] += chw[ch * hw + q];
            }
        }
        return sum;
    }

    /** max(0, v) elementwise. */
    static float[] positive(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(0, v[i]);
        }
        return out;
    }
}
