package netviz.render;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Activation maps of one or several layers next to the input image: per layer a titled grid of
 * maps (colourised, enlarged with nearest neighbour, labelled with their channel index), with
 * either one scale for the layer and a colour bar under the grid, or each map scaled to its own
 * range, printed under it. Layers go side by side (wrapping when very wide), so early layers'
 * detailed maps can be compared with late layers' coarse ones (Zeiler and Fergus, "Visualizing
 * and understanding convolutional networks", ECCV 2014; Yosinski et al., "Understanding neural
 * networks through deep visualization", ICML DL workshop 2015).
 */
public final class ActivationFigure {

    /**
     * The maps of one layer: {@code maps[i]} is an h x w row-major map of channel
     * {@code channels[i]}; {@code notes[i]} (optional) is a second label line, e.g. "max 3.2".
     */
    public record LayerMaps(String title, int height, int width, float[][] maps, int[] channels, String[] notes) {
        public LayerMaps {
            if (maps.length != channels.length || (notes != null && notes.length != maps.length)) {
                throw new IllegalArgumentException("one channel index (and note) per map");
            }
            for (float[] m : maps) {
                if (m.length != height * width) {
                    throw new IllegalArgumentException("a map of " + m.length + " values is not " + height + " x " + width);
                }
            }
        }
    }

    /**
     * {@code sharedScale}: one range per layer (with a colour bar) rather than one per map;
     * {@code tileSize}: target pixels of a map's larger side; {@code maxWidth}: where rows of
     * panels wrap.
     */
    public record Options(Colormap colormap, Normalization normalization, boolean sharedScale, int tileSize,
                          int maxWidth) {
        public static Options defaults() {
            return new Options(Colormap.VIRIDIS, Normalization.MIN_MAX, true, 64, 2400);
        }

        public Options withColormap(Colormap c) {
            return new Options(c, normalization, sharedScale, tileSize, maxWidth);
        }

        public Options withNormalization(Normalization n) {
            return new Options(colormap, n, sharedScale, tileSize, maxWidth);
        }

        public Options withSharedScale(boolean s) {
            return new Options(colormap, normalization, s, tileSize, maxWidth);
        }

        public Options withTileSize(int t) {
            return new Options(colormap, normalization, sharedScale, t, maxWidth);
        }
    }

    private ActivationFigure() {
    }

    /** The input (may be null) and one panel per layer, side by side. */
    public static Figure render(BufferedImage input, List<LayerMaps> layers, Options o) {
        List<Figure> parts = new ArrayList<>();
        if (input != null) {
            int f = Images.factorFor(input.getHeight(), input.getWidth(), 160);
            BufferedImage shown = input.getWidth() < 160 && input.getHeight() < 160 ? Images.upscale(Images.toRgb(input), f)
                    : Images.toRgb(input);
            parts.add(Layout.titled("input", Figure.of(shown), Layout.TITLE_SIZE - 1)
            );
        }
        for (LayerMaps m : layers) {
            parts.add(layer(m, o));
        }
        return Layout.pad(Layout.flow(parts, o.maxWidth(), 28), 12);
    }

    /** One layer's panel. */
    public static Figure layer(LayerMaps m, Options o) {
        int n = m.maps().length;
        ValueRange shared = null;
        if (o.sharedScale()) {
            int plane = m.height() * m.width();
            float[] all = new float[n * plane];
            for (int i = 0; i < n; i++) {
                System.arraycopy(m.maps()[i], 0, all, i * plane, plane);
            }
            shared = o.normalization().rangeOf(all);
        }
        List<TileGrid.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ValueRange r = shared != null ? shared : o.normalization().rangeOf(m.maps()[i]);
            List<String> labels = new ArrayList<>();
            labels.add("ch " + m.channels()[i]);
            if (m.notes() != null && m.notes()[i] != null) {
                labels.add(m.notes()[i]);
            } else if (shared == null) {
                labels.add(Ticks.format(r.lo(), 2) + " – " + Ticks.format(r.hi(), 2));
            }
            tiles.add(new TileGrid.Tile(Images.colorize(m.maps()[i], m.height(), m.width(), r, o.colormap()),
                    m.channels()[i], labels));
        }
        Figure grid = TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(o.tileSize()));
        Figure body = grid;
        if (shared != null) {
            int len = Math.max(120, Math.min(grid.width() - 40, 320));
            body = Layout.column(List.of(grid, ColorBar.horizontal(o.colormap(), shared, len, "activation")),
                    10, Layout.Align.CENTER);
        }
        return Layout.titled(m.title(), body, Layout.TITLE_SIZE - 1);
    }
}
