package netviz.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.DeadFiltersFigure;
import netviz.figures.FigureResult;
import netviz.server.JobKinds.Output;

/** layer-stats: {layer} — dead filters and per-channel statistics over the served dataset (drawn by {@link DeadFiltersFigure}). */
final class LayerStatsJob extends AbstractJobKind {
    /** Images per forward pass. */
    static final int BATCH = 100;

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
    @SuppressWarnings("unchecked")
    public Output run(Map<String, Object> params, Job job) {
        String name = layerName((String) params.get("layer"));
        FigureResult r = DeadFiltersFigure.make(s.session(), DeadFiltersFigure.Options.defaults()
                .withLayers(List.of(name)).withBatchSize(BATCH).withLimit(s.size()), job.reporter());
        Map<String, Object> st = ((List<Map<String, Object>>) r.summary().get("layers")).get(0);
        double[] mean = (double[]) st.get("mean");
        double[] max = (double[]) st.get("max");
        double[] rate = (double[]) st.get("firingRate");
        List<Map<String, Object>> channels = new ArrayList<>();
        for (int c = 0; c < mean.length; c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("channel", c);
            e.put("mean", mean[c]);
            e.put("max", max[c]);
            e.put("firingRate", rate[c]);
            channels.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", name);
        fields.put("images", r.summary().get("images"));
        fields.put("dead", list((int[]) st.get("deadFilters")));
        fields.put("channels", channels);
        return new Output(fields, Map.of("firing.png", r.figure().image()));
    }
}
