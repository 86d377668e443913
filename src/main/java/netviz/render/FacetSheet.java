package netviz.render;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The figure of multifaceted feature visualization (Nguyen, Yosinski and Clune 2016, figure 1):
 * one row per facet, the synthesised image first (framed by the facet's colour, the one the
 * scatter plot uses, {@link ClassColors}), then the mean image it started from, then real images
 * of the facet's cluster, closest to the centroid first.
 */
public final class FacetSheet {

    /**
     * One facet's row.
     *
     * @param title       e.g. "facet 1 · 412 images"
     * @param value       e.g. "logit 14.2, p 0.999"
     * @param synthesized the synthesised image
     * @param mean        the mean image it started from (null: not shown)
     * @param examples    real images of the facet, closest to the centroid first
     */
    public record Row(String title, String value, BufferedImage synthesized, BufferedImage mean, List<BufferedImage> examples) {
        public Row {
            examples = List.copyOf(examples);
        }
    }

    /**
     * @param tileSize  size of the synthesised image (the others are drawn at the same scale)
     * @param examples  real images shown per row at most
     * @param title     the sheet's title (null: none)
     */
    public record Options(int tileSize, int examples, String title) {
        public Options {
            if (tileSize < 8 || examples < 0) {
                throw new IllegalArgumentException("bad facet sheet options: tile " + tileSize + ", examples " + examples);
            }
        }

        public static Options defaults(String title) {
            return new Options(96, 8, title);
        }
    }

    private FacetSheet() {
    }

    /** Draws the rows, top to bottom; facet r is coloured as label r of {@code rows.size()} classes. */
    public static Figure render(List<Row> rows, Options o) {
        List<Figure> lines = new ArrayList<>();
        int k = rows.size();
        for (int r = 0; r < k; r++) {
            Row row = rows.get(r);
            Figure synth = TileGrid.render(List.of(TileGrid.Tile.of(row.synthesized(), r, "synthesised", row.value())),
                    TileGrid.Options.defaults().withTileSize(o.tileSize()).withColumns(1));
            synth = framed(synth, ClassColors.of(r, k));
            List<Figure> parts = new ArrayList<>();
            parts.add(synth);
            if (row.mean() != null) {
                parts.add(TileGrid.render(List.of(TileGrid.Tile.of(row.mean(), r, "start: mean image")),
                        TileGrid.Options.defaults().withTileSize(o.tileSize() * 2 / 3).withColumns(1)));
            }
            int shown = Math.min(o.examples(), row.examples().size());
            if (shown > 0) {
                List<TileGrid.Tile> tiles = new ArrayList<>();
                for (int i = 0; i < shown; i++) {
                    tiles.add(TileGrid.Tile.of(row.examples().get(i), i, i == 0 ? "closest" : "#" + (i + 1)));
                }
                parts.add(TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(o.tileSize() * 2 / 3)
                        .withColumns(shown).withGap(4)));
            }
            lines.add(Layout.titled(row.title(), Layout.row(parts, Layout.GAP, Layout.Align.CENTER), Layout.CAPTION_SIZE + 1));
        }
        Figure body = Layout.column(lines, Layout.GAP, Layout.Align.START);
        return Layout.pad(o.title() == null ? body : Layout.titled(o.title(), body), 8);
    }

    private static Figure framed(Figure f, java.awt.Color color) {
        int b = 3;
        BufferedImage img = Canvas.blank(f.width() + 2 * b, f.height() + 2 * b);
        java.awt.Graphics2D g = Canvas.graphics(img);
        g.setColor(color);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.drawImage(f.image(), b, b, null);
        g.dispose();
        return Figure.of(img);
    }
}
