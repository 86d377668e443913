package netviz.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.Occlusion;
import netviz.methods.attribution.OcclusionFeatureMaps;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz occlusion}: occlusion sensitivity (Zeiler and Fergus 2014), the probability of the
 * target class with a square window of the image filled, at each window position; or, with
 * {@code --layer L --feature-maps K}, the drop of the K strongest feature maps' activation.
 */
@Command(name = "occlusion", mixinStandardHelpOptions = true,
        description = {"Occlusion sensitivity (Zeiler & Fergus 2014): slide a square window over the image, fill it, "
                + "and record the probability of the target class at each position.",
                "--raw writes the grid of probabilities, shape (rows, cols), row-major from the top-left, for the "
                        + "positions where the window fits ((N, rows, cols) for a batch).",
                "With --layer L --feature-maps K: for the K maps of L with the highest total activation, the drop "
                        + "of that activation at each position; --raw then has shape (K, rows, cols)."})
public final class OcclusionCommand extends AttributionCommand {
    @Option(names = {"-w", "--window"}, paramLabel = "PX",
            description = "Side of the square mask in pixels (default: 1/7 of the shorter image side; 32 at 224).")
    Integer window;

    @Option(names = {"-s", "--stride"}, paramLabel = "PX", description = "Step between mask positions (default: window / 2).")
    Integer stride;

    @Option(names = "--fill", paramLabel = "F", defaultValue = "mean",
            description = "What the mask writes: mean (the dataset's mean pixel), zero, blur (Gaussian blur of the image, "
                    + "sigma 1/10 of its longer side), blur:SIGMA (sigma in pixels), or R,G,B "
                    + "(default: ${DEFAULT-VALUE}).")
    String fill;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32",
            description = "Perturbed images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-l", "--layer"}, paramLabel = "L", description = "Feature-map mode: the layer whose maps to follow.")
    String layer;

    @Option(names = "--feature-maps", paramLabel = "K",
            description = "Feature-map mode: how many of the strongest maps to follow (default: 9; needs --layer).")
    Integer featureMaps;

    int maps;

    @Override
    String method() {
        return layer == null ? "occlusion" : "occlusion feature maps";
    }

    @Override
    void check() {
        if (window != null && window < 1) {
            throw new OutOfRangeException("occlusion window " + window + " must be at least 1 pixel");
        }
        if (stride != null && stride < 1) {
            throw new OutOfRangeException("occlusion stride " + stride + " must be at least 1 pixel");
        }
        if (batch < 1) {
            throw new OutOfRangeException("batch " + batch + " must be at least 1");
        }
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        if (featureMaps != null && layer == null) {
            throw new NetvizException("--feature-maps K follows the maps of a layer and needs --layer L");
        }
        maps = featureMaps == null ? 9 : Limits.check("--feature-maps", featureMaps, 1, Limits.MAX_LIST);
        if (layer != null && attribution.target != null) {
            throw new NetvizException("feature-map mode (--layer) follows feature maps, not a class: drop --target");
        }
    }

    private Occlusion.Options options(Context ctx) {
        int win = window != null ? window : Math.max(1, Math.round(Math.min(ctx.h(), ctx.w()) / 7f));
        int str = stride != null ? stride : Math.max(1, win / 2);
        Baseline f = FillOptions.resolve("--fill", fill, ctx.graph(), input, ctx.c());
        return new Occlusion.Options(win, str, f, batch);
    }

    @Override
    Outcome compute(Context ctx) {
        Occlusion.Options o = options(ctx);
        return layer == null ? classMode(ctx, o) : featureMode(ctx, o);
    }

    private Outcome classMode(Context ctx, Occlusion.Options o) {
        Occlusion.Result r;
        try (TerminalProgress bar = new TerminalProgress(true)) {
            r = new Occlusion(ctx.interpreter(), o, bar).run(ctx.inputs(), ctx.target());
        }
        Attributions a = r.map();
        int rows = (int) a.shape()[1];
        int cols = (int) a.shape()[2];
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        int[] display = Panels.size(ctx.h(), ctx.w());
        for (int i = 0; i < ctx.n(); i++) {
            float[] grid = a.example(i);
            double p0 = r.unoccluded()[i];
            float[] pixels = perPixel(grid, rows, cols, o, ctx.h(), ctx.w(), (float) p0);
            float[] drop = new float[pixels.length];
            double lo = 1;
            for (int p = 0; p < pixels.length; p++) {
                drop[p] = (float) Math.max(0, p0 - pixels[p]);
            }
            for (float g : grid) {
                lo = Math.min(lo, g);
            }
            BufferedImage picture = ctx.picture(i);
            ValueRange pr = ValueRange.of(Math.min(lo, p0), Math.max(p0, lo + 1e-6),
                    "the occlusion map of " + ctx.describe(a.target(), i));
            figures.add(Panels.row("Occlusion — " + ctx.describe(a.target(), i),
                    List.of(Figure.of(picture),
                            Panels.heat(pixels, ctx.h(), ctx.w(), display, pr, Colormap.VIRIDIS, ""),
                            Panels.overlay(picture, drop, ctx.h(), ctx.w(), Panels.zeroToMax(drop), Colormap.MAGMA)),
                    List.of("input", "p(target), window " + o.window() + " stride " + o.stride(),
                            "drop of p over the input")));
            Map<String, Object> d = detail(ctx, a.target(), i);
            d.put("probability", p0);
            d.put("lowest_occluded_probability", lo);
            d.put("grid", rows + "x" + cols);
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }

    private Outcome featureMode(Context ctx, Occlusion.Options o) {
        if (maps < 1) {
            throw new OutOfRangeException("feature maps " + maps + " must be at least 1");
        }
        OcclusionFeatureMaps.Result r;
        try (TerminalProgress bar = new TerminalProgress(true)) {
            r = new OcclusionFeatureMaps(ctx.interpreter(), new OcclusionFeatureMaps.Options(layer, maps, o), bar)
                    .run(ctx.inputs());
        }
        Attributions a = r.drops();
        int k = (int) a.shape()[1];
        int rows = (int) a.shape()[2];
        int cols = (int) a.shape()[3];
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (int i = 0; i < ctx.n(); i++) {
            BufferedImage picture = ctx.picture(i);
            float[] all = a.example(i);
            List<Figure> panels = new ArrayList<>(List.of(Figure.of(picture)));
            List<String> captions = new ArrayList<>(List.of("input"));
            for (int j = 0; j < k; j++) {
                float[] grid = java.util.Arrays.copyOfRange(all, j * rows * cols, (j + 1) * rows * cols);
                float[] pixels = perPixel(grid, rows, cols, o, ctx.h(), ctx.w(), 0f);
                float[] pos = new float[pixels.length];
                for (int p = 0; p < pos.length; p++) {
                    pos[p] = Math.max(0, pixels[p]);
                }
                panels.add(Panels.overlay(picture, pos, ctx.h(), ctx.w(), Panels.zeroToMax(pos), Colormap.MAGMA));
                captions.add(String.format(java.util.Locale.ROOT, "map %d (total %.3g)", r.channels()[i][j],
                        r.totals()[i][j]));
            }
            figures.add(Panels.row("Occlusion of " + r.layer() + ": drop of each strong feature map's activation",
                    panels, captions));
            Map<String, Object> d = new java.util.LinkedHashMap<>();
            d.put("target", r.layer() + " feature maps " + java.util.Arrays.toString(r.channels()[i]));
            d.put("channels", r.channels()[i]);
            d.put("grid", rows + "x" + cols);
            details.add(d);
        }
        return new Outcome(a, figures, details);
    }

    /**
     * The grid spread back over the pixels: each pixel gets the mean of the values of the windows
     * that cover it ({@code uncovered} where none does), so the picture lines up with the image.
     */
    static float[] perPixel(float[] grid, int rows, int cols, Occlusion.Options o, int h, int w, float uncovered) {
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int y = r * o.stride(); y < r * o.stride() + o.window(); y++) {
                    for (int x = c * o.stride(); x < c * o.stride() + o.window(); x++) {
                        sum[y * w + x] += grid[r * cols + c];
                        count[y * w + x]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int p = 0; p < out.length; p++) {
            out[p] = count[p] == 0 ? uncovered : (float) (sum[p] / count[p]);
        }
        return out;
    }
}
