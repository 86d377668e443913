package netviz.server;

import netviz.server.JobKinds.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.EmbeddingFigure;
import netviz.figures.FigureResult;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;

/**
 * embedding: {method: pca|tsne, n?, layer?} — a 2-D map of the first n dataset images' features
 * ({@link EmbeddingFigure} with the command's defaults and no comparison); each point also carries the
 * model's predicted class, so the page can colour by true class, predicted class or misclassified.
 */
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
        int min = Math.min(max, method.equals("tsne") ? 50 : 2 * EmbeddingFigure.TRUST_K + 1);
        int n = p.integer("n", Math.min(1000, max), min, max);
        String layer = p.has("layer") ? layerTensor(p.string("layer")) : FeatureExtractor.defaultLayer(s.graph());
        kinds.checkFeatureSize(layer);
        return params("method", method, "n", n, "layer", layer);
    }

    /** The recipe's options for these canonical parameters. */
    static EmbeddingFigure.Options options(Map<String, Object> params) {
        return EmbeddingFigure.Options.defaults().withMethod(EmbeddingFigure.Method.parse((String) params.get("method")))
                .withCompare(false).withLayer((String) params.get("layer")).withLimit(((Number) params.get("n")).intValue());
    }

    /** The model's predicted class (the largest score) of each of the first n served images. */
    private int[] predicted(int n, Job job) {
        Features scores = s.session().features().features(s.session().scoreTensor(), new FeatureExtractor.Options(100, n),
                job.reporter().within(0.85, 0.9));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float[] row = scores.row(i);
            int best = 0;
            for (int k = 1; k < row.length; k++) {
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        EmbeddingFigure.Options o = options(params);
        int n = o.limit();
        JobCost.Estimate scan = cost.scan(n, "features");
        if (o.method() != EmbeddingFigure.Method.TSNE) {
            return scan;
        }
        return JobCost.plus(scan, new JobCost.Estimate(JobCost.tsneSeconds(n, o.iterations()),
                String.format(java.util.Locale.ROOT, "t-SNE of %,d points, %,d iterations", n, o.iterations())));
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        EmbeddingFigure.Options o = options(params);
        int n = o.limit();
        String layer = o.layer();
        job.message("features of " + s.size() + " images at " + layerName(layer));
        Features f = features(layer, job).features().head(n);
        job.message("classifying " + n + " images");
        int[] predicted = predicted(n, job);
        job.message("running " + o.method().title() + " on " + n + " images");
        FigureResult r = EmbeddingFigure.make(s.session(), f, o, job.reporter().within(0.9, 1), false);
        double[] unit = toUnitSquare((double[]) r.summary().get("plane"), n);
        List<Map<String, Object>> points = new ArrayList<>(n);
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", f.indices()[i]);
            e.put("x", unit[2 * i]);
            e.put("y", unit[2 * i + 1]);
            e.put("label", f.labels()[i]);
            e.put("predicted", predicted[i]);
            points.add(e);
            wrong += f.labels()[i] >= 0 && predicted[i] != f.labels()[i] ? 1 : 0;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("method", params.get("method"));
        fields.put("layer", layerName(layer));
        fields.put("n", n);
        fields.put("trustworthiness", ((Map<?, ?>) ((List<?>) r.summary().get("maps")).get(0)).get("trustworthiness"));
        fields.put("misclassified", wrong);
        fields.put("points", points);
        return new Output(fields, Map.of("scatter.png", r.figures().get(0).image()));
    }
}
