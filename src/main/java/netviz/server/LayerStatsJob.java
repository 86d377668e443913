package netviz.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.DeadFiltersFigure;
import netviz.figures.FigureResult;
import netviz.server.JobKinds.Output;

/**
 * layer-stats: {layer} — dead and nearly dead filters and per-channel statistics (mean, max, the
 * image and the positional firing rate) over the served dataset, of the tensor the layer name
 * resolves to (returned as {@code tensor}, with {@code op}, the operator that produces it); drawn by
 * {@link DeadFiltersFigure}.
 */
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
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        return cost.scan(s.size(), "firing statistics");
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
        double[] positional = (double[]) st.get("positionalRate");
        int[] dead = (int[]) st.get("deadFilters");
        int[] nearly = (int[]) st.get("nearlyDeadFilters");
        List<Map<String, Object>> channels = new ArrayList<>();
        for (int c = 0; c < mean.length; c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("channel", c);
            e.put("mean", mean[c]);
            e.put("max", max[c]);
            e.put("firingRate", rate[c]);
            e.put("positionalRate", positional[c]);
            e.put("dead", Arrays.binarySearch(dead, c) >= 0);
            e.put("nearlyDead", Arrays.binarySearch(nearly, c) >= 0);
            channels.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        String tensor = (String) st.get("tensor");
        fields.put("layer", name);
        fields.put("tensor", tensor);
        fields.put("op", s.graph().producer(tensor).opType());
        fields.put("images", r.summary().get("images"));
        fields.put("positions", st.get("positions"));
        fields.put("histogram", r.summary().get("measure"));
        fields.put("nearlyDeadBelow", r.summary().get("nearlyDeadBelow"));
        fields.put("dead", list(dead));
        fields.put("nearlyDead", list(nearly));
        fields.put("channels", channels);
        return new Output(fields, Map.of("firing.png", r.figure().image()));
    }
}
