package netviz.server;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.FacetsFigure;
import netviz.figures.FigureResult;
import netviz.server.JobKinds.Output;

/** facets: {layer, channel, facets?} — multifaceted feature visualization (Nguyen, Yosinski &amp; Clune 2016). */
final class FacetsJob extends AbstractJobKind {
    FacetsJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("layer", "channel", "facets");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        int c = channel(p, tensor);
        int k = p.integer("facets", 4, 2, 8);
        return params("layer", tensor, "channel", c, "facets", k);
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        FacetsFigure.Options o = FacetsFigure.Options.defaults();
        int k = ((Number) params.get("facets")).intValue();
        int top = (int) Math.ceil(0.1 * s.size());
        JobCost.Estimate e = JobCost.plus(cost.scan(s.size(), "the unit and the features"),
                new JobCost.Estimate(JobCost.tsneSeconds(top, o.tsneIterations()),
                        String.format(java.util.Locale.ROOT, "t-SNE of the top %,d images", top)));
        return JobCost.plus(e, cost.steps(o.iterations(), k, "activation maximization of " + k + " facets"));
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        int c = ((Number) params.get("channel")).intValue();
        int k = ((Number) params.get("facets")).intValue();
        FacetsFigure.Options o = FacetsFigure.Options.defaults().withLayer(tensor).withChannel(c).withFacets(k)
                .withLimit(s.size());
        FigureResult r = FacetsFigure.make(s.session(), s.dataset(), o, job.reporter());
        List<Map<String, Object>> facets = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> made = (List<Map<String, Object>>) r.summary().get("facets");
        for (Map<String, Object> f : made) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("facet", f.get("facet"));
            e.put("images", f.get("size"));
            e.put("closest", list((int[]) f.get("closest")));
            e.put("startActivation", f.get("startActivation"));
            e.put("activation", f.get("activation"));
            facets.add(e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", c);
        fields.put("scanned", r.summary().get("scanned"));
        fields.put("top", r.summary().get("topImages"));
        fields.put("facets", facets);
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("facets.png", r.figures().get(0).image());
        files.put("scatter.png", r.figures().get(1).image());
        return new Output(fields, files);
    }
}
