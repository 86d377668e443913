package netviz.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.Progress;
import netviz.engine.Interpreter;
import netviz.image.Preprocessing;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.methods.features.Trustworthiness;
import netviz.methods.features.Tsne;
import netviz.onnx.OnnxLoader;

/**
 * A benchmark. (1) t-SNE (defaults: 2-D, perplexity 30, automatic repulsion (FFT, then Barnes-Hut θ = 0.5),
 * 1000 iterations, PCA initialisation) of the last-hidden-layer features of the Fashion-MNIST test images:
 * wall time, the repulsion used, the map's extent, KL divergence and trustworthiness (k = 10); the features are written as
 * {@code features.npy} / {@code labels.npy} into the output folder so that {@code scripts/bench-tsne.sh}
 * can run scikit-learn's Barnes-Hut TSNE on exactly the same data. (2) Exact k-NN on random
 * 100,000 × 128 features: a batch of queries against all 100,000 rows (k = 10).
 *
 * <p>Usage: {@code TsneBench [--model M.onnx] [--limit N] [--out DIR] [--knn-queries Q] [--knn-rows R]}; prints
 * {@code key=value} lines.
 */
public final class TsneBench {
    private TsneBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("models/fashion-mnist-cnn.onnx");
        Path out = Path.of("target/bench-tsne");
        int limit = 0;
        int knnQueries = 2000;
        int knnRows = 100_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--knn-queries" -> knnQueries = Integer.parseInt(args[++i]);
                case "--knn-rows" -> knnRows = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(out);
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        Features f;
        try (Interpreter ip = Interpreter.of(OnnxLoader.load(model))) {
            f = FeatureExtractor.extract(ip, data, null, FeatureExtractor.Options.defaults().withLimit(limit),
                    Progress.NONE);
        }
        f.writeNpy(out.resolve("features.npy"));
        System.out.printf(Locale.ROOT, "features=%s%nrows=%d%ndim=%d%ncores=%d%n", f.source(), f.count(), f.dim(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "load_before=%s%n", load());
        Tsne.Result r = Tsne.run(f.values(), f.dim(), Tsne.Options.defaults());
        float[] y = r.coordinatesAsFloats();
        long t0 = System.nanoTime();
        double trust = Trustworthiness.of(f.values(), f.dim(), y, 2, 10);
        double trustSeconds = (System.nanoTime() - t0) / 1e9;
        double knn = NearestNeighbors.knnAccuracy(y, 2, f.labels(), 10);
        System.out.printf(Locale.ROOT, "netviz_tsne_seconds=%.2f%nnetviz_kl=%.4f%nnetviz_trustworthiness=%.4f%n"
                + "netviz_knn10_accuracy=%.4f%ntrustworthiness_seconds=%.2f%n", r.seconds(), r.klDivergence(), trust, knn, trustSeconds);
        System.out.printf(Locale.ROOT, "netviz_tsne_method=%s%nnetviz_map_extent=%.1f%n", r.method(), extent(r.coordinates()));
        netviz.io.Npy.write(out.resolve("netviz-embedding.npy"), y, r.n(), 2);

        // exact k-NN on 100,000 (--knn-rows) random 128-d features
        int n = knnRows;
        int d = 128;
        float[] x = KnnBench.gaussianRows(n, d);
        NearestNeighbors nn = new NearestNeighbors(x, d, NearestNeighbors.Metric.EUCLIDEAN);
        int[] q = KnnBench.spreadRows(n, knnQueries);
        nn.neighborsOf(Arrays.copyOf(q, Math.min(q.length, NearestNeighbors.NATIVE_MIN_QUERIES)), 10);   // warm-up: starts the kernel AUTO picks
        t0 = System.nanoTime();
        nn.neighborsOf(q, 10);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "knn_queries=%d%nknn_database=%d%nknn_seconds=%.2f%nknn_ms_per_query=%.3f%n"
                + "knn_full_graph_estimate_seconds=%.0f%n", knnQueries, n, s, 1000 * s / knnQueries, s * n / knnQueries);
        System.out.printf(Locale.ROOT, "load_after=%s%n", load());
    }

    /** The larger side of the 2-D map's bounding box. */
    private static double extent(double[] y) {
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < y.length; i++) {
            lo[i % 2] = Math.min(lo[i % 2], y[i]);
            hi[i % 2] = Math.max(hi[i % 2], y[i]);
        }
        return Math.max(hi[0] - lo[0], hi[1] - lo[1]);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
