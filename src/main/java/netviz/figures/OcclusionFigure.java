package netviz.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.OcclusionFeatureMaps;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.ValueRange;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding Convolutional
 * Networks", ECCV 2014, section 4.2, figure 7), one row of panels per image. Class mode: a square
 * window slides over the image, filled ({@code fill}), and the probability p of the target class is
 * recorded at each position; the row shows the input, the map spread back over the pixels
 * ({@link #perPixel}) and the drop max(0, p₀ − p) over the input. The map is, by default
 * ({@link Show#DROP}), the drop p₀ − p of the class's probability when the window hides the region
 * (positive: the region mattered), on a diverging scale centred on 0 (white), symmetric and
 * reaching at least ±{@value #MIN_DROP_SCALE} so that drops under one percentage point stay pale
 * instead of filling the scale; or ({@link Show#PROBABILITY}) p itself on its own min-max range.
 * Feature-map mode ({@code layer}):
 * for the {@code featureMaps} maps of the layer with the highest total activation, the drop of that
 * activation at each position, over the input.
 * <p>
 * The result holds one figure per image, preceded by the contact sheet when there are several; the
 * raw array {@value #RAW}: the grid of probabilities (N, rows, cols), or of drops (N, K, rows, cols);
 * and the summary {@code method}, {@code images} (per image: {@code target}, {@code index},
 * {@code probability}, {@code lowest_occluded_probability}, {@code grid} "rows x cols"; in feature-map
 * mode {@code channels}), {@code rows}, {@code cols}, {@code window}, {@code stride}.
 */
public final class OcclusionFigure {
    /** The name of the raw array in the result. */
    public static final String RAW = "occlusion";
    /**
     * The least half-width of the drop map's colour scale, in probability: a drop of 0.01 (one
     * percentage point) or less is drawn pale, however small the map's largest drop.
     */
    public static final double MIN_DROP_SCALE = 0.01;

    /** What the class-mode map shows ({@code --show}). */
    public enum Show {
        /** p₀ − p(occluded): the drop of the class's probability, signed, 0 at white. */
        DROP,
        /** p(occluded): the class's probability with the window at each position. */
        PROBABILITY;

        /** The name on the command line and in the web app's parameters: drop, probability. */
        public String flag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value of {@code --show}: drop or probability. */
        public static Show parse(String s) {
            for (Show v : values()) {
                if (v.flag().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new NetvizException("--show takes drop or probability, not '" + s + "'");
        }
    }

    /**
     * @param target      the class to explain, an index or a class name ({@code --target}; null: the predicted class)
     * @param window      side of the square window in pixels (null: 1/7 of the shorter image side, 32 at 224)
     * @param stride      step between window positions (null: half the window)
     * @param fill        what the window writes: mean (the dataset's mean pixel), zero, blur, blur:SIGMA or R,G,B
     * @param batch       perturbed images per forward pass
     * @param layer       feature-map mode: the layer whose maps to follow (null: class mode)
     * @param featureMaps feature-map mode: how many of the strongest maps to follow (null: 9)
     * @param show        class mode: the drop of p (default) or p itself ({@code --show}; null: drop)
     */
    public record Options(String target, Integer window, Integer stride, String fill, int batch, String layer,
                          Integer featureMaps, Show show) {
        public Options {
            if (window != null && window < 1) {
                throw new OutOfRangeException("occlusion window " + window + " must be at least 1 pixel");
            }
            if (stride != null && stride < 1) {
                throw new OutOfRangeException("occlusion stride " + stride + " must be at least 1 pixel");
            }
            if (batch < 1) {
                throw new OutOfRangeException("batch " + batch + " must be at least 1");
            }
            if (featureMaps != null && layer == null) {
                throw new NetvizException("--feature-maps K follows the maps of a layer and needs --layer L");
            }
            if (layer != null && target != null) {
                throw new NetvizException("feature-map mode (--layer) follows feature maps, not a class: drop --target");
            }
            if (fill == null) {
                fill = "mean";
            }
            if (show == null) {
                show = Show.DROP;
            }
            if (layer != null && show != Show.DROP) {
                throw new NetvizException("--show " + show.flag() + " applies to the occlusion of a class, not to "
                        + "feature-map mode (--layer), which shows the drop of each map's activation");
            }
            AttributionInputs.parse("--fill", fill);
        }

        /**
         * The predicted class, the default window and stride, the dataset's mean pixel as fill, batch
         * 32, the drop of p shown.
         */
        public static Options defaults() {
            return new Options(null, null, null, "mean", 32, null, null, Show.DROP);
        }

        public Options withTarget(String t) {
            return new Options(t, window, stride, fill, batch, layer, featureMaps, show);
        }

        public Options withWindow(Integer w) {
            return new Options(target, w, stride, fill, batch, layer, featureMaps, show);
        }

        public Options withStride(Integer s) {
            return new Options(target, window, s, fill, batch, layer, featureMaps, show);
        }

        public Options withFill(String f) {
            return new Options(target, window, stride, f, batch, layer, featureMaps, show);
        }

        public Options withBatch(int b) {
            return new Options(target, window, stride, fill, b, layer, featureMaps, show);
        }

        /** Feature-map mode: the {@code k} strongest maps of {@code l} (k null: 9). */
        public Options withFeatureMaps(String l, Integer k) {
            return new Options(target, window, stride, fill, batch, l, k, show);
        }

        /** Class mode: what the map shows, the drop of p or p itself. */
        public Options withShow(Show s) {
            return new Options(target, window, stride, fill, batch, layer, featureMaps, s);
        }

        /** The window for an h × w image: the one given, else 1/7 of the shorter side. */
        public int window(int h, int w) {
            return window != null ? window : Math.max(1, Math.round(Math.min(h, w) / 7f));
        }

        /** The stride for an h × w image: the one given, else half the window. */
        public int stride(int h, int w) {
            return stride != null ? stride : Math.max(1, window(h, w) / 2);
        }

        /** "occlusion", or "occlusion feature maps" in feature-map mode. */
        public String title() {
            return layer == null ? "occlusion" : "occlusion feature maps";
        }

        /** The {@code netviz} command that draws this figure. */
        public String command() {
            return "occlusion";
        }

        /** The flags of {@code netviz occlusion} that reproduce exactly this figure (defaults left out). */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (target != null) {
                a.addAll(List.of("--target", target));
            }
            if (window != null) {
                a.addAll(List.of("--window", window.toString()));
            }
            if (stride != null) {
                a.addAll(List.of("--stride", stride.toString()));
            }
            if (!fill.equals("mean")) {
                a.addAll(List.of("--fill", fill));
            }
            if (batch != 32) {
                a.addAll(List.of("--batch", Integer.toString(batch)));
            }
            if (layer != null) {
                a.addAll(List.of("--layer", layer));
                if (featureMaps != null) {
                    a.addAll(List.of("--feature-maps", featureMaps.toString()));
                }
            }
            if (show != Show.DROP) {
                a.addAll(List.of("--show", show.flag()));
            }
            return a;
        }
    }

    private OcclusionFigure() {
    }

    /** Occlusion of every picture (one batch; they must share one shape); see the class comment. */
    public static FigureResult make(Session s, List<Picture> pictures, Options o, Progress p) {
        Drawing d = draw(s, pictures, o, p);
        return AttributionPanels.result(d.rows(), d.arrays(), d.summary());
    }

    /**
     * The panels the web app shows for one picture in class mode, in this order: the map at each
     * pixel, the drop of p or p itself ({@code heatmap.png}, with its colour bar), and the drop of p
     * over the picture ({@code overlay.png}),
     * drawn exactly as in {@link #make}'s rows. Summary and raw array as {@link #make}'s.
     */
    public static FigureResult panels(Session s, Picture picture, Options o, Progress p) {
        if (o.layer() != null) {
            throw new NetvizException("the web app shows occlusion of a class, not of feature maps");
        }
        Drawing d = draw(s, List.of(picture), o, p);
        return new FigureResult(d.panels().get(0), d.arrays(), d.summary());
    }

    private record Drawing(List<Figure> rows, List<List<Figure>> panels, Map<String, RawArray> arrays,
                           Map<String, Object> summary) {
    }

    private static Drawing draw(Session s, List<Picture> pictures, Options o, Progress p) {
        Picture first = pictures.get(0);
        int h = first.height();
        int w = first.width();
        Occlusion.Options oo = new Occlusion.Options(o.window(h, w), o.stride(h, w),
                AttributionInputs.baseline("--fill", o.fill(), s, first), o.batch());
        List<String> names = AttributionInputs.names(s);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", o.title());
        List<Map<String, Object>> details = new ArrayList<>();
        summary.put("images", details);
        List<Figure> rows = new ArrayList<>();
        List<List<Figure>> panels = new ArrayList<>();
        Attributions a;
        try (NDManager scope = s.forward().newScope()) {
            NDArray x = AttributionInputs.stack(scope, pictures);
            if (o.layer() == null) {
                Occlusion.Result r = new Occlusion(s.forward(), oo, p)
                        .run(x, AttributionInputs.classTarget(o.target(), names));
                a = r.map();
                classRows(s, names, pictures, oo, o.show(), r, rows, panels, details);
            } else {
                int maps = o.featureMaps() == null ? 9 : o.featureMaps();
                OcclusionFeatureMaps.Result r = new OcclusionFeatureMaps(s.forward(),
                        new OcclusionFeatureMaps.Options(o.layer(), maps, oo), p).run(x);
                a = r.drops();
                featureRows(pictures, oo, r, rows, details);
            }
        }
        int dims = a.shape().length;
        summary.put("rows", (int) a.shape()[dims - 2]);
        summary.put("cols", (int) a.shape()[dims - 1]);
        summary.put("window", oo.window());
        summary.put("stride", oo.stride());
        return new Drawing(rows, panels, Map.of(RAW, new RawArray(a.values(), a.shape())), summary);
    }

    private static void classRows(Session s, List<String> names, List<Picture> pictures, Occlusion.Options o,
                                  Show show, Occlusion.Result r, List<Figure> rows, List<List<Figure>> panels,
                                  List<Map<String, Object>> details) {
        Attributions a = r.map();
        int gridRows = (int) a.shape()[1];
        int cols = (int) a.shape()[2];
        for (int i = 0; i < pictures.size(); i++) {
            Picture pic = pictures.get(i);
            float[] grid = a.example(i);
            double p0 = r.unoccluded()[i];
            double lo = 1;
            for (float g : grid) {
                lo = Math.min(lo, g);
            }
            String what = AttributionInputs.describe(s, names, a.target(), i);
            BufferedImage picture = AttributionPanels.picture(pic);
            List<Figure> two = classPanels(picture, grid, gridRows, cols, p0, o.window(), o.stride(), pic.height(),
                    pic.width(), show, "the occlusion map of " + what);
            rows.add(AttributionPanels.row("Occlusion — " + what, List.of(Figure.of(picture), two.get(0), two.get(1)),
                    List.of("input", (show == Show.DROP ? "drop of p(target) when hidden" : "p(target) when hidden")
                            + ", window " + o.window() + " stride " + o.stride(), "drop of p over the input")));
            panels.add(two);
            Map<String, Object> d = AttributionInputs.detail(s, names, a.target(), i);
            d.put("probability", p0);
            d.put("lowest_occluded_probability", lo);
            d.put("grid", gridRows + "x" + cols);
            details.add(d);
        }
    }

    /**
     * The two map panels of one image in class mode, from its grid of probabilities p (rows × cols
     * window positions) and the probability p₀ of the intact image: the map at each of the h × w
     * pixels ({@link #perPixel}; pixels under no window show no change), with {@code show} the drop
     * p₀ − p on a symmetric diverging scale of half-width max(max|p₀ − p|, {@value #MIN_DROP_SCALE})
     * (0 white, positive red, negative blue; colour bar "drop of p(class)") or p on the min-max
     * range of the map and p₀ (colour bar "p(class)"); and the positive part of the drop laid over
     * the picture on the same scale [0, half-width]. {@code figure} names the map in errors.
     */
    static List<Figure> classPanels(BufferedImage picture, float[] grid, int gridRows, int cols, double p0, int window,
                                    int stride, int h, int w, Show show, String figure) {
        int[] display = AttributionPanels.size(h, w);
        float[] dropGrid = new float[grid.length];
        for (int k = 0; k < grid.length; k++) {
            dropGrid[k] = (float) (p0 - grid[k]);
        }
        float[] drop = perPixel(dropGrid, gridRows, cols, window, stride, h, w, 0f);
        double scale = Math.max(ValueRange.symmetric(drop).hi(), MIN_DROP_SCALE);
        ValueRange dropRange = ValueRange.of(-scale, scale, figure);
        Figure heat;
        if (show == Show.DROP) {
            heat = AttributionPanels.heat(drop, h, w, display, dropRange, Colormap.DIVERGING, "drop of p(class)");
        } else {
            float[] pixels = perPixel(grid, gridRows, cols, window, stride, h, w, (float) p0);
            ValueRange pr = ValueRange.minMax(pixels).union(new ValueRange(p0, p0));
            heat = AttributionPanels.heat(pixels, h, w, display, pr, Colormap.VIRIDIS, "p(class)");
        }
        Figure over = AttributionPanels.overlay(picture, AttributionPanels.positive(drop), h, w,
                new ValueRange(0, scale), Colormap.MAGMA);
        return List.of(heat, over);
    }

    private static void featureRows(List<Picture> pictures, Occlusion.Options o, OcclusionFeatureMaps.Result r,
                                    List<Figure> rows, List<Map<String, Object>> details) {
        Attributions a = r.drops();
        int k = (int) a.shape()[1];
        int gridRows = (int) a.shape()[2];
        int cols = (int) a.shape()[3];
        for (int i = 0; i < pictures.size(); i++) {
            Picture pic = pictures.get(i);
            int h = pic.height();
            int w = pic.width();
            BufferedImage picture = AttributionPanels.picture(pic);
            float[] all = a.example(i);
            List<Figure> panels = new ArrayList<>(List.of(Figure.of(picture)));
            List<String> captions = new ArrayList<>(List.of("input"));
            for (int j = 0; j < k; j++) {
                float[] grid = Arrays.copyOfRange(all, j * gridRows * cols, (j + 1) * gridRows * cols);
                float[] pos = AttributionPanels.positive(perPixel(grid, gridRows, cols, o.window(), o.stride(), h, w, 0f));
                panels.add(AttributionPanels.overlay(picture, pos, h, w, AttributionPanels.zeroToMax(pos),
                        Colormap.MAGMA));
                captions.add(String.format(Locale.ROOT, "map %d (total %.3g)", r.channels()[i][j], r.totals()[i][j]));
            }
            rows.add(AttributionPanels.row("Occlusion of " + r.layer()
                    + ": drop of each strong feature map's activation", panels, captions));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("target", r.layer() + " feature maps " + Arrays.toString(r.channels()[i]));
            d.put("channels", r.channels()[i].clone());
            d.put("grid", gridRows + "x" + cols);
            details.add(d);
        }
    }

    /**
     * The grid of window positions spread back over the h × w pixels, so that the picture lines up
     * with the image: the window at grid position (r, c) covers the pixels y in [r·stride,
     * r·stride + window) and x in [c·stride, c·stride + window) that lie inside the image (a window
     * hanging over the border covers only the pixels inside it), and each pixel gets the mean of the
     * values of the windows that cover it, or {@code uncovered} where none does.
     */
    public static float[] perPixel(float[] grid, int rows, int cols, int window, int stride, int h, int w,
                                   float uncovered) {
        if (grid.length != rows * cols) {
            throw new IllegalArgumentException(grid.length + " values do not fill a " + rows + "x" + cols + " grid");
        }
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int y = r * stride; y < Math.min(h, r * stride + window); y++) {
                    for (int x = c * stride; x < Math.min(w, c * stride + window); x++) {
                        sum[y * w + x] += grid[r * cols + c];
                        count[y * w + x]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int q = 0; q < out.length; q++) {
            out[q] = count[q] == 0 ? uncovered : (float) (sum[q] / count[q]);
        }
        return out;
    }
}
