package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** layer-stats: {layer} — dead filters and per-channel statistics over the served dataset (DeadFilters). */
final class LayerStatsJob extends AbstractJobKind {
    LayerStatsJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("layer");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        channelsOf(tensor);
        return params("layer", tensor);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        netviz.methods.activations.DeadFilters.Accumulator acc =
                new netviz.methods.activations.DeadFilters.Accumulator(s.graph(), List.of(tensor), 0);
        int n = s.size();
        job.message("scanning " + n + " images");
        try (netviz.data.Batches batches = s.dataset().batches(100, 0, n)) {
            for (netviz.data.Batch b : batches) {
                acc.add(s.interpreter(), b.images(), b.shape());
                job.progress(b.index(b.size() - 1) + 1, n);
            }
        }
        netviz.methods.activations.DeadFilters.LayerStats st = acc.finish().layers().get(0);
        String name = layerName(tensor);
        String title = s.name() + ": firing rates of " + name + " over " + String.format(java.util.Locale.ROOT,
                "%,d", st.images()) + " images";
        BufferedImage fig = netviz.render.FiringRateFigure.render(List.of(new netviz.render.FiringRateFigure
                .LayerRates(name, st.firingRate(), st.deadCount())), title, 20).image();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (int c = 0; c < st.channels(); c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("channel", c);
            e.put("mean", st.mean()[c]);
            e.put("max", st.max()[c]);
            e.put("firingRate", st.firingRate()[c]);
            channels.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", name);
        fields.put("images", st.images());
        fields.put("dead", list(st.dead()));
        fields.put("channels", channels);
        return new Output(fields, Map.of("firing.png", fig));
    }
}
