package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.render.ValueRange;

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
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        int c = ((Number) params.get("channel")).intValue();
        int k = ((Number) params.get("facets")).intValue();
        netviz.methods.neurons.MultifacetedVisualization.Options o = netviz.methods.neurons.MultifacetedVisualization
                .Options.defaults().withFacets(k).withLimit(s.size());
        netviz.methods.neurons.MultifacetedVisualization.Result r = new netviz.methods.neurons.MultifacetedVisualization(
                s.interpreter(), s.dataset()).run(new netviz.methods.unit.Unit(tensor, c,
                null), o, job.reporter());
        int[] chw = r.imageShape();
        int per = chw[0] * chw[1] * chw[2];
        int examples = 8;
        List<netviz.render.FacetSheet.Row> rows = new ArrayList<>();
        List<Map<String, Object>> facets = new ArrayList<>();
        for (netviz.methods.neurons.MultifacetedVisualization.Facet f : r.facets()) {
            List<BufferedImage> ex = new ArrayList<>();
            for (int i = 0; i < Math.min(examples, f.closest().length); i++) {
                float[] px = java.util.Arrays.copyOfRange(f.closestPixels(), i * per, (i + 1) * per);
                ex.add(netviz.render.Images.fromPlanes(px, chw[0], chw[1], chw[2], new ValueRange(0, 1)));
            }
            rows.add(new netviz.render.FacetSheet.Row(String.format(java.util.Locale.ROOT,
                    "facet %d · %,d images · mean of the %d closest: value %s", f.index() + 1, f.members().length,
                    f.closest().length, netviz.render.Ticks.format(f.startActivation(), 3)),
                    "value " + netviz.render.Ticks.format(f.activation(), 3),
                    netviz.render.Images.fromPlanes(f.pixels(), chw[0], chw[1], chw[2], new ValueRange(0, 1)),
                    netviz.render.Images.fromPlanes(f.meanPixels(), chw[0], chw[1], chw[2], new ValueRange(0, 1)), ex));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("facet", f.index() + 1);
            e.put("images", f.members().length);
            e.put("closest", list(f.closest()));
            e.put("startActivation", f.startActivation());
            e.put("activation", f.activation());
            facets.add(e);
        }
        String title = String.format(java.util.Locale.ROOT, "%s: %d facets of %s channel %d, top %,d of %,d images",
                s.name(), r.facets().size(), layerName(tensor), c, r.indices().length, r.scanned());
        BufferedImage sheet = netviz.render.FacetSheet.render(rows, new netviz.render.FacetSheet.Options(112, examples,
                title)).image();
        List<String> names = new ArrayList<>();
        for (netviz.methods.neurons.MultifacetedVisualization.Facet f : r.facets()) {
            names.add("facet " + (f.index() + 1));
        }
        BufferedImage scatter = netviz.render.ScatterPlot.render(r.embedding(), r.clusters(), names,
                new netviz.render.ScatterPlot.Options(560, 2.6, String.format(java.util.Locale.ROOT,
                        "t-SNE of %s features of the top %,d images, coloured by facet (k-means)", r.featureLayer(),
                        r.indices().length))).image();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", c);
        fields.put("scanned", r.scanned());
        fields.put("top", r.indices().length);
        fields.put("facets", facets);
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("facets.png", sheet);
        files.put("scatter.png", scatter);
        return new Output(fields, files);
    }
}
