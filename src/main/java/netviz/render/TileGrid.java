package netviz.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Small images in a grid, each enlarged by the same integer nearest-neighbour factor (so every
 * value stays a crisp square), framed by a thin line, with up to a few lines of label text under
 * it (an index, a class name, a value); a cell widens for its labels up to twice the tile's width,
 * and longer labels are cut with an ellipsis rather than overlapping the next tile. The grid shape comes from {@link GridShape#forCount} unless fixed. The returned
 * {@link Figure} has one region per tile: the rectangle of the enlarged tile image.
 */
public final class TileGrid {

    /** A tile: its image at native resolution, the caller's index, and label lines. */
    public record Tile(BufferedImage image, int index, List<String> labels) {
        public Tile {
            labels = List.copyOf(labels);
        }

        public static Tile of(BufferedImage image, int index, String... labels) {
            return new Tile(image, index, List.of(labels));
        }
    }

    /**
     * {@code tileSize}: the larger side of a tile is enlarged by the integer factor that brings it
     * closest to this many pixels (never shrunk); {@code columns}: 0 for automatic;
     * {@code gap}: pixels between cells; {@code fontSize}: label text size.
     */
    public record Options(int tileSize, int columns, int gap, float fontSize) {
        public Options {
            if (tileSize < 1 || columns < 0 || gap < 0 || !(fontSize > 0)) {
                throw new IllegalArgumentException("bad tile grid options: tileSize " + tileSize + ", columns "
                        + columns + ", gap " + gap + ", fontSize " + fontSize);
            }
        }

        public static Options defaults() {
            return new Options(64, 0, 8, 11f);
        }

        public Options withTileSize(int s) {
            return new Options(s, columns, gap, fontSize);
        }

        public Options withColumns(int c) {
            return new Options(tileSize, c, gap, fontSize);
        }

        public Options withGap(int g) {
            return new Options(tileSize, columns, g, fontSize);
        }

        public Options withFontSize(float f) {
            return new Options(tileSize, columns, gap, f);
        }
    }

    private TileGrid() {
    }

    public static Figure render(List<Tile> tiles) {
        return render(tiles, Options.defaults());
    }

    public static Figure render(List<Tile> tiles, Options o) {
        if (tiles.isEmpty()) {
            return Figure.of(Canvas.blank(1, 1));
        }
        int maxH = 0;
        int maxW = 0;
        int lines = 0;
        for (Tile t : tiles) {
            maxH = Math.max(maxH, t.image().getHeight());
            maxW = Math.max(maxW, t.image().getWidth());
            lines = Math.max(lines, t.labels().size());
        }
        int factor = Images.factorFor(maxH, maxW, o.tileSize());
        GridShape shape = o.columns() > 0
                ? new GridShape((tiles.size() + o.columns() - 1) / o.columns(), Math.min(o.columns(), tiles.size()))
                : GridShape.forCount(tiles.size());
        Font font = Canvas.font(o.fontSize());
        int lh = Canvas.lineHeight(font);
        int frame = 1;
        int labelW = 0;
        for (Tile t : tiles) {
            for (String l : t.labels()) {
                labelW = Math.max(labelW, Canvas.textWidth(font, l) + 4);
            }
        }
        int tileW = maxW * factor + 2 * frame;
        int cellW = Math.max(Math.max(tileW, 24), Math.min(labelW, 2 * tileW));
        int labelTop = 3;
        int cellH = maxH * factor + 2 * frame + (lines > 0 ? labelTop + lines * lh : 0);
        int width = shape.columns() * cellW + (shape.columns() - 1) * o.gap();
        int height = shape.rows() * cellH + (shape.rows() - 1) * o.gap();
        BufferedImage img = Canvas.blank(width, height);
        Graphics2D g = Canvas.graphics(img);
        g.setFont(font);
        List<Figure.Region> regions = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            int row = i / shape.columns();
            int col = i % shape.columns();
            int x0 = col * (cellW + o.gap());
            int y0 = row * (cellH + o.gap());
            int tw = t.image().getWidth() * factor;
            int th = t.image().getHeight() * factor;
            int tx = x0 + (cellW - tw) / 2;
            int ty = y0 + frame + (maxH * factor - th) / 2;
            g.setColor(Canvas.GRID);
            g.fillRect(tx - frame, ty - frame, tw + 2 * frame, th + 2 * frame);
            g.drawImage(Images.upscale(Images.toRgb(t.image()), factor), tx, ty, null);
            g.setColor(Canvas.INK);
            int textTop = y0 + maxH * factor + 2 * frame + labelTop;
            for (int k = 0; k < t.labels().size(); k++) {
                String s = Canvas.fit(t.labels().get(k), font, cellW);
                g.setColor(k == 0 ? Canvas.INK : Canvas.MUTED);
                Canvas.drawCentered(g, s, x0 + cellW / 2.0, textTop + k * lh);
            }
            regions.add(new Figure.Region(t.index(), t.labels().isEmpty() ? "" : String.join(" ", t.labels()),
                    new Rectangle(tx, ty, tw, th)));
        }
        g.dispose();
        return new Figure(img, regions);
    }
}
