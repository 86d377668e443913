package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;

/** embedding: {method: pca|tsne, n?, layer?} — a 2-D map of the first n dataset images' features. */
final class EmbeddingJob extends AbstractJobKind {
    EmbeddingJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("method", "n", "layer");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String method = p.choice("method", "tsne", List.of("pca", "tsne"));
        int max = s.size();
        int min = Math.min(max, method.equals("tsne") ? 50 : 3);
        int n = p.integer("n", Math.min(1000, max), min, max);
        String layer = p.has("layer") ? layerTensor(p.string("layer")) : FeatureExtractor.defaultLayer(s.graph());
        kinds.checkFeatureSize(layer);
        return params("method", method, "n", n, "layer", layer);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String method = (String) params.get("method");
        int n = ((Number) params.get("n")).intValue();
        String layer = (String) params.get("layer");
        job.message("features of " + s.size() + " images at " + layerName(layer));
        Features f = features(layer, job).features().head(n);
        job.message("running " + (method.equals("pca") ? "PCA" : "t-SNE") + " on " + n + " images");
        double[] xy;
        if (method.equals("pca")) {
            netviz.methods.features.Pca pca = netviz.methods.features.Pca.fit(f.values(), f.dim(), Math.min(2, f.dim()));
            double[] c = pca.transform(f.values());
            xy = new double[2 * n];
            int d = pca.count();
            for (int i = 0; i < n; i++) {
                xy[2 * i] = c[i * d];
                xy[2 * i + 1] = d > 1 ? c[i * d + 1] : 0;
            }
        } else {
            netviz.methods.features.Tsne.Options o = netviz.methods.features.Tsne.Options.defaults();
            netviz.methods.features.Tsne.validate(o, n);
            xy = netviz.methods.features.Tsne.run(f.values(), f.dim(), o, job.reporter().within(0.9, 1)).coordinates();
        }
        double[] unit = toUnitSquare(xy, n);
        List<Map<String, Object>> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", f.indices()[i]);
            e.put("x", unit[2 * i]);
            e.put("y", unit[2 * i + 1]);
            e.put("label", f.labels()[i]);
            points.add(e);
        }
        String title = (method.equals("pca") ? "PCA" : "t-SNE") + " of " + layerName(layer) + ", "
                + String.format(java.util.Locale.ROOT, "%,d", n) + " images";
        BufferedImage scatter = netviz.render.ScatterPlot.render(xy, f.labels(), f.classNames(),
                netviz.render.ScatterPlot.Options.defaults(title)).image();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("method", method);
        fields.put("layer", layerName(layer));
        fields.put("n", n);
        fields.put("points", points);
        return new Output(fields, Map.of("scatter.png", scatter));
    }
}
