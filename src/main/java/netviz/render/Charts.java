package netviz.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Histograms and bar charts drawn with Java2D: axes with nice ticks, light grid lines, a title
 * and axis labels, bars as regions of the returned {@link Figure}. A histogram may highlight part
 * of each bin's count (e.g. the dead filters among the filters that fire on 0 - 5 % of images),
 * stacked in a second colour with a legend.
 */
public final class Charts {

    /** Title, axis labels and the size of the whole chart in pixels. */
    public record Style(String title, String xLabel, String yLabel, int width, int height) {
        public Style {
            if (width < 120 || height < 100) {
                throw new IllegalArgumentException("a chart needs at least 120 x 100 pixels, not " + width + " x " + height);
            }
        }

        public static Style of(String title, String xLabel, String yLabel) {
            return new Style(title, xLabel, yLabel, 420, 280);
        }

        public Style withSize(int w, int h) {
            return new Style(title, xLabel, yLabel, w, h);
        }
    }

    /**
     * Counts of values in {@code counts.length} equal bins over [lo, hi] (bin i covers
     * [lo + i*d, lo + (i+1)*d), the last bin also holds hi); {@code highlighted[i] <= counts[i]}
     * is the part of bin i to draw in the alert colour, named by {@code highlightLabel}.
     */
    public record Histogram(double lo, double hi, long[] counts, long[] highlighted, String highlightLabel) {
        public Histogram {
            if (!(hi > lo) || counts.length == 0) {
                throw new IllegalArgumentException("a histogram needs lo < hi and at least one bin");
            }
            counts = counts.clone();
            highlighted = highlighted == null ? new long[counts.length] : highlighted.clone();
            if (highlighted.length != counts.length) {
                throw new IllegalArgumentException("highlighted counts need one entry per bin");
            }
        }

        /** Bins {@code values} (NaN and values outside [lo, hi] are left out). */
        public static Histogram of(double[] values, int bins, double lo, double hi) {
            long[] c = new long[bins];
            Histogram h = new Histogram(lo, hi, c, null, null);
            for (double v : values) {
                int b = h.binOf(v);
                if (b >= 0) {
                    c[b]++;
                }
            }
            return new Histogram(lo, hi, c, null, null);
        }

        /** The bin of {@code v}, or -1 outside [lo, hi]. */
        public int binOf(double v) {
            if (!(v >= lo && v <= hi)) {
                return -1;
            }
            int b = (int) Math.floor((v - lo) / binWidth());
            return Math.min(b, counts.length - 1);
        }

        public double binWidth() {
            return (hi - lo) / counts.length;
        }

        public int bins() {
            return counts.length;
        }

        public long total() {
            return Arrays.stream(counts).sum();
        }

        /** The same bins with a highlighted part per bin. */
        public Histogram withHighlight(long[] part, String label) {
            return new Histogram(lo, hi, counts, part, label);
        }
    }

    private static final int PAD = 8;
    private static final int TICK = 4;

    private Charts() {
    }

    /** A histogram; one region per bin labelled "[a, b): n". */
    public static Figure histogram(Histogram h, Style s) {
        long max = 1;
        for (long c : h.counts()) {
            max = Math.max(max, c);
        }
        boolean anyHighlight = false;
        for (long c : h.highlighted()) {
            anyHighlight |= c > 0;
        }
        String legend = h.highlightLabel();
        Plot p = new Plot(s, max, h.lo(), h.hi(), true, legend);
        Graphics2D g = p.g;
        List<Figure.Region> regions = new ArrayList<>();
        double bw = (double) p.pw / h.bins();
        for (int i = 0; i < h.bins(); i++) {
            int x0 = p.px + (int) Math.round(i * bw);
            int x1 = p.px + (int) Math.round((i + 1) * bw);
            int barW = Math.max(1, x1 - x0 - (bw >= 4 ? 1 : 0));
            int top = p.y(h.counts()[i]);
            if (h.counts()[i] > 0) {
                g.setColor(Canvas.ACCENT);
                g.fillRect(x0, top, barW, p.py + p.ph - top);
            }
            if (h.highlighted()[i] > 0) {
                int ht = p.y(h.highlighted()[i]);
                g.setColor(Canvas.ALERT);
                g.fillRect(x0, ht, barW, p.py + p.ph - ht);
            }
            double a = h.lo() + i * h.binWidth();
            regions.add(new Figure.Region(i, "[" + Ticks.format(a, 3) + ", " + Ticks.format(a + h.binWidth(), 3)
                    + (i == h.bins() - 1 ? "]" : ")") + ": " + h.counts()[i], new Rectangle(x0, top, barW, p.py + p.ph - top)));
        }
        p.axes();
        if (legend != null && anyHighlight) {
            p.legend(legend, Canvas.ALERT);
        }
        g.dispose();
        return new Figure(p.img, regions);
    }

    /**
     * Vertical bars with category labels under them (cut to fit), optional colours (0xRRGGBB per
     * bar; null for the default); values must be non-negative. One region per bar.
     */
    public static Figure bars(List<String> labels, double[] values, int[] colors, Style s) {
        if (labels.size() != values.length || (colors != null && colors.length != values.length)) {
            throw new IllegalArgumentException("bars need one label (and colour) per value");
        }
        netviz.methods.Finite.check(values, "the bar heights to draw");
        double max = 0;
        for (double v : values) {
            if (v < 0) {
                throw new IllegalArgumentException("bar values must be non-negative, not " + v);
            }
            max = Math.max(max, v);
        }
        Plot p = new Plot(s, max == 0 ? 1 : max, 0, values.length, false, null);
        Graphics2D g = p.g;
        List<Figure.Region> regions = new ArrayList<>();
        double bw = (double) p.pw / Math.max(1, values.length);
        Font f = Canvas.font(10.5f);
        g.setFont(f);
        for (int i = 0; i < values.length; i++) {
            int x0 = p.px + (int) Math.round(i * bw + bw * 0.1);
            int barW = Math.max(1, (int) Math.round(bw * 0.8));
            int top = p.y(values[i]);
            g.setColor(colors == null ? Canvas.ACCENT : new Color(colors[i]));
            g.fillRect(x0, top, barW, p.py + p.ph - top);
            g.setColor(Canvas.INK);
            String lab = Canvas.fit(labels.get(i), f, (int) Math.max(4, bw - 2));
            Canvas.drawCentered(g, lab, p.px + (i + 0.5) * bw, p.py + p.ph + TICK + 1);
            regions.add(new Figure.Region(i, labels.get(i) + ": " + Ticks.format(values[i], 4),
                    new Rectangle(x0, top, barW, p.py + p.ph - top)));
        }
        p.axes();
        g.dispose();
        return new Figure(p.img, regions);
    }

    /** The frame shared by charts: margins sized to the text, a y axis from 0 to a nice maximum. */
    private static final class Plot {
        final BufferedImage img;
        final Graphics2D g;
        final Style s;
        final int px;
        final int py;
        final int pw;
        final int ph;
        final double yMax;
        final double[] yTicks;
        final double xLo;
        final double xHi;
        final boolean numericX;
        final Font tickFont = Canvas.font(11f);
        final Font labelFont = Canvas.font(12f);
        final Font titleFont = Canvas.bold(13f);

        final int legendTop;

        Plot(Style s, double max, double xLo, double xHi, boolean numericX, String legend) {
            this.s = s;
            this.xLo = xLo;
            this.xHi = xHi;
            this.numericX = numericX;
            boolean counts = integral(max);
            max = max * 1.06;
            double step = Ticks.niceStep(max / 4);
            if (counts) {
                step = step < 1 ? 1 : integral(step) ? step : step * 2;
            }
            this.yMax = Math.max(step, Math.ceil(max / step - 1e-9) * step);
            this.yTicks = Ticks.nice(0, yMax, (int) Math.round(yMax / step) + 1);
            int lh = Canvas.lineHeight(tickFont);
            int tickW = 0;
            for (double t : yTicks) {
                tickW = Math.max(tickW, Canvas.textWidth(tickFont, Ticks.format(t, 4)));
            }
            int titleH = s.title() == null || s.title().isEmpty() ? 0 : Canvas.lineHeight(titleFont) + 6;
            int yLabelW = s.yLabel() == null || s.yLabel().isEmpty() ? 0 : Canvas.lineHeight(labelFont) + 4;
            int xLabelH = s.xLabel() == null || s.xLabel().isEmpty() ? 0 : Canvas.lineHeight(labelFont) + 4;
            int legendH = legend == null ? 0 : lh + 4;
            px = PAD + yLabelW + tickW + TICK + 3;
            legendTop = PAD + titleH;
            py = PAD + titleH + legendH + lh / 2;
            pw = s.width() - px - PAD - lh;
            ph = s.height() - py - PAD - xLabelH - lh - TICK - 2;
            img = Canvas.blank(s.width(), s.height());
            g = Canvas.graphics(img);
            if (titleH > 0) {
                g.setFont(titleFont);
                g.setColor(Canvas.INK);
                Canvas.drawCentered(g, Canvas.fit(s.title(), titleFont, s.width() - 2 * PAD), s.width() / 2.0, PAD);
            }
            g.setFont(tickFont);
            for (double t : yTicks) {
                int y = y(t);
                g.setColor(Canvas.GRID);
                g.fillRect(px, y, pw, 1);
                g.setColor(Canvas.INK);
                g.fillRect(px - TICK, y, TICK, 1);
                Canvas.drawRight(g, Ticks.format(t, 4), px - TICK - 3, y);
            }
            if (yLabelW > 0) {
                g.setFont(labelFont);
                g.setColor(Canvas.INK);
                AffineTransform old = g.getTransform();
                g.rotate(-Math.PI / 2);
                String lab = Canvas.fit(s.yLabel(), labelFont, ph);
                Canvas.drawCentered(g, lab, -(py + ph / 2.0), PAD);
                g.setTransform(old);
            }
            if (xLabelH > 0) {
                g.setFont(labelFont);
                g.setColor(Canvas.INK);
                Canvas.drawCentered(g, Canvas.fit(s.xLabel(), labelFont, pw), px + pw / 2.0,
                        s.height() - PAD - Canvas.lineHeight(labelFont));
            }
        }

        static boolean integral(double v) {
            return v == Math.rint(v);
        }

        int y(double v) {
            return py + ph - (int) Math.round(v / yMax * ph);
        }

        void axes() {
            g.setColor(Canvas.INK);
            g.fillRect(px, py, 1, ph + 1);
            g.fillRect(px, py + ph, pw, 1);
            if (numericX) {
                g.setFont(tickFont);
                double[] t = xTicks();
                for (double v : t) {
                    int x = px + (int) Math.round((v - xLo) / (xHi - xLo) * pw);
                    g.fillRect(x, py + ph, 1, TICK);
                    Canvas.drawCentered(g, Ticks.format(v, 3), x, py + ph + TICK + 1);
                }
            }
        }

        double[] xTicks() {
            for (int n = 11; n >= 2; n--) {
                double[] t = Ticks.nice(xLo, xHi, n);
                if (t.length < 2) {
                    continue;
                }
                int widest = 0;
                for (double v : t) {
                    widest = Math.max(widest, Canvas.textWidth(tickFont, Ticks.format(v, 3)));
                }
                if ((t[1] - t[0]) / (xHi - xLo) * pw >= widest + 10) {
                    return t;
                }
            }
            return new double[] {xLo, xHi};
        }

        void legend(String text, Color c) {
            g.setFont(tickFont);
            int tw = Canvas.textWidth(tickFont, text);
            int lh = Canvas.lineHeight(tickFont);
            int x = px + pw - tw - 14;
            int y = legendTop;
            g.setColor(c);
            g.fillRect(x, y + (lh - 10) / 2, 10, 10);
            g.setColor(Canvas.INK);
            Canvas.drawAt(g, text, x + 14, y);
        }
    }
}
