package netviz.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Composition of figures: side by side ({@link #row}), stacked ({@link #column}), with a title
 * above ({@link #titled}) or a caption below ({@link #captioned}), padded ({@link #pad}). Canvases
 * grow to fit their parts and text, so nothing overlaps; regions move with their figures.
 */
public final class Layout {
    /** Space between composed parts, in pixels. */
    public static final int GAP = 16;
    public static final float TITLE_SIZE = 15f;
    public static final float CAPTION_SIZE = 12f;

    /** Vertical alignment in a row / horizontal alignment in a column. */
    public enum Align { START, CENTER, END }

    private Layout() {
    }

    public static Figure row(Figure... parts) {
        return row(Arrays.asList(parts), GAP, Align.START);
    }

    /** Parts left to right, {@code gap} pixels apart, aligned vertically as asked. */
    public static Figure row(List<Figure> parts, int gap, Align align) {
        int w = 0;
        int h = 0;
        for (Figure f : parts) {
            w += f.width();
            h = Math.max(h, f.height());
        }
        w += gap * Math.max(0, parts.size() - 1);
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = img.createGraphics();
        List<Figure.Region> regions = new ArrayList<>();
        int x = 0;
        for (Figure f : parts) {
            int y = offset(h, f.height(), align);
            g.drawImage(f.image(), x, y, null);
            regions.addAll(f.regionsAt(x, y));
            x += f.width() + gap;
        }
        g.dispose();
        return new Figure(img, regions);
    }

    public static Figure column(Figure... parts) {
        return column(Arrays.asList(parts), GAP, Align.CENTER);
    }

    /** Parts top to bottom, {@code gap} pixels apart, aligned horizontally as asked. */
    public static Figure column(List<Figure> parts, int gap, Align align) {
        int w = 0;
        int h = 0;
        for (Figure f : parts) {
            h += f.height();
            w = Math.max(w, f.width());
        }
        h += gap * Math.max(0, parts.size() - 1);
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = img.createGraphics();
        List<Figure.Region> regions = new ArrayList<>();
        int y = 0;
        for (Figure f : parts) {
            int x = offset(w, f.width(), align);
            g.drawImage(f.image(), x, y, null);
            regions.addAll(f.regionsAt(x, y));
            y += f.height() + gap;
        }
        g.dispose();
        return new Figure(img, regions);
    }

    /**
     * Wraps parts into rows no wider than {@code maxWidth} (at least one part per row), rows
     * stacked left-aligned: a figure with many panels stays readable instead of becoming a strip.
     */
    public static Figure flow(List<Figure> parts, int maxWidth, int gap) {
        List<Figure> rows = new ArrayList<>();
        List<Figure> cur = new ArrayList<>();
        int w = 0;
        for (Figure f : parts) {
            if (!cur.isEmpty() && w + gap + f.width() > maxWidth) {
                rows.add(row(cur, gap, Align.START));
                cur = new ArrayList<>();
                w = 0;
            }
            w += (cur.isEmpty() ? 0 : gap) + f.width();
            cur.add(f);
        }
        if (!cur.isEmpty()) {
            rows.add(row(cur, gap, Align.START));
        }
        return column(rows, gap, Align.START);
    }

    /** A bold title centred above the figure; the canvas widens if the title is wider. */
    public static Figure titled(String title, Figure content) {
        return titled(title, content, TITLE_SIZE);
    }

    public static Figure titled(String title, Figure content, float size) {
        if (title == null || title.isEmpty()) {
            return content;
        }
        Font f = Canvas.bold(size);
        return above(title, f, content, 6);
    }

    /** Text (plain, muted, possibly several lines split at '\n') centred below the figure. */
    public static Figure captioned(Figure content, String caption) {
        if (caption == null || caption.isEmpty()) {
            return content;
        }
        Font f = Canvas.font(CAPTION_SIZE);
        String[] lines = caption.split("\n");
        int lh = Canvas.lineHeight(f);
        int tw = 0;
        for (String l : lines) {
            tw = Math.max(tw, Canvas.textWidth(f, l));
        }
        int gap = 6;
        int w = Math.max(content.width(), tw + 2);
        int h = content.height() + gap + lh * lines.length;
        BufferedImage img = Canvas.blank(w, h);
        Graphics2D g = Canvas.graphics(img);
        int cx = (w - content.width()) / 2;
        g.drawImage(content.image(), cx, 0, null);
        g.setFont(f);
        g.setColor(Canvas.MUTED);
        for (int i = 0; i < lines.length; i++) {
            Canvas.drawCentered(g, lines[i], w / 2.0, content.height() + gap + i * lh);
        }
        g.dispose();
        return new Figure(img, content.regionsAt(cx, 0));
    }

    /** A white margin of {@code margin} pixels on every side. */
    public static Figure pad(Figure content, int margin) {
        BufferedImage img = Canvas.blank(content.width() + 2 * margin, content.height() + 2 * margin);
        Graphics2D g = img.createGraphics();
        g.drawImage(content.image(), margin, margin, null);
        g.dispose();
        return new Figure(img, content.regionsAt(margin, margin));
    }

    private static Figure above(String text, Font f, Figure content, int gap) {
        String[] lines = text.split("\n");
        int lh = Canvas.lineHeight(f);
        int tw = 0;
        for (String l : lines) {
            tw = Math.max(tw, Canvas.textWidth(f, l));
        }
        int w = Math.max(content.width(), tw + 2);
        int top = lh * lines.length + gap;
        BufferedImage img = Canvas.blank(w, top + content.height());
        Graphics2D g = Canvas.graphics(img);
        g.setFont(f);
        g.setColor(Canvas.INK);
        for (int i = 0; i < lines.length; i++) {
            Canvas.drawCentered(g, lines[i], w / 2.0, i * lh);
        }
        int cx = (w - content.width()) / 2;
        g.drawImage(content.image(), cx, top, null);
        g.dispose();
        return new Figure(img, content.regionsAt(cx, top));
    }

    private static int offset(int total, int size, Align align) {
        switch (align) {
            case CENTER: return (total - size) / 2;
            case END: return total - size;
            default: return 0;
        }
    }
}
