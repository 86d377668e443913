package netviz.server;

import netviz.server.JobKinds.Output;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Occlusion;
import netviz.render.Colormap;
import netviz.render.ValueRange;

/** occlusion: {image, target?, patch?, stride?} (Zeiler &amp; Fergus 2014). */
final class OcclusionJob extends AbstractJobKind {
    OcclusionJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("image", "target", "patch", "stride");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String image = image(p);
        ModelSession.Picture pic = s.resolve(image);
        int side = Math.min(pic.height(), pic.width());
        int patch = p.integer("patch", Math.max(1, Math.round(side / 7f)), 1, side);
        int stride = p.integer("stride", Math.max(1, patch / 2), 1, side);
        return params("image", image, "target", target(p), "patch", patch, "stride", stride);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        int h = pic.height();
        int w = pic.width();
        Occlusion.Options o = new Occlusion.Options(((Number) params.get("patch")).intValue(),
                ((Number) params.get("stride")).intValue(), fill(), 32);
        Occlusion.Result r;
        try (NDManager scope = s.interpreter().newScope()) {
            r = new Occlusion(s.interpreter(), o, progress(job)).run(pic.toNDArray(scope), targetOf(params));
        }
        Attributions a = r.map();
        int rows = (int) a.shape()[1];
        int cols = (int) a.shape()[2];
        float[] grid = a.example(0);
        double p0 = r.unoccluded()[0];
        float[] pixels = perPixel(grid, rows, cols, o, h, w, (float) p0);
        float[] drop = new float[pixels.length];
        double lo = 1;
        for (int q = 0; q < pixels.length; q++) {
            drop[q] = (float) Math.max(0, p0 - pixels[q]);
        }
        for (float g : grid) {
            lo = Math.min(lo, g);
        }
        ValueRange pr = ValueRange.of(Math.min(lo, p0), Math.max(p0, lo + 1e-6), "the occlusion map");
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("heatmap.png", Renders.heat(pixels, h, w, pr, Colormap.VIRIDIS, ""));
        files.put("overlay.png", Renders.overlay(pic.picture(), drop, h, w, Renders.zeroToMax(drop), Colormap.MAGMA));
        int k = a.target().coords()[0][0];
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("target", k);
        fields.put("className", s.className(k));
        fields.put("probability", p0);
        fields.put("lowestProbability", lo);
        fields.put("grid", new int[] {rows, cols});
        return new Output(fields, files);
    }
}
