package netviz.render;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The sheet of the images that excite one unit most (after Girshick et al. 2014, figure 4, and
 * Zeiler and Fergus 2014, figure 2): a row of the top images, each enlarged with the unit's
 * receptive field drawn as a box, a row of the crops of those boxes enlarged to the same size,
 * and optionally a row of a visualisation of each crop (e.g. guided backpropagation). Each
 * column is one hit, labelled by the caller (rank, activation, image index).
 */
public final class TopImagesSheet {

    /**
     * One hit: the whole image, the box in its pixels (null: the whole image), an optional
     * visualisation of the crop (same size as the box), and label lines.
     */
    public record Entry(BufferedImage image, Rectangle box, BufferedImage beside, List<String> labels) {
        public Entry {
            labels = List.copyOf(labels);
        }
    }

    private TopImagesSheet() {
    }

    /**
     * @param tileSize the larger side of each enlarged image, in pixels (about)
     * @param besideTitle the title of the third row (used when any entry has a visualisation)
     */
    public static Figure render(String title, List<Entry> entries, int tileSize, String besideTitle) {
        List<TileGrid.Tile> full = new ArrayList<>();
        List<TileGrid.Tile> crops = new ArrayList<>();
        List<TileGrid.Tile> beside = new ArrayList<>();
        int i = 0;
        for (Entry e : entries) {
            BufferedImage img = Images.toRgb(e.image());
            int f = Images.factorFor(img.getHeight(), img.getWidth(), tileSize);
            BufferedImage big = Images.upscale(img, f);
            Rectangle box = e.box() != null ? e.box() : new Rectangle(0, 0, img.getWidth(), img.getHeight());
            Graphics2D g = Canvas.graphics(big);
            g.setColor(Canvas.ALERT);
            g.setStroke(new BasicStroke(Math.max(1.5f, f / 4f)));
            g.drawRect(box.x * f, box.y * f, box.width * f - 1, box.height * f - 1);
            g.dispose();
            full.add(new TileGrid.Tile(big, i, e.labels()));
            BufferedImage crop = img.getSubimage(box.x, box.y, box.width, box.height);
            int cf = Images.factorFor(crop.getHeight(), crop.getWidth(), tileSize);
            crops.add(TileGrid.Tile.of(Images.upscale(crop, cf), i));
            if (e.beside() != null) {
                BufferedImage b = Images.toRgb(e.beside());
                int bf = Images.factorFor(b.getHeight(), b.getWidth(), tileSize);
                beside.add(TileGrid.Tile.of(Images.upscale(b, bf), i));
            }
            i++;
        }
        int columns = entries.size();
        TileGrid.Options o = TileGrid.Options.defaults().withTileSize(tileSize).withColumns(columns);
        List<Figure> rows = new ArrayList<>();
        rows.add(Layout.titled("top images, receptive field boxed", TileGrid.render(full, o), Layout.CAPTION_SIZE));
        rows.add(Layout.titled("receptive-field crops", TileGrid.render(crops, o), Layout.CAPTION_SIZE));
        if (!beside.isEmpty()) {
            rows.add(Layout.titled(besideTitle, TileGrid.render(beside, o), Layout.CAPTION_SIZE));
        }
        return Layout.pad(Layout.titled(title, Layout.column(rows, Layout.GAP, Layout.Align.START)), 8);
    }
}
