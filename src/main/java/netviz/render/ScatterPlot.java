package netviz.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A 2-D scatter plot of labelled points, one colour per class ({@link ClassColors}), with a legend
 * naming each class and its count. The axes are the embedding's own (equal scale on both).
 */
public final class ScatterPlot {
    /** Plot area side in pixels, point radius, title. */
    public record Options(int size, double radius, String title) {
        public static Options defaults(String title) {
            return new Options(760, 2.2, title);
        }
    }

    private ScatterPlot() {
    }

    /**
     * Draws points {@code (xy[2i], xy[2i+1])}; {@code labels[i]} indexes {@code classNames} (−1: none).
     */
    public static Figure render(double[] xy, int[] labels, List<String> classNames, Options o) {
        int n = xy.length / 2;
        double[] box = bounds(xy);
        int margin = 14;
        int side = o.size();
        Font lf = Canvas.font(12f);
        int classes = Math.max(classNames.size(), maxLabel(labels) + 1);
        int[] counts = new int[Math.max(1, classes)];
        boolean unlabeled = false;
        for (int l : labels) {
            if (l >= 0) {
                counts[l]++;
            } else {
                unlabeled = true;
            }
        }
        int legendW = 0;
        for (int c = 0; c < classes; c++) {
            legendW = Math.max(legendW, Canvas.textWidth(lf, legendText(classNames, c, counts[c])));
        }
        legendW += 30;
        int w = side + 2 * margin + legendW + margin;
        int h = side + 2 * margin;
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = Canvas.graphics(img);
        g.setColor(Canvas.GRID);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(margin, margin, side, side);
        double span = Math.max(box[2] - box[0], box[3] - box[1]);
        span = span > 0 ? span * 1.04 : 1;
        double cx = (box[0] + box[2]) / 2;
        double cy = (box[1] + box[3]) / 2;
        double r = o.radius();
        // draw in a fixed interleaved order so that no class is systematically hidden under another
        for (int i = 0; i < n; i++) {
            double px = margin + side / 2.0 + (xy[2 * i] - cx) / span * side;
            double py = margin + side / 2.0 - (xy[2 * i + 1] - cy) / span * side;
            Color c = ClassColors.of(labels[i], classes);
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 190));
            g.fill(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
        }
        g.setFont(lf);
        int lh = Canvas.lineHeight(lf) + 4;
        int lx = side + 2 * margin + 4;
        int ly = margin + 4;
        for (int c = 0; c < classes; c++) {
            g.setColor(ClassColors.of(c, classes));
            g.fillOval(lx, ly + c * lh + 3, 10, 10);
            g.setColor(Canvas.INK);
            Canvas.drawLeft(g, legendText(classNames, c, counts[c]), lx + 16, ly + c * lh + 8);
        }
        if (unlabeled) {
            g.setColor(ClassColors.of(-1, classes));
            g.fillOval(lx, ly + classes * lh + 3, 10, 10);
            g.setColor(Canvas.INK);
            Canvas.drawLeft(g, "unlabelled", lx + 16, ly + classes * lh + 8);
        }
        g.dispose();
        return Layout.titled(o.title(), Figure.of(img));
    }

    private static String legendText(List<String> names, int c, int count) {
        String name = c < names.size() ? names.get(c) : Integer.toString(c);
        return String.format(Locale.ROOT, "%s (%,d)", name, count);
    }

    private static int maxLabel(int[] labels) {
        int m = -1;
        for (int l : labels) {
            m = Math.max(m, l);
        }
        return m;
    }

    /** {minX, minY, maxX, maxY} of the points. */
    static double[] bounds(double[] xy) {
        int bad = netviz.methods.Finite.firstNonFinite(xy);
        if (bad >= 0) {
            throw netviz.methods.Finite.result("cannot draw a map of points whose coordinates are not finite (point "
                    + bad / 2 + " has " + netviz.methods.Finite.name(xy[bad]) + ")");
        }
        double[] b = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < xy.length / 2; i++) {
            b[0] = Math.min(b[0], xy[2 * i]);
            b[1] = Math.min(b[1], xy[2 * i + 1]);
            b[2] = Math.max(b[2], xy[2 * i]);
            b[3] = Math.max(b[3], xy[2 * i + 1]);
        }
        if (xy.length == 0) {
            return new double[] {0, 0, 1, 1};
        }
        return b;
    }
}
