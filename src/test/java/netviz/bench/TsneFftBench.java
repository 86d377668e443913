package netviz.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

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
 * Exact k-NN with the Java, libtorch and ONNX Runtime kernels (random 100,000 × 128 features, k = 10,
 * the same queries; the results must be identical), and t-SNE on the relu3 features of the bundled model
 * (Fashion-MNIST t10k, 10,000 images) with each gradient ({@code --methods}, default Barnes-Hut, FFT and
 * AUTO's choice): wall time, KL, trustworthiness (k = 10), 10-NN class accuracy. With {@code --out DIR} it
 * writes the features ({@code features.npy}, {@code features-labels.npy}) and the AUTO map
 * ({@code netviz-embedding.npy}) there, for {@code scripts/bench-tsne-fft.sh} to run scikit-learn on the
 * same features. With {@code --full} also the t-SNE (AUTO) of all 70,000 Fashion-MNIST images (train +
 * t10k from {@code --data}); its trustworthiness is not computed (quadratic in N).
 *
 * <p>Usage: {@code TsneFftBench [--model M.onnx] [--limit N] [--knn-queries Q] [--full] [--data DIR]
 * [--skip-knn] [--skip-tsne] [--methods BARNES_HUT,FFT,AUTO] [--out DIR]}; prints {@code key=value} lines.
 */
public final class TsneFftBench {
    private TsneFftBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("models/fashion-mnist-cnn.onnx");
        Path dataDir = Datasets.SYSTEM_FASHION_MNIST;
        int limit = 0;
        int knnQueries = 2000;
        boolean full = false;
        boolean knn = true;
        boolean tsne = true;
        String methods = "BARNES_HUT,FFT,AUTO";
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--data" -> dataDir = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--knn-queries" -> knnQueries = Integer.parseInt(args[++i]);
                case "--full" -> full = true;
                case "--skip-knn" -> knn = false;
                case "--skip-tsne" -> tsne = false;
                case "--methods" -> methods = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "cores=%d%nload_before=%s%n", Runtime.getRuntime().availableProcessors(), load());
        if (knn) {
            knn(knnQueries);
        }
        if (tsne) {
            Features f = features(model, Datasets.bundledTestSplit(Preprocessing.fashionMnist()), limit);
            System.out.printf(Locale.ROOT, "features=%s%nrows=%d%ndim=%d%n", f.source(), f.count(), f.dim());
            if (out != null) {
                Files.createDirectories(out);
                f.writeNpy(out.resolve("features.npy"));
            }
            for (String name : methods.split(",")) {
                Tsne.Method m = Tsne.Method.valueOf(name.trim().toUpperCase(Locale.ROOT));
                String key = m.name().toLowerCase(Locale.ROOT);
                Tsne.Result r = Tsne.run(f.values(), f.dim(), Tsne.Options.defaults().withMethod(m));
                float[] y = r.coordinatesAsFloats();
                if (out != null && m == Tsne.Method.AUTO) {
                    netviz.io.Npy.write(out.resolve("netviz-embedding.npy"), y, r.n(), 2);
                }
                double trust = Trustworthiness.of(f.values(), f.dim(), y, 2, 10);
                double acc = NearestNeighbors.knnAccuracy(y, 2, f.labels(), 10);
                System.out.printf(Locale.ROOT, "%s_method=%s%n%s_seconds=%.2f%n%s_kl=%.4f%n%s_trustworthiness=%.4f%n"
                        + "%s_knn10_accuracy=%.4f%n%s_load_after=%s%n", key, r.method(), key, r.seconds(), key,
                        r.klDivergence(), key, trust, key, acc, key, load());
            }
        }
        if (full) {
            Features train = features(model, Datasets.fashionMnist(dataDir, "train", Preprocessing.fashionMnist()), 0);
            Features test = features(model, Datasets.fashionMnist(dataDir, "t10k", Preprocessing.fashionMnist()), 0);
            float[] x = Arrays.copyOf(train.values(), train.values().length + test.values().length);
            System.arraycopy(test.values(), 0, x, train.values().length, test.values().length);
            int[] labels = Arrays.copyOf(train.labels(), train.count() + test.count());
            System.arraycopy(test.labels(), 0, labels, train.count(), test.count());
            System.out.printf(Locale.ROOT, "full_rows=%d%nfull_load_before=%s%n", labels.length, load());
            Tsne.Result r = Tsne.run(x, train.dim(), Tsne.Options.defaults());
            double acc = NearestNeighbors.knnAccuracy(r.coordinatesAsFloats(), 2, labels, 10);
            System.out.printf(Locale.ROOT, "full_method=%s%nfull_seconds=%.2f%nfull_kl=%.4f%nfull_knn10_accuracy=%.4f%n"
                    + "full_load_after=%s%n", r.method(), r.seconds(), r.klDivergence(), acc, load());
        }
    }

    private static Features features(Path model, netviz.data.Dataset data, int limit) throws Exception {
        try (Interpreter ip = Interpreter.of(OnnxLoader.load(model))) {
            return FeatureExtractor.extract(ip, data, null, FeatureExtractor.Options.defaults().withLimit(limit),
                    Progress.NONE);
        }
    }

    /** The Java, libtorch and ONNX Runtime kernels on the same queries; all are exact, so the results must match. */
    private static void knn(int queries) {
        int n = 100_000;
        int d = 128;
        float[] x = KnnBench.gaussianRows(n, d);
        int[] q = KnnBench.spreadRows(n, queries);
        NearestNeighbors nn = new NearestNeighbors(x, d, NearestNeighbors.Metric.EUCLIDEAN);
        NearestNeighbors.Kernel[] kernels = {NearestNeighbors.Kernel.JAVA, NearestNeighbors.Kernel.LIBTORCH, NearestNeighbors.Kernel.ORT};
        NearestNeighbors.Result[] res = new NearestNeighbors.Result[kernels.length];
        for (int v = 0; v < kernels.length; v++) {
            NearestNeighbors k = nn.using(kernels[v]);
            k.neighborsOf(new int[] {0, 1}, 10);   // warm-up (starts libtorch)
            long t0 = System.nanoTime();
            res[v] = k.neighborsOf(q, 10);
            double s = (System.nanoTime() - t0) / 1e9;
            String key = kernels[v].name().toLowerCase(Locale.ROOT);
            System.out.printf(Locale.ROOT, "knn_%s_seconds=%.2f%nknn_%s_ms_per_query=%.3f%nknn_%s_load=%s%n", key, s, key,
                    1000 * s / queries, key, load());
        }
        System.out.printf(Locale.ROOT, "knn_queries=%d%nknn_database=%d%nknn_identical=%b%n", queries, n,
                Arrays.stream(res).allMatch(r -> Arrays.equals(res[0].indices(), r.indices()) && Arrays.equals(res[0].distances(), r.distances())));
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
