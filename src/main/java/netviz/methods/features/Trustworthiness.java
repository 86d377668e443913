package netviz.methods.features;

import java.util.stream.IntStream;

import netviz.OutOfRangeException;

/**
 * Trustworthiness of an embedding (Venna &amp; Kaski 2001, "Neighborhood preservation in nonlinear
 * projection methods: an experimental study"; the definition of scikit-learn's
 * {@code sklearn.manifold.trustworthiness}):
 *
 * <pre>
 *   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} max(0, r(i, j) − k)
 * </pre>
 * where {@code U_i(k)} are the k nearest neighbours of point i in the embedding and {@code r(i, j)} is
 * the rank of j among i's neighbours in the original space (1 = nearest; ties broken by the smaller
 * index). T = 1 when every embedded neighbour is also an original neighbour; embedded neighbours that
 * were far away in the original space ("false neighbours") lower it. Distances are euclidean in both
 * spaces. Needs {@code k < n / 2}.
 */
public final class Trustworthiness {
    private Trustworthiness() {
    }

    /**
     * T(k) of embedding {@code y} (rows of {@code dy}) of the original rows {@code x} (rows of {@code dx}).
     */
    public static double of(float[] x, int dx, float[] y, int dy, int k) {
        int n = x.length / dx;
        if (y.length / dy != n) {
            throw new IllegalArgumentException("original has " + n + " rows, embedding " + y.length / dy);
        }
        if (k < 1 || k >= n / 2.0) {
            throw new OutOfRangeException("trustworthiness needs 1 <= k < n/2; got k = " + k + " for " + n + " points");
        }
        NearestNeighbors.Result embedded = new NearestNeighbors(y, dy, NearestNeighbors.Metric.EUCLIDEAN).graph(k);
        NearestNeighbors original = new NearestNeighbors(x, dx, NearestNeighbors.Metric.EUCLIDEAN);
        int qb = NearestNeighbors.QUERY_BLOCK;
        int blocks = (n + qb - 1) / qb;
        long[] penalty = new long[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int q0 = b * qb;
            int qn = Math.min(qb, n - q0);
            float[] rows = original.distanceRows(x, q0, qn);
            long t = 0;
            for (int i = 0; i < qn; i++) {
                int self = q0 + i;
                int off = i * n;
                for (int r = 0; r < k; r++) {
                    int j = embedded.index(self, r);
                    float dj = rows[off + j];
                    int rank = 1;
                    for (int l = 0; l < n; l++) {
                        float dl = rows[off + l];
                        if (dl < dj || (dl == dj && l < j)) {
                            rank++;
                        }
                    }
                    if (rows[off + self] < dj || (rows[off + self] == dj && self < j)) {
                        rank--;   // the point itself is not its own neighbour
                    }
                    t += Math.max(0, rank - k);
                }
            }
            penalty[b] = t;
        });
        long total = 0;
        for (long p : penalty) {
            total += p;
        }
        return 1 - total * (2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1.0)));
    }
}
