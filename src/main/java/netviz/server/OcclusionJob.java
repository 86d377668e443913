package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.AttributionFigure;
import netviz.figures.FigureResult;
import netviz.figures.OcclusionFigure;

/**
 * occlusion: {image, target?, patch?, stride?, show?} (Zeiler &amp; Fergus 2014); show: drop (default,
 * p(intact) − p(occluded)) or probability (p(occluded)), what heatmap.png shows.
 */
final class OcclusionJob extends AbstractJobKind {
    OcclusionJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("image", "target", "patch", "stride", "show");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String image = image(p);
        ModelSession.Picture pic = s.resolve(image);
        int side = Math.min(pic.height(), pic.width());
        int patch = p.integer("patch", Math.max(1, Math.round(side / 7f)), 1, side);
        int stride = p.integer("stride", Math.max(1, patch / 2), 1, side);
        String show = p.choice("show", "drop", List.of("drop", "probability"));
        return params("image", image, "target", target(p), "patch", patch, "stride", stride, "show", show);
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        int patch = ((Number) params.get("patch")).intValue();
        int stride = ((Number) params.get("stride")).intValue();
        long[] in = s.session().shapeOf(s.graph().inputs().get(0).name());
        int side = (int) Math.max(in[2], in[3]);
        int per = (side - patch) / stride + 1;
        return cost.scan(per * per, "occlusion");
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        Object target = params.get("target");
        OcclusionFigure.Options o = OcclusionFigure.Options.defaults()
                .withTarget(target == null ? null : target.toString())
                .withWindow(((Number) params.get("patch")).intValue())
                .withStride(((Number) params.get("stride")).intValue())
                .withShow(OcclusionFigure.Show.parse((String) params.get("show")));
        FigureResult r = OcclusionFigure.panels(s.session(), picture(pic), o, progress(job));
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("heatmap.png", r.figures().get(0).image());
        files.put("overlay.png", r.figures().get(1).image());
        Map<String, Object> image = AttributionFigure.image(r, 0);
        int k = AttributionFigure.targetIndex(r, 0);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("target", k);
        fields.put("className", s.className(k));
        fields.put("probability", image.get("probability"));
        fields.put("lowestProbability", image.get("lowest_occluded_probability"));
        fields.put("shows", o.show() == OcclusionFigure.Show.DROP ? "drop of p(class) when each region is hidden"
                : "p(class) when each region is hidden");
        fields.put("grid", new int[] {(Integer) r.summary().get("rows"), (Integer) r.summary().get("cols")});
        return new Output(fields, files);
    }
}
