package netviz.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.ActivationsFigure;
import netviz.figures.FigureResult;
import netviz.server.JobKinds.Output;

/** activations: {image, layer} — the layer's feature maps for one image (up to 64 channels), drawn by {@link ActivationsFigure}. */
final class ActivationsJob extends AbstractJobKind {
    /** Maps drawn: the first 64 channels. */
    static final int MAPS = 64;

    ActivationsJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("image", "layer");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String image = image(p);
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        channelsOf(tensor);
        return params("image", image, "layer", tensor);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        String tensor = (String) params.get("layer");
        FigureResult r = ActivationsFigure.make(s.session(), pic.input(), pic.shape(),
                ActivationsFigure.Options.defaults().withLayers(List.of(tensor)).withCount(MAPS), job.reporter());
        Map<String, Object> m = ((List<Map<String, Object>>) r.summary().get("layers")).get(0);
        float[] mean = (float[]) m.get("mean");
        float[] max = (float[]) m.get("max");
        List<Map<String, Object>> stats = new ArrayList<>();
        for (int c = 0; c < mean.length; c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("channel", c);
            e.put("mean", (double) mean[c]);
            e.put("max", (double) max[c]);
            stats.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channels", mean.length);
        fields.put("shown", list((int[]) m.get("channels")));
        fields.put("maps", stats);
        return new Output(fields, Map.of("maps.png", r.figure().image()));
    }
}
