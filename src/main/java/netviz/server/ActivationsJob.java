package netviz.server;

import netviz.server.JobKinds.Output;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** activations: {image, layer} — the layer's feature maps for one image (up to 64 channels). */
final class ActivationsJob extends AbstractJobKind {
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
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        String tensor = (String) params.get("layer");
        List<netviz.methods.activations.ActivationMaps.LayerMaps> maps;
        try (NDManager scope = s.interpreter().newScope()) {
            maps = netviz.methods.activations.ActivationMaps.compute(s.interpreter(), pic.toNDArray(scope),
                    List.of(tensor), new netviz.methods.activations.ActivationMaps.Options(64,
                            netviz.methods.activations.ActivationMaps.Order.INDEX, 0));
        }
        netviz.methods.activations.ActivationMaps.LayerMaps m = maps.get(0);
        netviz.render.ActivationFigure.LayerMaps panel = new netviz.render.ActivationFigure.LayerMaps(
                netviz.methods.activations.ActivationMaps.describe(m,
                        netviz.methods.activations.ActivationMaps.Order.INDEX),
                m.height(), m.width(), m.maps(), m.channels(), null);
        BufferedImage fig = netviz.render.ActivationFigure.render(pic.picture(), List.of(panel),
                netviz.render.ActivationFigure.Options.defaults()).image();
        List<Map<String, Object>> stats = new ArrayList<>();
        for (int c = 0; c < m.channelCount(); c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("channel", c);
            e.put("mean", (double) m.mean()[c]);
            e.put("max", (double) m.max()[c]);
            stats.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channels", m.channelCount());
        fields.put("shown", list(m.channels()));
        fields.put("maps", stats);
        return new Output(fields, Map.of("maps.png", fig));
    }
}
