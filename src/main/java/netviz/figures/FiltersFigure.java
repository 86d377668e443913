package netviz.figures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.methods.params.Filters;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.FilterFigure;
import netviz.render.Normalization;
import netviz.session.Session;

/**
 * The learned filters of a convolution ({@link Filters}) as a grid of tiles: colour tiles for
 * three-channel first-layer filters, which act on pixels and can be read directly, gray or a colour
 * map otherwise, one input channel of every filter for deeper layers, or every input channel of one
 * filter (Zeiler &amp; Fergus 2014, "Visualizing and Understanding Convolutional Networks", fig. 2).
 * The summary has per-filter statistics of the weights (min, max, mean, L2 norm) and the filters
 * that are nearly blank: L2 norm under 1% of the layer's median.
 */
public final class FiltersFigure {
    private FiltersFigure() {
    }

    /**
     * What to draw: the convolution (null: the first), one filter's every input channel (null: one tile
     * per filter), the input channel shown of each filter, the scale, an optional colour map and
     * normalisation by name, and the tile size; the defaults are {@code netviz filters}'.
     */
    public record Options(String layer, Integer filter, int channel, FilterFigure.Scale scale, String colormap,
                          String normalize, int tileSize) {
        public Options {
            scale = scale == null ? FilterFigure.Scale.FILTER : scale;
            if (tileSize < 1 || tileSize > 1024) {
                throw new NetvizException("--tile-size must be between 1 and 1024 pixels, not " + tileSize);
            }
        }

        public static Options defaults() {
            return new Options(null, null, 0, FilterFigure.Scale.FILTER, null, null, 48);
        }

        public Options withLayer(String l) {
            return new Options(l, filter, channel, scale, colormap, normalize, tileSize);
        }

        /** Every input channel of filter {@code k}; null for one tile per filter. */
        public Options withFilter(Integer k) {
            return new Options(layer, k, channel, scale, colormap, normalize, tileSize);
        }

        public Options withChannel(int c) {
            return new Options(layer, filter, c, scale, colormap, normalize, tileSize);
        }

        public Options withScale(FilterFigure.Scale s) {
            return new Options(layer, filter, channel, s, colormap, normalize, tileSize);
        }

        /** A colour map by name ({@link Colormap#byName}); null for RGB or gray tiles. */
        public Options withColormap(String c) {
            return new Options(layer, filter, channel, scale, c, normalize, tileSize);
        }

        /** A value range rule ({@link Normalization#parse}); null for the colour map's default. */
        public Options withNormalize(String n) {
            return new Options(layer, filter, channel, scale, colormap, n, tileSize);
        }

        public Options withTileSize(int px) {
            return new Options(layer, filter, channel, scale, colormap, normalize, px);
        }

        /** The {@code netviz filters} flags that draw this figure (those that differ from the defaults). */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (layer != null) {
                a.addAll(List.of("--layer", layer));
            }
            if (filter != null) {
                a.addAll(List.of("--filter", Integer.toString(filter)));
            }
            if (channel != 0) {
                a.addAll(List.of("--channel", Integer.toString(channel)));
            }
            if (scale != FilterFigure.Scale.FILTER) {
                a.addAll(List.of("--scale", scale.name().toLowerCase(Locale.ROOT)));
            }
            if (colormap != null) {
                a.addAll(List.of("--colormap", colormap));
            }
            if (normalize != null) {
                a.addAll(List.of("--normalize", normalize));
            }
            if (tileSize != 48) {
                a.addAll(List.of("--tile-size", Integer.toString(tileSize)));
            }
            return a;
        }
    }

    /**
     * Draws the filters. The summary: {@code layer}, {@code weights} (the initializer's name),
     * {@code shape}, {@code group}, {@code filter} (null for all), {@code scale}, {@code channels},
     * {@code height}, {@code width}, {@code filters} (per filter: index, min, max, mean, l2) and
     * {@code nearlyBlank}; the raw array {@code weights} is what was drawn: (filters, channels, kh, kw),
     * or (channels, kh, kw) for one filter.
     */
    public static FigureResult make(Session s, Options o, Progress p) {
        Filters.FilterBank bank = Filters.of(s.graph(), o.layer());
        if (o.filter() != null) {
            bank.checkFilter(o.filter());
        }
        bank.checkChannel(o.channel());
        Colormap map = o.colormap() == null ? null : Colormap.byName(o.colormap());
        Normalization norm = o.normalize() == null ? null : Normalization.parse(o.normalize());
        String title = s.name() + " \u00b7 " + bank.layer() + ": " + bank.filters() + " filters of "
                + bank.channels() + " x " + bank.height() + " x " + bank.width()
                + (bank.group() > 1 ? " (group " + bank.group() + ")" : "");
        FilterFigure.Options fo = FilterFigure.Options.defaults().withScale(o.scale()).withColormap(map)
                .withNormalization(norm).withFilter(o.filter() == null ? -1 : o.filter()).withChannel(o.channel())
                .withTileSize(o.tileSize()).withTitle(title);
        Figure fig = FilterFigure.render(bank.weights(), bank.filters(), bank.channels(), bank.height(), bank.width(), fo);
        RawArray raw = o.filter() != null
                ? new RawArray(bank.filter(o.filter()), new long[] {bank.channels(), bank.height(), bank.width()})
                : new RawArray(bank.weights(), bank.shape());

        List<Map<String, Object>> stats = stats(bank);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("layer", bank.layer());
        summary.put("weights", bank.weightName());
        summary.put("shape", bank.shape());
        summary.put("group", bank.group());
        summary.put("filter", o.filter());
        summary.put("scale", o.scale().name().toLowerCase(Locale.ROOT));
        summary.put("channels", bank.channels());
        summary.put("height", bank.height());
        summary.put("width", bank.width());
        summary.put("filters", stats);
        summary.put("nearlyBlank", nearlyBlank(stats));
        return new FigureResult(List.of(fig), Map.of("weights", raw), summary);
    }

    /** Per filter: index, min, max, mean and L2 norm of its weights. */
    static List<Map<String, Object>> stats(Filters.FilterBank bank) {
        List<Map<String, Object>> s = new ArrayList<>();
        for (int k = 0; k < bank.filters(); k++) {
            float[] f = bank.filter(k);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            double sq = 0;
            for (float v : f) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sq += (double) v * v;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", k);
            m.put("min", min);
            m.put("max", max);
            m.put("mean", sum / f.length);
            m.put("l2", Math.sqrt(sq));
            s.add(m);
        }
        return s;
    }

    /** The filters whose L2 norm is under 1% of the median norm. */
    static List<Integer> nearlyBlank(List<Map<String, Object>> stats) {
        double[] norms = stats.stream().mapToDouble(m -> (Double) m.get("l2")).sorted().toArray();
        double median = norms[norms.length / 2];
        List<Integer> out = new ArrayList<>();
        for (Map<String, Object> f : stats) {
            if ((Double) f.get("l2") < 0.01 * median) {
                out.add((Integer) f.get("index"));
            }
        }
        return out;
    }
}
