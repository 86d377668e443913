package netviz.server;

import netviz.server.JobKinds.Output;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netviz.engine.Interpreter;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.render.Colormap;
import netviz.render.ValueRange;

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
        Interpreter ip = s.interpreter();
        int c = pic.channels();
        int h = pic.height();
        int w = pic.width();
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        Map<String, Object> extra = new LinkedHashMap<>();
        Attributions a;
        try (NDManager scope = ip.newScope()) {
            NDArray x = pic.toNDArray(scope);
            Target t = targetOf(params);
            switch (name) {
                case "saliency" -> a = new Saliency(ip).attribute(x, t);
                case "smoothgrad" -> {
                    NoiseTunnel.Options o = NoiseTunnel.Options.defaults();
                    int calls = (o.samples() + o.batch() - 1) / o.batch();
                    a = new NoiseTunnel(ip, counting(new Saliency(ip), calls, job), o).attribute(x, t);
                }
                case "guided-backprop" -> {
                    GuidedBackprop gb = new GuidedBackprop(ip);
                    a = gb.attribute(x, t);
                    extra.put("rules", gb.ruleSummary());
                }
                case "integrated-gradients" -> {
                    IntegratedGradients.Result r = new IntegratedGradients(ip, IntegratedGradients.Options.defaults(),
                            progress(job)).run(x, t);
                    a = r.attributions();
                    extra.put("score", r.score()[0]);
                    extra.put("baselineScore", r.baselineScore()[0]);
                    extra.put("completenessGap", r.gap(0));
                }
                case "grad-cam" -> {
                    String layer = (String) params.get("layer");
                    a = new GradCam(ip, layer).attribute(x, t);
                    extra.put("layer", layer);
                }
                default -> throw new IllegalStateException(name);
            }
        }
        int k = a.target().coords()[0][0];
        switch (name) {
            case "saliency", "smoothgrad" -> {
                float[] m = a.example(0);
                ValueRange r = Renders.zeroToMax(m);
                files.put("overlay.png", Renders.overlay(pic.picture(), m, h, w, r, Colormap.MAGMA));
                files.put("map.png", Renders.heat(m, h, w, r, Colormap.MAGMA, ""));
            }
            case "guided-backprop" -> {
                float[] g = a.example(0);
                float[] mag = maxAbsOverChannels(g, c, h * w);
                files.put("overlay.png", Renders.overlay(pic.picture(), mag, h, w, Renders.zeroToMax(mag),
                        Colormap.MAGMA));
                files.put("map.png", Renders.signed(g, c, h, w));
            }
            case "integrated-gradients" -> {
                float[] e = a.example(0);
                float[] sum = new float[h * w];
                float[] pos = new float[h * w];
                for (int ch = 0; ch < c; ch++) {
                    for (int q = 0; q < h * w; q++) {
                        sum[q] += e[ch * h * w + q];
                    }
                }
                for (int q = 0; q < h * w; q++) {
                    pos[q] = Math.max(0, sum[q]);
                }
                ValueRange sym = ValueRange.symmetric(sum);
                if (sym.width() == 0) {
                    sym = new ValueRange(-1, 1);
                }
                files.put("overlay.png", Renders.overlay(pic.picture(), pos, h, w, Renders.zeroToMax(pos),
                        Colormap.MAGMA));
                files.put("map.png", Renders.heat(sum, h, w, sym, Colormap.DIVERGING, ""));
            }
            case "grad-cam" -> {
                int mh = (int) a.shape()[1];
                int mw = (int) a.shape()[2];
                float[] m = a.example(0);
                float[] up = GradCam.upsample(a, h, w).example(0);
                files.put("overlay.png", Renders.overlay(pic.picture(), up, h, w, Renders.zeroToMax(up),
                        Colormap.MAGMA));
                files.put("map.png", Renders.heat(m, mh, mw, Renders.zeroToMax(m), Colormap.MAGMA, ""));
                extra.put("mapSize", new int[] {mh, mw});
            }
            default -> throw new IllegalStateException(name);
        }
        Map<String, Object> fields = classFields(pic, k);
        fields.putAll(extra);
        return new Output(fields, files);
    }
}
