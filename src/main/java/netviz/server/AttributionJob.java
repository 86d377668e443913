package netviz.server;

import netviz.server.JobKinds.Output;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netviz.figures.AttributionFigure;
import netviz.figures.FigureResult;
import netviz.methods.attribution.GradCam;

/** saliency, guided-backprop, smoothgrad, integrated-gradients, grad-cam: {image, target?, layer?}. */
final class AttributionJob extends AbstractJobKind {
    private final String name;

    AttributionJob(JobKinds kinds, String name) {
        super(kinds);
        this.name = name;
    }

    @Override
    public Set<String> accepted() {
        return name.equals("grad-cam") ? Set.of("image", "target", "layer") : Set.of("image", "target");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String image = image(p);
        Integer target = target(p);
        String layer = null;
        if (name.equals("grad-cam")) {
            if (p.has("layer")) {
                layer = s.graph().resolveTensor(p.string("layer"));
            } else {
                ModelSession.Picture pic = s.resolve(image);
                try (NDManager scope = s.interpreter().newScope()) {
                    layer = GradCam.defaultLayer(s.interpreter(), pic.toNDArray(scope));
                }
            }
        }
        return params("image", image, "target", target, "layer", layer);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        Object target = params.get("target");
        AttributionFigure.Options o = AttributionFigure.Options.of(method(name))
                .withTarget(target == null ? null : target.toString())
                .withLayer((String) params.get("layer"));
        FigureResult r = AttributionFigure.panels(s.session(), picture(pic), o, progress(job));
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("overlay.png", r.figures().get(0).image());
        files.put("map.png", r.figures().get(1).image());
        Map<String, Object> image = AttributionFigure.image(r, 0);
        Map<String, Object> fields = classFields(pic, AttributionFigure.targetIndex(r, 0));
        switch (name) {
            case "guided-backprop" -> fields.put("rules", r.summary().get("rules"));
            case "integrated-gradients" -> {
                fields.put("score", image.get("score"));
                fields.put("baselineScore", image.get("baseline_score"));
                fields.put("completenessGap", image.get("completeness_gap"));
            }
            case "grad-cam" -> {
                fields.put("layer", r.summary().get("layer"));
                fields.put("mapSize", r.summary().get("map_shape"));
            }
            default -> {
            }
        }
        return new Output(fields, files);
    }

    /** The recipe's method for a job kind. */
    static AttributionFigure.Method method(String kind) {
        return switch (kind) {
            case "saliency" -> AttributionFigure.Method.SALIENCY;
            case "smoothgrad" -> AttributionFigure.Method.SMOOTHGRAD;
            case "guided-backprop" -> AttributionFigure.Method.GUIDED_BACKPROP;
            case "integrated-gradients" -> AttributionFigure.Method.INTEGRATED_GRADIENTS;
            case "grad-cam" -> AttributionFigure.Method.GRAD_CAM;
            default -> throw new IllegalStateException(kind);
        };
    }
}
