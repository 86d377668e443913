package netviz.render;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolution weights as a grid of tiles, from a plain (filters, channels, kh, kw) array.
 * What a tile is depends on the layer and the options:
 * <ul>
 *   <li>one filter chosen ({@link Options#filter}): one tile per input channel of that filter,
 *       sharing one range and a colour bar;</li>
 *   <li>three input channels and no colour map: one colour (RGB) tile per filter, the classic
 *       picture of first-layer filters (Krizhevsky, Sutskever and Hinton, "ImageNet
 *       classification with deep convolutional neural networks", NIPS 2012, fig. 3);</li>
 *   <li>at most four input channels otherwise: one tile per filter with its channels side by side
 *       through the colour map (one channel: a plain grayscale tile);</li>
 *   <li>more input channels: input channel {@link Options#channel} of every filter.</li>
 * </ul>
 * Scaling: {@link Scale#FILTER} gives each filter its own range (over the values shown of it),
 * {@link Scale#LAYER} one range over all the layer's weights, shown by a colour bar. The range
 * comes from the normalisation: min-max unless the colour map is diverging (then symmetric, so
 * zero is white). A tile's pixel is {@code colormap.rgb(range.normalize(w))}, or for RGB tiles
 * {@code round(255 * range.normalize(w_c))} per channel. Tiles are enlarged with nearest neighbour.
 */
public final class FilterFigure {

    /** Per-filter or per-layer ranges. */
    public enum Scale { FILTER, LAYER }

    /**
     * {@code colormap} null: RGB tiles for three-channel filters and gray otherwise;
     * {@code normalization} null: {@link Normalization#defaultFor} the colour map;
     * {@code filter} negative: all filters; {@code channel}: the input channel shown for
     * many-channel layers; {@code title}: drawn above (null for none).
     */
    public record Options(Scale scale, Colormap colormap, Normalization normalization, int filter, int channel,
                          int tileSize, String title) {
        public static Options defaults() {
            return new Options(Scale.FILTER, null, null, -1, 0, 48, null);
        }

        public Options withScale(Scale s) {
            return new Options(s, colormap, normalization, filter, channel, tileSize, title);
        }

        public Options withColormap(Colormap c) {
            return new Options(scale, c, normalization, filter, channel, tileSize, title);
        }

        public Options withNormalization(Normalization n) {
            return new Options(scale, colormap, n, filter, channel, tileSize, title);
        }

        public Options withFilter(int k) {
            return new Options(scale, colormap, normalization, k, channel, tileSize, title);
        }

        public Options withChannel(int c) {
            return new Options(scale, colormap, normalization, filter, c, tileSize, title);
        }

        public Options withTileSize(int s) {
            return new Options(scale, colormap, normalization, filter, channel, s, title);
        }

        public Options withTitle(String t) {
            return new Options(scale, colormap, normalization, filter, channel, tileSize, t);
        }
    }

    private FilterFigure() {
    }

    /** Draws {@code w} of shape (filters, channels, kh, kw), row-major. */
    public static Figure render(float[] w, int filters, int channels, int kh, int kw, Options o) {
        netviz.methods.Finite.check(w, new long[] {filters, channels, kh, kw}, "the filter weights to draw");
        int per = channels * kh * kw;
        int plane = kh * kw;
        if ((long) filters * per != w.length) {
            throw new IllegalArgumentException("weights of shape (" + filters + ", " + channels + ", " + kh + ", " + kw
                    + ") need " + (long) filters * per + " values, not " + w.length);
        }
        if (o.filter() >= filters) {
            throw new IllegalArgumentException("filter " + o.filter() + " is out of range 0.." + (filters - 1));
        }
        if (o.channel() < 0 || o.channel() >= channels) {
            throw new IllegalArgumentException("input channel " + o.channel() + " is out of range 0.." + (channels - 1));
        }
        boolean rgb = o.filter() < 0 && channels == 3 && o.colormap() == null;
        Colormap map = o.colormap() != null ? o.colormap() : Colormap.GRAY;
        Normalization norm = o.normalization() != null ? o.normalization() : Normalization.defaultFor(map);
        ValueRange layerRange = norm.rangeOf(w);
        List<TileGrid.Tile> tiles = new ArrayList<>();
        ValueRange shared = null;
        String what;
        if (o.filter() >= 0) {
            int k = o.filter();
            ValueRange r = o.scale() == Scale.LAYER ? layerRange : norm.rangeOf(w, k * per, per);
            shared = r;
            for (int c = 0; c < channels; c++) {
                tiles.add(TileGrid.Tile.of(Images.colorize(w, k * per + c * plane, kh, kw, r, map), c, "in " + c));
            }
            what = "filter " + k + ": its " + channels + " input channel" + (channels == 1 ? "" : "s");
        } else if (rgb) {
            for (int k = 0; k < filters; k++) {
                ValueRange r = o.scale() == Scale.LAYER ? layerRange : norm.rangeOf(w, k * per, per);
                tiles.add(TileGrid.Tile.of(Images.rgb(w, k * per, kh, kw, r), k, Integer.toString(k)));
            }
            what = "input channels as RGB";
        } else if (channels <= 4) {
            for (int k = 0; k < filters; k++) {
                ValueRange r = o.scale() == Scale.LAYER ? layerRange : norm.rangeOf(w, k * per, per);
                tiles.add(TileGrid.Tile.of(sideBySide(w, k * per, channels, kh, kw, r, map), k, Integer.toString(k)));
            }
            what = channels == 1 ? "" : "input channels side by side";
        } else {
            int c = o.channel();
            for (int k = 0; k < filters; k++) {
                int off = k * per + c * plane;
                ValueRange r = o.scale() == Scale.LAYER ? layerRange : norm.rangeOf(w, off, plane);
                tiles.add(TileGrid.Tile.of(Images.colorize(w, off, kh, kw, r, map), k, Integer.toString(k)));
            }
            what = "input channel " + c + " of each filter";
        }
        if (o.scale() == Scale.LAYER) {
            shared = layerRange;
        }
        int tileTarget = o.tileSize();
        if (channels <= 4 && channels > 1 && !rgb && o.filter() < 0) {
            tileTarget = o.tileSize() * channels;
        }
        Figure grid = TileGrid.render(tiles, TileGrid.Options.defaults().withTileSize(tileTarget));
        Figure body = grid;
        if (shared != null && !rgb) {
            int len = Math.max(120, Math.min(360, grid.height()));
            body = Layout.row(List.of(grid, ColorBar.vertical(map, shared, len, "weight")), Layout.GAP, Layout.Align.START);
        }
        String scale = o.scale() == Scale.LAYER ? "one scale for the layer " + shared
                : o.filter() >= 0 ? "scale of filter " + o.filter() + " " + shared
                : "each filter scaled to its own range";
        String caption = (what.isEmpty() ? "" : what + "; ") + scale + " (" + norm.describe() + ")"
                + (rgb && norm == Normalization.SYMMETRIC ? "; zero is mid-gray" : "");
        Figure f = Layout.captioned(body, caption);
        return Layout.pad(Layout.titled(o.title(), f), 12);
    }

    /** Channels of one filter next to each other, one blank column apart. */
    private static BufferedImage sideBySide(float[] w, int off, int channels, int kh, int kw, ValueRange r,
                                            Colormap map) {
        if (channels == 1) {
            return Images.colorize(w, off, kh, kw, r, map);
        }
        BufferedImage img = Canvas.blank(channels * kw + channels - 1, kh);
        Graphics2D g = img.createGraphics();
        for (int c = 0; c < channels; c++) {
            g.drawImage(Images.colorize(w, off + c * kh * kw, kh, kw, r, map), c * (kw + 1), 0, null);
        }
        g.dispose();
        return img;
    }
}
