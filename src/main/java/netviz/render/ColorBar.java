package netviz.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.function.DoubleToIntFunction;

/**
 * A colour bar: the colour map drawn along a strip with tick marks at nice values of the range
 * and an optional label, vertical (values rising upwards, ticks on the right) or horizontal
 * (values rising rightwards, ticks below). Tick labels are thinned until they do not overlap, and
 * carry as many significant digits as it takes to tell them apart ({@link Ticks#labels}); a range
 * too short for nice ticks gets two round values inside it ({@link Ticks#inside}). A range of one
 * value (lo == hi, a constant map) is a strip of the one colour its values get, with one tick
 * naming that value ({@link #single}), never a made-up [0, 1].
 */
public final class ColorBar {
    private static final int THICKNESS = 14;
    private static final int TICK = 4;
    private static final float FONT = 11f;

    private ColorBar() {
    }

    /** A vertical bar {@code length} pixels tall. */
    public static Figure vertical(Colormap map, ValueRange range, int length, String label) {
        if (range.width() == 0) {
            return single(map.rgb(range.normalize(range.lo())), range.lo(), length, label);
        }
        return vertical(map::rgb, range, length, label);
    }

    /**
     * A vertical bar of one colour ({@code rgb}, 0xRRGGBB) with one tick at its middle naming
     * {@code value}: the bar of a map whose values are all {@code value}.
     */
    public static Figure single(int rgb, double value, int length, String label) {
        return vertical(t -> rgb, new ValueRange(value, value), length, label);
    }

    private static Figure vertical(DoubleToIntFunction colour, ValueRange range, int length,
                                   String label) {
        length = Math.max(length, 24);
        Font f = Canvas.font(FONT);
        int lh = Canvas.lineHeight(f);
        double[] ticks = fittingTicks(range, length, lh + 4, null);
        String[] texts = Ticks.labels(ticks);
        int labelW = 0;
        for (String t : texts) {
            labelW = Math.max(labelW, Canvas.textWidth(f, t));
        }
        int top = lh / 2 + 1;
        int titleH = 0;
        int titleW = 0;
        if (label != null && !label.isEmpty()) {
            titleH = lh + 4;
            titleW = Canvas.textWidth(f, label);
        }
        int barX = 1;
        int w = Math.max(barX + THICKNESS + TICK + 3 + labelW + 2, titleW + 2);
        int h = titleH + top + length + lh / 2 + 2;
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = Canvas.graphics(img);
        g.setFont(f);
        if (titleH > 0) {
            g.setColor(Canvas.MUTED);
            Canvas.drawAt(g, label, 1, 0);
        }
        int y0 = titleH + top;
        for (int y = 0; y < length; y++) {
            double t = 1 - (y + 0.5) / length;
            g.setColor(new java.awt.Color(colour.applyAsInt(t)));
            g.fillRect(barX, y0 + y, THICKNESS, 1);
        }
        g.setColor(Canvas.MUTED);
        Canvas.frame(g, barX, y0, THICKNESS, length);
        g.setColor(Canvas.INK);
        for (int i = 0; i < ticks.length; i++) {
            double y = y0 + (1 - position(range, ticks[i])) * (length - 1);
            g.fillRect(barX + THICKNESS, (int) Math.round(y), TICK, 1);
            Canvas.drawLeft(g, texts[i], barX + THICKNESS + TICK + 3, y);
        }
        g.dispose();
        return Figure.of(img);
    }

    /** A horizontal bar {@code length} pixels wide. */
    public static Figure horizontal(Colormap map, ValueRange range, int length, String label) {
        length = Math.max(length, 40);
        Font f = Canvas.font(FONT);
        int lh = Canvas.lineHeight(f);
        double[] ticks = fittingTicks(range, length, 0, f);
        String[] texts = Ticks.labels(ticks);
        int margin = 0;
        for (String t : texts) {
            margin = Math.max(margin, Canvas.textWidth(f, t) / 2 + 1);
        }
        int w = length + 2 * margin;
        int labelW = label == null ? 0 : Canvas.textWidth(f, label);
        w = Math.max(w, labelW + 2);
        int x0 = (w - length) / 2;
        int h = THICKNESS + TICK + 2 + lh + (labelW > 0 ? lh + 2 : 0) + 1;
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = Canvas.graphics(img);
        g.setFont(f);
        int constant = range.width() == 0 ? map.rgb(range.normalize(range.lo())) : -1;
        for (int x = 0; x < length; x++) {
            g.setColor(new java.awt.Color(constant >= 0 ? constant : map.rgb((x + 0.5) / length)));
            g.fillRect(x0 + x, 0, 1, THICKNESS);
        }
        g.setColor(Canvas.MUTED);
        Canvas.frame(g, x0, 0, length, THICKNESS);
        g.setColor(Canvas.INK);
        for (int i = 0; i < ticks.length; i++) {
            double x = x0 + position(range, ticks[i]) * (length - 1);
            g.fillRect((int) Math.round(x), THICKNESS, 1, TICK);
            Canvas.drawCentered(g, texts[i], x, THICKNESS + TICK + 1);
        }
        if (labelW > 0) {
            g.setColor(Canvas.MUTED);
            Canvas.drawCentered(g, label, w / 2.0, THICKNESS + TICK + 2 + lh + 1);
        }
        g.dispose();
        return Figure.of(img);
    }

    private static double position(ValueRange r, double v) {
        return r.width() == 0 ? 0.5 : (v - r.lo()) / r.width();
    }

    /**
     * The tick values of a bar {@code length} pixels long: nice ticks, fewer until neighbours are at
     * least {@code minSpacing} pixels apart (vertical) or their labels do not touch (horizontal, font
     * given); else two round values inside the range.
     */
    static double[] fittingTicks(ValueRange r, int length, int minSpacing, Font f) {
        if (r.width() == 0) {
            return new double[] {r.lo()};
        }
        for (int n = 7; n >= 2; n--) {
            double[] t = Ticks.nice(r.lo(), r.hi(), n);
            if (t.length < 2) {
                continue;
            }
            double spacing = (t[1] - t[0]) / r.width() * (length - 1);
            boolean ok;
            if (f == null) {
                ok = spacing >= minSpacing;
            } else {
                int widest = 0;
                for (String v : Ticks.labels(t)) {
                    widest = Math.max(widest, Canvas.textWidth(f, v));
                }
                ok = spacing >= widest + 8;
            }
            if (ok) {
                return t;
            }
        }
        return Ticks.inside(r.lo(), r.hi());
    }
}
