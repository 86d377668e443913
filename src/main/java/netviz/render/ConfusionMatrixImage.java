package netviz.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws a confusion matrix: one row per true class, one column per predicted class, each cell
 * coloured by the share of its row ({@code counts[t][p] / Σ_p counts[t][p]}, so the diagonal reads
 * as per-class recall) on a white-to-dark-blue scale, with the count written in the cell when it
 * fits. Class names label the rows and columns when there is room; a colour bar gives the scale.
 * Knows nothing about models: it takes counts and names.
 */
public final class ConfusionMatrixImage {
    private static final Color INK = new Color(0x222222);
    private static final Color GRID = new Color(0xdddddd);
    /** Knots of the sequential scale, from 0 (white) to 1 (dark blue). */
    private static final int[] RAMP = {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5,
        0x08519c, 0x08306b};

    private ConfusionMatrixImage() {
    }

    /**
     * Renders the matrix.
     *
     * @param counts {@code counts[true][predicted]}, square
     * @param labels class names (null or wrong length: class indices are used)
     * @param title a title line, or null
     */
    public static BufferedImage render(long[][] counts, List<String> labels, String title) {
        int k = counts.length;
        for (long[] row : counts) {
            if (row.length != k) {
                throw new IllegalArgumentException("confusion matrix must be square, got " + k + " rows and a row of "
                        + row.length);
            }
        }
        if (k == 0) {
            throw new IllegalArgumentException("confusion matrix has no classes");
        }
        String[] names = new String[k];
        for (int i = 0; i < k; i++) {
            names[i] = labels != null && labels.size() == k ? labels.get(i) : Integer.toString(i);
        }
        int cell = Math.max(1, Math.min(56, 900 / k));
        boolean showNames = cell >= 11;
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(13, Math.max(9, cell - 2)));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        Font axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics lm = pg.getFontMetrics(labelFont);
        int nameWidth = 0;
        if (showNames) {
            for (String n : names) {
                nameWidth = Math.max(nameWidth, lm.stringWidth(clip(n, 24)));
            }
        }
        pg.dispose();

        int pad = 16;
        int axisTitle = 22;
        int titleH = title == null ? 0 : 30;
        int left = pad + axisTitle + (showNames ? nameWidth + 8 : 8);
        int top = pad + titleH + axisTitle + (showNames ? nameWidth + 8 : 8);
        int side = k * cell;
        int barGap = 24;
        int barW = 16;
        int barLabels = 44;
        int width = left + side + barGap + barW + barLabels + pad;
        int height = Math.max(top + side + pad + 10, top + 200);

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);

            if (title != null) {
                g.setFont(titleFont);
                g.setColor(INK);
                g.drawString(title, pad, pad + g.getFontMetrics().getAscent());
            }

            // cells
            Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(13, cell / 3)));
            FontMetrics cm = g.getFontMetrics(cellFont);
            for (int t = 0; t < k; t++) {
                long rowSum = 0;
                for (long c : counts[t]) {
                    rowSum += c;
                }
                for (int p = 0; p < k; p++) {
                    double share = rowSum == 0 ? 0 : (double) counts[t][p] / rowSum;
                    int rgb = color(share);
                    int x = left + p * cell;
                    int y = top + t * cell;
                    if (cell < 20) {
                        for (int dy = 0; dy < cell; dy++) {
                            for (int dx = 0; dx < cell; dx++) {
                                img.setRGB(x + dx, y + dy, rgb);
                            }
                        }
                        continue;
                    }
                    g.setColor(new Color(rgb));
                    g.fillRect(x, y, cell, cell);
                    String text = Long.toString(counts[t][p]);
                    if (cell >= 20 && cm.stringWidth(text) <= cell - 4) {
                        g.setFont(cellFont);
                        g.setColor(share > 0.45 ? Color.WHITE : INK);
                        g.drawString(text, x + (cell - cm.stringWidth(text)) / 2,
                                y + (cell + cm.getAscent() - cm.getDescent()) / 2);
                    }
                }
            }
            if (cell >= 6) {
                g.setColor(GRID);
                g.setStroke(new BasicStroke(1f));
                for (int i = 0; i <= k; i++) {
                    g.drawLine(left, top + i * cell, left + side, top + i * cell);
                    g.drawLine(left + i * cell, top, left + i * cell, top + side);
                }
            }
            g.setColor(INK);
            g.drawRect(left, top, side, side);

            // class names: rows on the left, columns on top (vertical)
            g.setFont(labelFont);
            if (showNames) {
                for (int i = 0; i < k; i++) {
                    String n = clip(names[i], 24);
                    int w = lm.stringWidth(n);
                    g.drawString(n, left - 6 - w, top + i * cell + (cell + lm.getAscent() - lm.getDescent()) / 2);
                    AffineTransform saved = g.getTransform();
                    g.translate(left + i * cell + (cell + lm.getAscent() - lm.getDescent()) / 2, top - 6);
                    g.rotate(-Math.PI / 2);
                    g.drawString(n, 0, 0);
                    g.setTransform(saved);
                }
            }

            // axis titles
            g.setFont(axisFont);
            FontMetrics am = g.getFontMetrics();
            String pred = "predicted class";
            g.drawString(pred, left + (side - am.stringWidth(pred)) / 2, pad + titleH + am.getAscent());
            String truth = "true class";
            AffineTransform saved = g.getTransform();
            g.translate(pad + am.getAscent(), top + (side + am.stringWidth(truth)) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(truth, 0, 0);
            g.setTransform(saved);

            // colour bar: share of the true class
            int bx = left + side + barGap;
            int bh = Math.max(120, side);
            for (int y = 0; y < bh; y++) {
                g.setColor(new Color(color(1.0 - (double) y / (bh - 1))));
                g.drawLine(bx, top + y, bx + barW, top + y);
            }
            g.setColor(INK);
            g.drawRect(bx, top, barW, bh);
            g.setFont(labelFont);
            for (int pct = 0; pct <= 100; pct += 25) {
                int y = top + (int) Math.round((1 - pct / 100.0) * (bh - 1));
                g.drawLine(bx + barW, y, bx + barW + 3, y);
                g.drawString(pct + "%", bx + barW + 6, y + lm.getAscent() / 2 - 1);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The scale's colour (0xRRGGBB) for a share in [0, 1], interpolated linearly between the knots. */
    static int color(double share) {
        double s = Double.isNaN(share) ? 0 : Math.max(0, Math.min(1, share));
        double pos = s * (RAMP.length - 1);
        int i = Math.min(RAMP.length - 2, (int) Math.floor(pos));
        double f = pos - i;
        int a = RAMP[i];
        int b = RAMP[i + 1];
        int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
        int gg = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
        int bb = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
        return (r << 16) | (gg << 8) | bb;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** "91.2%" style percentage. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
