package netviz.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Drawing basics shared by every picture: white canvases, a Graphics2D with antialiased shapes and
 * text (grayscale antialiasing, fractional metrics) and nearest-neighbour image scaling, the
 * sans-serif fonts, and text measuring and fitting so that labels never overlap.
 */
public final class Canvas {
    public static final Color BACKGROUND = Color.WHITE;
    public static final Color INK = new Color(0x222222);
    public static final Color MUTED = new Color(0x666666);
    public static final Color GRID = new Color(0xdddddd);
    public static final Color ACCENT = new Color(0x4c72b0);
    public static final Color ALERT = new Color(0xc44e52);

    private static final BufferedImage SCRATCH = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);

    private Canvas() {
    }

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** A white RGB image. */
    public static BufferedImage blank(int width, int height) {
        BufferedImage img = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        return img;
    }

    /** Graphics for {@code img} with antialiased text and shapes and nearest-neighbour image scaling. */
    public static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(INK);
        g.setFont(font(12));
        return g;
    }

    /** The plain sans-serif font at {@code size} points (pixels). */
    public static Font font(float size) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, 1).deriveFont(size);
    }

    public static Font bold(float size) {
        return new Font(Font.SANS_SERIF, Font.BOLD, 1).deriveFont(size);
    }

    public static FontMetrics metrics(Font f) {
        Graphics2D g = graphics(SCRATCH);
        try {
            return g.getFontMetrics(f);
        } finally {
            g.dispose();
        }
    }

    /** Width in pixels of {@code s} in {@code f} (rounded up). */
    public static int textWidth(Font f, String s) {
        return (int) Math.ceil(metrics(f).getStringBounds(s, null).getWidth());
    }

    /** Height of one line of text in {@code f}: ascent + descent. */
    public static int lineHeight(Font f) {
        FontMetrics m = metrics(f);
        return m.getAscent() + m.getDescent();
    }

    /** {@code s}, cut and ended with an ellipsis if needed so that it fits in {@code maxWidth} pixels. */
    public static String fit(String s, Font f, int maxWidth) {
        if (textWidth(f, s) <= maxWidth) {
            return s;
        }
        String ell = "\u2026";
        for (int n = s.length() - 1; n > 0; n--) {
            String t = s.substring(0, n) + ell;
            if (textWidth(f, t) <= maxWidth) {
                return t;
            }
        }
        return textWidth(f, ell) <= maxWidth ? ell : "";
    }

    /** A crisp one-pixel frame just inside the rectangle (x, y, w, h), in the current colour. */
    public static void frame(Graphics2D g, int x, int y, int w, int h) {
        g.fillRect(x, y, w, 1);
        g.fillRect(x, y + h - 1, w, 1);
        g.fillRect(x, y, 1, h);
        g.fillRect(x + w - 1, y, 1, h);
    }

    /** Draws {@code s} horizontally centred on {@code cx} with its top at {@code top}. */
    public static void drawCentered(Graphics2D g, String s, double cx, int top) {
        FontMetrics m = g.getFontMetrics();
        double w = m.getStringBounds(s, g).getWidth();
        g.drawString(s, (float) (cx - w / 2), top + m.getAscent());
    }

    /** Draws {@code s} with its top-left corner at (x, top). */
    public static void drawAt(Graphics2D g, String s, double x, int top) {
        g.drawString(s, (float) x, top + g.getFontMetrics().getAscent());
    }

    /** Draws {@code s} right-aligned to {@code right}, vertically centred on {@code cy}. */
    public static void drawRight(Graphics2D g, String s, double right, double cy) {
        FontMetrics m = g.getFontMetrics();
        double w = m.getStringBounds(s, g).getWidth();
        g.drawString(s, (float) (right - w), (float) (cy + (m.getAscent() - m.getDescent()) / 2.0));
    }

    /** Draws {@code s} left-aligned at {@code x}, vertically centred on {@code cy}. */
    public static void drawLeft(Graphics2D g, String s, double x, double cy) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(s, (float) x, (float) (cy + (m.getAscent() - m.getDescent()) / 2.0));
    }
}
