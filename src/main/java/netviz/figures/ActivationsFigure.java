package netviz.figures;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.engine.Graph;
import netviz.engine.Forward;
import netviz.engine.Node;
import netviz.methods.activations.ActivationMaps;
import netviz.methods.activations.DeadFilters;
import netviz.render.ActivationFigure;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Normalization;
import netviz.render.Ticks;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * What layers compute for one input ({@link ActivationMaps}): the input as the model sees it, then
 * the first (or strongest by mean or max) feature maps of each layer, labelled with their channel,
 * one colour scale per layer or one per map. Early maps keep the image's layout and respond to
 * edges; later maps are coarser and respond to parts (Yosinski et al. 2015, "Understanding Neural
 * Networks Through Deep Visualization"; Zeiler &amp; Fergus 2014).
 */
public final class ActivationsFigure {
    private ActivationsFigure() {
    }

    /**
     * The layers (empty: every convolution's activation, or four spread over the network), maps per
     * layer (0: all), which maps ({@code index}, {@code mean}, {@code max}), the scale ({@code layer}
     * or {@code map}), the colour map and normalisation by name (null: the map's default), the example
     * of a batch, and the tile size; the defaults are {@code netviz activations}'.
     */
    public record Options(List<String> layers, int count, ActivationMaps.Order sort, String scale, String colormap,
                          String normalize, int example, int tileSize) {
        public Options {
            layers = List.copyOf(layers);
            sort = sort == null ? ActivationMaps.Order.INDEX : sort;
            if (count < 0) {
                throw new NetvizException("--count must be 0 (all) or more, not " + count);
            }
            if (tileSize < 1 || tileSize > 1024) {
                throw new NetvizException("--tile-size must be between 1 and 1024 pixels, not " + tileSize);
            }
            if (example < 0) {
                throw new NetvizException("--example must be 0 or more, not " + example);
            }
            String sc = scale.toLowerCase(Locale.ROOT);
            if (!sc.equals("layer") && !sc.equals("map")) {
                throw new NetvizException("unknown --scale '" + scale + "'; use layer or map");
            }
            scale = sc;
            Colormap.byName(colormap);
            if (normalize != null) {
                Normalization.parse(normalize);
            }
        }

        public static Options defaults() {
            return new Options(List.of(), 16, ActivationMaps.Order.INDEX, "layer", "viridis", null, 0, 64);
        }

        public Options withLayers(List<String> l) {
            return new Options(l, count, sort, scale, colormap, normalize, example, tileSize);
        }

        public Options withCount(int n) {
            return new Options(layers, n, sort, scale, colormap, normalize, example, tileSize);
        }

        public Options withSort(ActivationMaps.Order o) {
            return new Options(layers, count, o, scale, colormap, normalize, example, tileSize);
        }

        public Options withScale(String s) {
            return new Options(layers, count, sort, s, colormap, normalize, example, tileSize);
        }

        public Options withColormap(String c) {
            return new Options(layers, count, sort, scale, c, normalize, example, tileSize);
        }

        public Options withNormalize(String n) {
            return new Options(layers, count, sort, scale, colormap, n, example, tileSize);
        }

        public Options withExample(int e) {
            return new Options(layers, count, sort, scale, colormap, normalize, e, tileSize);
        }

        public Options withTileSize(int px) {
            return new Options(layers, count, sort, scale, colormap, normalize, example, px);
        }

        /** The {@code netviz activations} flags that draw this figure (those that differ from the defaults). */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (!layers.isEmpty()) {
                a.addAll(List.of("--layer", String.join(",", layers)));
            }
            if (count != 16) {
                a.addAll(List.of("--count", Integer.toString(count)));
            }
            if (sort != ActivationMaps.Order.INDEX) {
                a.addAll(List.of("--sort", sort.name().toLowerCase(Locale.ROOT)));
            }
            if (!scale.equals("layer")) {
                a.addAll(List.of("--scale", scale));
            }
            if (!colormap.equals("viridis")) {
                a.addAll(List.of("--colormap", colormap));
            }
            if (normalize != null) {
                a.addAll(List.of("--normalize", normalize));
            }
            if (example != 0) {
                a.addAll(List.of("--example", Integer.toString(example)));
            }
            if (tileSize != 64) {
                a.addAll(List.of("--tile-size", Integer.toString(tileSize)));
            }
            return a;
        }
    }

    /** {@link #make(Session, float[], long[], Options, Progress)} for one picture. */
    public static FigureResult make(Session s, Picture picture, Options o, Progress p) {
        return make(s, picture.input(), picture.shape(), o, p);
    }

    /**
     * Draws the maps of example {@code o.example()} of the input batch {@code x} of shape
     * {@code shape} (preprocessed). The summary: {@code example} and {@code layers}, per layer its
     * {@code layer}, {@code tensor}, {@code title}, {@code shape}, the {@code channels} shown, and every
     * channel's {@code mean} and {@code max}; the raw arrays, by layer, hold the whole activation of
     * the example, (C, H, W).
     */
    public static FigureResult make(Session s, float[] x, long[] shape, Options o, Progress p) {
        Graph graph = s.graph();
        List<String> chosen = o.layers().isEmpty() ? defaultLayers(graph) : o.layers();
        Colormap map = Colormap.byName(o.colormap());
        Normalization norm = o.normalize() == null ? Normalization.defaultFor(map) : Normalization.parse(o.normalize());
        List<ActivationMaps.LayerMaps> result;
        Forward ip = s.forward();
        try (NDManager scope = ip.newScope()) {
            result = ActivationMaps.compute(ip, scope.create(x, new Shape(shape)), chosen,
                    new ActivationMaps.Options(o.count(), o.sort(), o.example()));
        }

        List<ActivationFigure.LayerMaps> panels = new ArrayList<>();
        List<Map<String, Object>> layers = new ArrayList<>();
        Map<String, RawArray> arrays = new LinkedHashMap<>();
        for (ActivationMaps.LayerMaps m : result) {
            String[] notes = null;
            if (o.sort() != ActivationMaps.Order.INDEX) {
                notes = new String[m.channels().length];
                for (int i = 0; i < notes.length; i++) {
                    int c = m.channels()[i];
                    notes[i] = o.sort() == ActivationMaps.Order.MEAN ? "mean " + Ticks.format(m.mean()[c], 3)
                            : "max " + Ticks.format(m.max()[c], 3);
                }
            }
            String title = ActivationMaps.describe(m, o.sort());
            panels.add(new ActivationFigure.LayerMaps(title, m.height(), m.width(), m.maps(), m.channels(), notes));
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("layer", m.layer());
            l.put("tensor", m.tensor());
            l.put("title", title);
            l.put("shape", m.shape());
            l.put("channels", m.channels());
            l.put("mean", m.mean());
            l.put("max", m.max());
            layers.add(l);
            arrays.putIfAbsent(m.layer(), new RawArray(m.all(), m.exampleShape()));
        }
        ActivationFigure.Options fo = ActivationFigure.Options.defaults().withColormap(map).withNormalization(norm)
                .withSharedScale(o.scale().equals("layer")).withTileSize(o.tileSize());
        Figure fig = ActivationFigure.render(inputPicture(x, shape, o.example()), panels, fo);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("example", o.example());
        summary.put("layers", layers);
        return new FigureResult(List.of(fig), arrays, summary);
    }

    /** The input as the model sees it (after preprocessing), min-max scaled; null if it is not an image. */
    static BufferedImage inputPicture(float[] x, long[] shape, int example) {
        if (shape.length != 4 || (shape[1] != 1 && shape[1] != 3)) {
            return null;
        }
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int per = c * h * w;
        float[] one = Arrays.copyOfRange(x, example * per, (example + 1) * per);
        return Images.fromPlanes(one, c, h, w, null);
    }

    /** Every convolution's activation (by node name where it has one), or four spread from first to last when there are more. */
    public static List<String> defaultLayers(Graph graph) {
        List<String> all = DeadFilters.convActivations(graph);
        List<String> names = new ArrayList<>();
        for (String t : all) {
            Node p = graph.producer(t);
            names.add(p != null && !p.name().isEmpty() && graph.resolveTensor(p.name()).equals(t) ? p.name() : t);
        }
        List<String> pick = new ArrayList<>();
        for (int i : spread(names.size(), 4)) {
            pick.add(names.get(i));
        }
        return pick;
    }

    /** {@code k} indices spread evenly over {@code 0 .. n-1}, first and last included (all of them when n ≤ k). */
    public static List<Integer> spread(int n, int k) {
        List<Integer> out = new ArrayList<>();
        if (n <= k) {
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
            return out;
        }
        for (int i = 0; i < k; i++) {
            int j = (int) Math.round(i * (n - 1) / (double) (k - 1));
            if (!out.contains(j)) {
                out.add(j);
            }
        }
        return out;
    }
}
