package netviz.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * A colour bar: the colour map drawn along a strip with tick marks at nice values of the range
 * and an optional label, vertical (values rising upwards, ticks on the right) or horizontal
 * (values rising rightwards, ticks below). Tick labels are thinned until they do not overlap.
 */
public final class ColorBar {
    private static final int THICKNESS = 14;
    private static final int TICK = 4;
    private static final float FONT = 11f;

    private ColorBar() {
    }

    /** A vertical bar {@code length} pixels tall. */
    public static Figure vertical(Colormap map, ValueRange range, int length, String label) {
        length = Math.max(length, 24);
        Font f = Canvas.font(FONT);
        int lh = Canvas.lineHeight(f);
        double[] ticks = fittingTicks(range, length, lh + 4, null);
        int labelW = 0;
        for (double t : ticks) {
            labelW = Math.max(labelW, Canvas.textWidth(f, Ticks.format(t, 3)));
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
            g.setColor(new java.awt.Color(map.rgb(t)));
            g.fillRect(barX, y0 + y, THICKNESS, 1);
        }
        g.setColor(Canvas.MUTED);
        Canvas.frame(g, barX, y0, THICKNESS, length);
        g.setColor(Canvas.INK);
        for (double t : ticks) {
            double y = y0 + (1 - position(range, t)) * (length - 1);
            g.fillRect(barX + THICKNESS, (int) Math.round(y), TICK, 1);
            Canvas.drawLeft(g, Ticks.format(t, 3), barX + THICKNESS + TICK + 3, y);
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
        int margin = 0;
        for (double t : ticks) {
            margin = Math.max(margin, Canvas.textWidth(f, Ticks.format(t, 3)) / 2 + 1);
        }
        int w = length + 2 * margin;
        int labelW = label == null ? 0 : Canvas.textWidth(f, label);
        w = Math.max(w, labelW + 2);
        int x0 = (w - length) / 2;
        int h = THICKNESS + TICK + 2 + lh + (labelW > 0 ? lh + 2 : 0) + 1;
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = Canvas.graphics(img);
        g.setFont(f);
        for (int x = 0; x < length; x++) {
            g.setColor(new java.awt.Color(map.rgb((x + 0.5) / length)));
            g.fillRect(x0 + x, 0, 1, THICKNESS);
        }
        g.setColor(Canvas.MUTED);
        Canvas.frame(g, x0, 0, length, THICKNESS);
        g.setColor(Canvas.INK);
        for (double t : ticks) {
            double x = x0 + position(range, t) * (length - 1);
            g.fillRect((int) Math.round(x), THICKNESS, 1, TICK);
            Canvas.drawCentered(g, Ticks.format(t, 3), x, THICKNESS + TICK + 1);
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
     * Nice ticks, fewer until neighbours are at least {@code minSpacing} pixels apart (vertical) or
     * their labels do not touch (horizontal, font given).
     */
    private static double[] fittingTicks(ValueRange r, int length, int minSpacing, Font f) {
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
                for (double v : t) {
                    widest = Math.max(widest, Canvas.textWidth(f, Ticks.format(v, 3)));
                }
                ok = spacing >= widest + 8;
            }
            if (ok) {
                return t;
            }
        }
        return new double[] {r.lo(), r.hi()};
    }
}
