package netviz.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.FigureResult;
import netviz.figures.TopImagesFigure;
import netviz.server.JobKinds.Output;

/** top-images: {layer, channel, k?} — the dataset images that excite a unit most, with receptive fields. */
final class TopImagesJob extends AbstractJobKind {
    TopImagesJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("layer", "channel", "k");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        int c = channel(p, tensor);
        int k = p.integer("k", 9, 1, Math.min(100, s.size()));
        return params("layer", tensor, "channel", c, "k", k);
    }

    /** The recipe's options for canonical {@code params}: the served images, the command's defaults. */
    TopImagesFigure.Options options(Map<String, Object> params) {
        return TopImagesFigure.Options.of((String) params.get("layer"))
                .withChannels(((Number) params.get("channel")).intValue())
                .withK(((Number) params.get("k")).intValue()).withLimit(s.size());
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        return cost.scan(s.size(), "top images");
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        int c = ((Number) params.get("channel")).intValue();
        job.message("scanning " + s.size() + " images");
        FigureResult r = TopImagesFigure.make(s.session(), options(params), job.reporter());
        @SuppressWarnings("unchecked")
        Map<String, Object> channel = ((List<Map<String, Object>>) r.summary().get("channels")).get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits = (List<Map<String, Object>>) channel.get("images");
        List<Map<String, Object>> images = new ArrayList<>();
        for (Map<String, Object> hit : hits) {
            Map<String, Object> e = new LinkedHashMap<>();
            int label = (Integer) hit.get("label");
            e.put("index", hit.get("index"));
            e.put("label", label);
            e.put("className", s.className(label));
            e.put("activation", hit.get("activation"));
            e.put("position", hit.get("position"));
            e.put("box", hit.get("box"));
            images.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", c);
        fields.put("scanned", r.summary().get("scanned"));
        fields.put("images", images);
        return new Output(fields, Map.of("top.png", r.figure().image()));
    }
}
