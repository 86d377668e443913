package netviz.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The nearest-neighbour figure of Krizhevsky et al. (2012, fig. 4 right): one row per query — the
 * query image, then its k nearest neighbours left to right, each captioned with its class and its
 * distance to the query. A neighbour of the query's own class is framed in green, another class in
 * red (when both are labelled).
 */
public final class NeighborSheet {
    /** One picture with its caption lines and whether it matches the query's class (null: unknown). */
    public record Cell(BufferedImage image, List<String> caption, Boolean sameClass) {
    }

    /** A query and its neighbours, nearest first. */
    public record Row(Cell query, List<Cell> neighbors) {
    }

    private NeighborSheet() {
    }

    /** The sheet: rows stacked, each cell {@code tile} pixels wide, titled. */
    public static Figure render(List<Row> rows, int tile, String title) {
        List<Figure> lines = new ArrayList<>();
        for (Row r : rows) {
            List<Figure> cells = new ArrayList<>();
            cells.add(cell(r.query(), tile, Canvas.INK, true));
            cells.add(Figure.of(Canvas.blank(10, 1)));
            for (Cell c : r.neighbors()) {
                Color frame = c.sameClass() == null ? Canvas.GRID : c.sameClass() ? new Color(0x2ca02c) : Canvas.ALERT;
                cells.add(cell(c, tile, frame, false));
            }
            lines.add(Layout.row(cells, 6, Layout.Align.START));
        }
        return Layout.titled(title, Layout.column(lines, 10, Layout.Align.START));
    }

    private static Figure cell(Cell c, int tile, Color frame, boolean bold) {
        var font = bold ? Canvas.bold(11f) : Canvas.font(11f);
        int lh = Canvas.lineHeight(font);
        int h = tile + 4 + lh * c.caption().size() + 2;
        BufferedImage img = Canvas.blank(tile + 4, h);
        Graphics2D g = Canvas.graphics(img);
        g.setColor(frame);
        g.fillRect(0, 0, tile + 4, tile + 4);
        g.drawImage(Images.resize(Images.toRgb(c.image()), tile, tile, false), 2, 2, null);
        g.setFont(font);
        g.setColor(Canvas.INK);
        for (int i = 0; i < c.caption().size(); i++) {
            Canvas.drawCentered(g, Canvas.fit(c.caption().get(i), font, tile + 4), (tile + 4) / 2.0, tile + 4 + i * lh);
        }
        g.dispose();
        return Figure.of(img);
    }
}
