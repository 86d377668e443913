package netviz.methods.features;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

import netviz.OutOfRangeException;

/**
 * Exact k-nearest-neighbour search by blocked matrix products, as used for the retrieval figure of
 * Krizhevsky, Sutskever &amp; Hinton (2012, "ImageNet classification with deep convolutional neural
 * networks", fig. 4): the images whose feature vectors lie closest to a query's.
 *
 * <p>Euclidean distances come from {@code ‖a−b‖² = ‖a‖² + ‖b‖² − 2 a·b}, cosine distances from
 * {@code 1 − â·b̂} on unit-normalised rows (a zero row has distance 1 to everything). The dot products of
 * a block of queries against a block of the database are one small matrix product whose inner loop the
 * JIT vectorises; every query keeps a bounded max-heap of its k best candidates, so memory is
 * O(queries·k) whatever the database size. Query blocks run in parallel. The k distances returned are
 * recomputed exactly (in double) and ties are broken by the smaller index, so the result equals a
 * brute-force search.
 */
public final class NearestNeighbors {
    /** Distance between feature vectors. */
    public enum Metric {
        EUCLIDEAN, COSINE;

        public static Metric parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "euclidean", "l2" -> EUCLIDEAN;
                case "cosine" -> COSINE;
                default -> throw new netviz.UnknownNameException("metric", s, java.util.List.of("euclidean", "cosine"));
            };
        }
    }

    /** The k nearest neighbours of each query: row q holds indices[q*k .. q*k+k) nearest first. */
    public record Result(int queries, int k, int[] indices, double[] distances) {
        public int index(int q, int rank) {
            return indices[q * k + rank];
        }

        public double distance(int q, int rank) {
            return distances[q * k + rank];
        }
    }

    static final int QUERY_BLOCK = 64;
    static final int DB_BLOCK = 1024;

    private final float[] data;      // n×d, normalised rows for cosine
    private final float[] original;  // n×d as given
    private final int n;
    private final int d;
    private final Metric metric;
    private final float[] norms2;    // squared norms of data rows

    /**
     * An index over {@code n = data.length / dim} row-major feature vectors.
     */
    public NearestNeighbors(float[] data, int dim, Metric metric) {
        if (dim < 1 || data.length % dim != 0) {
            throw new IllegalArgumentException("data of length " + data.length + " is not rows of " + dim);
        }
        this.original = data;
        this.n = data.length / dim;
        this.d = dim;
        this.metric = metric;
        this.data = metric == Metric.COSINE ? normalized(data, dim) : data;
        this.norms2 = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                float v = this.data[i * d + j];
                s += v * v;
            }
            norms2[i] = (float) s;
        }
    }

    public int size() {
        return n;
    }

    public int dim() {
        return d;
    }

    public Metric metric() {
        return metric;
    }

    /** Unit-length copies of the rows (zero rows stay zero). */
    static float[] normalized(float[] x, int d) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length / d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) x[i * d + j] * x[i * d + j];
            }
            double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) (x[i * d + j] * inv);
            }
        }
        return out;
    }

    /** The k nearest database rows of each of the given database rows, the row itself excluded. */
    public Result neighborsOf(int[] rows, int k) {
        checkK(k, n - 1, "other examples");
        float[] q = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new OutOfRangeException("index " + rows[i] + " is outside the dataset (0.." + (n - 1) + ")");
            }
            System.arraycopy(original, rows[i] * d, q, i * d, d);
        }
        return search(q, k, rows);
    }

    /** The k nearest neighbours of every database row, itself excluded (a kNN graph). */
    public Result graph(int k) {
        return neighborsOf(IntStream.range(0, n).toArray(), k);
    }

    /** The k nearest database rows of each query row ({@code queries.length / dim} of them). */
    public Result search(float[] queries, int k) {
        checkK(k, n, "examples");
        return search(queries, k, null);
    }

    private void checkK(int k, int available, String what) {
        if (k < 1) {
            throw new OutOfRangeException("k must be at least 1, got " + k);
        }
        if (k > available) {
            throw new OutOfRangeException("k = " + k + " is larger than the dataset allows: it has " + available + " "
                    + what + " to return");
        }
    }

    private Result search(float[] rawQueries, int k, int[] exclude) {
        if (rawQueries.length % d != 0) {
            throw new IllegalArgumentException("queries of length " + rawQueries.length + " are not rows of " + d);
        }
        int nq = rawQueries.length / d;
        float[] queries = metric == Metric.COSINE ? normalized(rawQueries, d) : rawQueries;
        int[] outIdx = new int[nq * k];
        double[] outDist = new double[nq * k];
        int blocks = (nq + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int q0 = b * QUERY_BLOCK;
            int qn = Math.min(QUERY_BLOCK, nq - q0);
            Heap[] heaps = new Heap[qn];
            for (int i = 0; i < qn; i++) {
                heaps[i] = new Heap(k);
            }
            float[] block = new float[qn * DB_BLOCK];
            float[] qNorm = new float[qn];
            for (int i = 0; i < qn; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (double) queries[(q0 + i) * d + j] * queries[(q0 + i) * d + j];
                }
                qNorm[i] = (float) s;
            }
            float[] transposed = new float[d * DB_BLOCK];
            for (int s0 = 0; s0 < n; s0 += DB_BLOCK) {
                int sn = Math.min(DB_BLOCK, n - s0);
                squaredDistances(queries, q0, qn, qNorm, s0, sn, transposed, block);
                for (int i = 0; i < qn; i++) {
                    Heap h = heaps[i];
                    int self = exclude == null ? -1 : exclude[q0 + i];
                    int off = i * DB_BLOCK;
                    for (int j = 0; j < sn; j++) {
                        float v = block[off + j];
                        if (v <= h.worst() && s0 + j != self) {
                            h.offer(v, s0 + j);
                        }
                    }
                }
            }
            for (int i = 0; i < qn; i++) {
                finish(heaps[i], rawQueries, q0 + i, k, outIdx, outDist);
            }
        });
        return new Result(nq, k, outIdx, outDist);
    }

    /**
     * Squared euclidean distances (cosine: {@code 2 − 2cos}, which orders like the cosine distance) of
     * queries {@code q0..q0+qn} to database rows {@code s0..s0+sn} into {@code out[i*DB_BLOCK + j]}.
     */
    void squaredDistances(float[] queries, int q0, int qn, float[] qNorm, int s0, int sn, float[] transposed, float[] out) {
        for (int j = 0; j < sn; j++) {
            int base = (s0 + j) * d;
            for (int c = 0; c < d; c++) {
                transposed[c * DB_BLOCK + j] = data[base + c];
            }
        }
        int i0 = 0;
        for (; i0 + 4 <= qn; i0 += 4) {   // four query rows per pass over the block: a quarter of the loads
            int o0 = i0 * DB_BLOCK;
            int o1 = o0 + DB_BLOCK;
            int o2 = o1 + DB_BLOCK;
            int o3 = o2 + DB_BLOCK;
            Arrays.fill(out, o0, o0 + 4 * DB_BLOCK, 0f);
            int qb = (q0 + i0) * d;
            for (int c = 0; c < d; c++) {
                float a0 = queries[qb + c];
                float a1 = queries[qb + d + c];
                float a2 = queries[qb + 2 * d + c];
                float a3 = queries[qb + 3 * d + c];
                int tb = c * DB_BLOCK;
                for (int j = 0; j < sn; j++) {
                    float t = transposed[tb + j];
                    out[o0 + j] += a0 * t;
                    out[o1 + j] += a1 * t;
                    out[o2 + j] += a2 * t;
                    out[o3 + j] += a3 * t;
                }
            }
        }
        for (int i = i0; i < qn; i++) {
            int off = i * DB_BLOCK;
            Arrays.fill(out, off, off + sn, 0f);
            int qb = (q0 + i) * d;
            for (int c = 0; c < d; c++) {
                float a = queries[qb + c];
                if (a == 0f) {
                    continue;
                }
                int tb = c * DB_BLOCK;
                for (int j = 0; j < sn; j++) {
                    out[off + j] += a * transposed[tb + j];
                }
            }
        }
        for (int i = 0; i < qn; i++) {
            int off = i * DB_BLOCK;
            float qn2 = qNorm[i];
            for (int j = 0; j < sn; j++) {
                out[off + j] = qn2 + norms2[s0 + j] - 2 * out[off + j];
            }
        }
    }

    /**
     * Squared distances (as the search orders them) of query rows {@code q0..q0+qn} of {@code queries}
     * to every database row: {@code out[i * n + j]}.
     */
    float[] distanceRows(float[] queries, int q0, int qn) {
        float[] q = metric == Metric.COSINE ? normalized(queries, d) : queries;
        float[] qNorm = new float[qn];
        for (int i = 0; i < qn; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) q[(q0 + i) * d + j] * q[(q0 + i) * d + j];
            }
            qNorm[i] = (float) s;
        }
        float[] out = new float[qn * n];
        float[] block = new float[qn * DB_BLOCK];
        float[] transposed = new float[d * DB_BLOCK];
        for (int s0 = 0; s0 < n; s0 += DB_BLOCK) {
            int sn = Math.min(DB_BLOCK, n - s0);
            squaredDistances(q, q0, qn, qNorm, s0, sn, transposed, block);
            for (int i = 0; i < qn; i++) {
                System.arraycopy(block, i * DB_BLOCK, out, i * n + s0, sn);
            }
        }
        return out;
    }

    /** Exact distances of the heap's candidates, sorted by (distance, index). */
    private void finish(Heap h, float[] rawQueries, int q, int k, int[] outIdx, double[] outDist) {
        int m = h.size;
        double[] dist = new double[m];
        Integer[] order = new Integer[m];
        for (int t = 0; t < m; t++) {
            dist[t] = exactDistance(rawQueries, q, h.idx[t]);
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(h.idx[a], h.idx[b]));
        for (int t = 0; t < k; t++) {
            outIdx[q * k + t] = h.idx[order[t]];
            outDist[q * k + t] = dist[order[t]];
        }
    }

    /** The distance of query row q to database row j, in double. */
    double exactDistance(float[] rawQueries, int q, int j) {
        return distance(rawQueries, q * d, original, j * d, d, metric);
    }

    /** Brute-force distance between two rows, in double (the definition the blocked search reproduces). */
    public static double distance(float[] a, int ao, float[] b, int bo, int d, Metric metric) {
        if (metric == Metric.EUCLIDEAN) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                double t = (double) a[ao + c] - b[bo + c];
                s += t * t;
            }
            return Math.sqrt(s);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < d; c++) {
            dot += (double) a[ao + c] * b[bo + c];
            na += (double) a[ao + c] * a[ao + c];
            nb += (double) b[bo + c] * b[bo + c];
        }
        return na == 0 || nb == 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
    }

    /**
     * A bounded max-heap of (score, index) keeping the k smallest scores offered, plus a margin of
     * candidates so that float rounding cannot drop a true neighbour before the exact re-ranking.
     */
    static final class Heap {
        final int cap;
        final float[] score;
        final int[] idx;
        int size;

        Heap(int k) {
            cap = k + Math.min(k, 8);
            score = new float[cap];
            idx = new int[cap];
        }

        float worst() {
            return size < cap ? Float.POSITIVE_INFINITY : score[0];
        }

        void offer(float s, int i) {
            if (size < cap) {
                int c = size++;
                score[c] = s;
                idx[c] = i;
                while (c > 0) {
                    int p = (c - 1) / 2;
                    if (score[p] >= score[c]) {
                        break;
                    }
                    swap(p, c);
                    c = p;
                }
                return;
            }
            score[0] = s;
            idx[0] = i;
            int c = 0;
            while (true) {
                int l = 2 * c + 1;
                int r = l + 1;
                int m = c;
                if (l < size && score[l] > score[m]) {
                    m = l;
                }
                if (r < size && score[r] > score[m]) {
                    m = r;
                }
                if (m == c) {
                    break;
                }
                swap(m, c);
                c = m;
            }
        }

        private void swap(int a, int b) {
            float s = score[a];
            score[a] = score[b];
            score[b] = s;
            int t = idx[a];
            idx[a] = idx[b];
            idx[b] = t;
        }
    }

    /**
     * Leave-one-out k-nearest-neighbour classification accuracy: the share of points whose k nearest
     * other points (euclidean) vote their label (ties: the smallest label among the most voted). A
     * measure of how well an embedding separates classes.
     */
    public static double knnAccuracy(float[] points, int dim, int[] labels, int k) {
        NearestNeighbors nn = new NearestNeighbors(points, dim, Metric.EUCLIDEAN);
        Result r = nn.graph(k);
        int maxLabel = Arrays.stream(labels).max().orElse(0);
        int correct = 0;
        for (int i = 0; i < nn.n; i++) {
            int[] votes = new int[maxLabel + 1];
            for (int t = 0; t < k; t++) {
                votes[labels[r.index(i, t)]]++;
            }
            int best = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct / (double) nn.n;
    }
}
