package netviz.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.server.JobKinds.Output;

/**
 * features: {layer?} — computes (or reads from the feature cache) the features of every served image
 * at a layer, the ones {@code GET /api/neighbors} searches, with progress; a page runs it before its
 * first neighbour search, so that the search answers at once instead of after a long silent pause.
 */
final class FeaturesJob extends AbstractJobKind {
    FeaturesJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("layer");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String layer = p.has("layer") ? layerTensor(p.string("layer")) : FeatureExtractor.defaultLayer(s.graph());
        kinds.checkFeatureSize(layer);
        return params("layer", layer);
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        return cost.scan(s.size(), "features");
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String layer = (String) params.get("layer");
        job.message("features of " + s.size() + " images at " + layerName(layer));
        Features f = features(layer, job).features();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(layer));
        fields.put("count", f.count());
        fields.put("dim", f.dim());
        return new Output(fields, Map.of());
    }
}
