package netviz.methods.features;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import netviz.OutOfRangeException;
import netviz.engine.Engines;

/**
 * Exact k-nearest-neighbour search by blocked matrix products, as used for the retrieval figure of
 * Krizhevsky, Sutskever &amp; Hinton (2012, "ImageNet classification with deep convolutional neural
 * networks", fig. 4): the images whose feature vectors lie closest to a query's.
 *
 * <p>Euclidean distances come from {@code ‖a−b‖² = ‖a‖² + ‖b‖² − 2 a·b}, cosine distances from
 * {@code 1 − â·b̂} on unit-normalised rows (a zero row has distance 1 to everything). The dot products of
 * a block of queries against a block of the database are one small matrix product whose inner loop the
 * JIT vectorises; every query keeps a pool of candidates: its k best float scores and every row scored
 * within the float rounding tolerance of the k-th (see {@code Candidates}), so memory is O(queries·k)
 * whatever the database size (more only where many rows are closer together than float rounding can
 * tell). Query blocks run in parallel. The pool's distances are recomputed exactly (in double) and ties
 * are broken by the smaller index, so the result equals a brute-force search, ties and near-duplicates
 * included; a negative float score from cancellation only ranks a row early, it is never returned.
 *
 * <p>Three kernels compute the products ({@link Kernel}): a blocked Java loop, libtorch's SGEMM (through
 * DJL's PyTorch engine) and ONNX Runtime's (MLAS). On a 2-core AVX-512 AMD EPYC, libtorch's matrix
 * product goes to MKL at about 6–13 GFLOP/s and MLAS reaches about 75–155 GFLOP/s on two threads
 * (110–200 on one), so {@link Kernel#AUTO} uses ONNX Runtime from {@value #NATIVE_MIN_QUERIES} queries
 * on (see {@code OrtDotBlocks}): one worker per core, each scoring a database block against its own query
 * block ({@code ‖b‖² − 2ab}; the query's own norm is the same for every row, so it does not change the
 * order) and comparing the minimum of every 16 rows with each query's pool limit, reading the rows of a
 * group only where it passes. With libtorch a
 * block of {@value #LIBTORCH_QUERY_BLOCK} queries is multiplied by blocks of {@value #LIBTORCH_DB_BLOCK}
 * database rows and libtorch's top-k keeps each query's best candidates of the block; only those come
 * back to Java. Either way memory is bounded by the blocks, and the results are the same.
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

    /** Which code computes the dot products of the blocked search; the results are the same. */
    public enum Kernel {
        /** ONNX Runtime for {@value #NATIVE_MIN_QUERIES} queries or more, Java below. */
        AUTO,
        /** Blocked Java loops (no native engine needed). */
        JAVA,
        /** Libtorch's matrix product and top-k on the PyTorch engine. */
        LIBTORCH,
        /** ONNX Runtime's matrix product (MLAS), one single-threaded session per core, scanned in Java. */
        ORT
    }

    static final int QUERY_BLOCK = 64;
    static final int DB_BLOCK = 1024;
    static final int LIBTORCH_QUERY_BLOCK = 512;
    static final int LIBTORCH_DB_BLOCK = 8192;
    /** The most queries per ONNX Runtime product block (fewer when that leaves a core without blocks). */
    static final int ORT_QUERY_BLOCK = 256;
    /** Database rows per ONNX Runtime product block at d = 128 (fewer for wider rows: about 1 MiB a block). */
    static final int ORT_DB_BLOCK = 2048;
    /** From this many queries on, {@link Kernel#AUTO} uses a native matrix product (ONNX Runtime). */
    public static final int NATIVE_MIN_QUERIES = 64;
    /** The former name of {@link #NATIVE_MIN_QUERIES}, from when {@link Kernel#AUTO} chose libtorch. */
    @Deprecated
    public static final int LIBTORCH_MIN_QUERIES = NATIVE_MIN_QUERIES;

    private final float[] data;      // n×d, normalised rows for cosine
    private final float[] original;  // n×d as given
    private final int n;
    private final int d;
    private final Metric metric;
    private final float[] norms2;    // squared norms of data rows
    private final Kernel kernel;

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
        this.kernel = Kernel.AUTO;
    }

    private NearestNeighbors(NearestNeighbors base, Kernel kernel) {
        this.original = base.original;
        this.n = base.n;
        this.d = base.d;
        this.metric = base.metric;
        this.data = base.data;
        this.norms2 = base.norms2;
        this.kernel = kernel;
    }

    /** The same index searched with the given kernel (the arrays are shared, not copied). */
    public NearestNeighbors using(Kernel k) {
        return new NearestNeighbors(this, k);
    }

    public Kernel kernel() {
        return kernel;
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
        if (kernel == Kernel.ORT || (kernel == Kernel.AUTO && nq >= NATIVE_MIN_QUERIES)) {
            searchOrt(queries, rawQueries, nq, k, exclude, outIdx, outDist);
            return new Result(nq, k, outIdx, outDist);
        }
        if (kernel == Kernel.LIBTORCH) {
            searchLibtorch(queries, rawQueries, nq, k, exclude, outIdx, outDist);
            return new Result(nq, k, outIdx, outDist);
        }
        Candidates[] pools = candidates(queries, 0, nq, k);
        int blocks = (nq + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int q0 = b * QUERY_BLOCK;
            int qn = Math.min(QUERY_BLOCK, nq - q0);
            float[] block = new float[qn * DB_BLOCK];
            float[] qNorm = new float[qn];
            for (int i = 0; i < qn; i++) {
                qNorm[i] = (float) pools[q0 + i].queryNorm2;
            }
            float[] transposed = new float[d * DB_BLOCK];
            for (int s0 = 0; s0 < n; s0 += DB_BLOCK) {
                int sn = Math.min(DB_BLOCK, n - s0);
                squaredDistances(queries, q0, qn, qNorm, s0, sn, transposed, block);
                for (int i = 0; i < qn; i++) {
                    Candidates c = pools[q0 + i];
                    int self = exclude == null ? -1 : exclude[q0 + i];
                    int off = i * DB_BLOCK;
                    for (int j = 0; j < sn; j++) {
                        float v = block[off + j];
                        if (v <= c.limit() && s0 + j != self) {
                            c.offer(v, s0 + j);
                        }
                    }
                }
            }
            for (int i = 0; i < qn; i++) {
                finish(pools[q0 + i], rawQueries, q0 + i, k, outIdx, outDist);
            }
        });
        return new Result(nq, k, outIdx, outDist);
    }

    /**
     * One candidate pool per query row {@code q0..q0+qn}, each with the rounding tolerance of the
     * float scores {@code ‖a‖² + ‖b‖² − 2ab}: a dot product of length d in float is off by at most
     * {@code γ_d Σ|a_c b_c| ≤ γ_d (‖a‖² + ‖b‖²) / 2} with {@code γ_d ≈ d·2⁻²⁴} (Higham 2002, §3.1), so two
     * scores compare wrongly only within {@code tol = 4 (d + 2) 2⁻²⁴ (‖a‖² + 2 max ‖b‖²)}.
     */
    private Candidates[] candidates(float[] queries, int q0, int qn, int k) {
        double maxNorm = 0;
        for (float v : norms2) {
            maxNorm = Math.max(maxNorm, v);
        }
        Candidates[] out = new Candidates[qn];
        for (int i = 0; i < qn; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = queries[(q0 + i) * d + j];
                s += v * v;
            }
            out[i] = new Candidates(k, s, 4.0 * (d + 2) * 0x1p-24 * (s + 2 * maxNorm));
        }
        return out;
    }

    /**
     * The search with libtorch's matrix product: per query block and database block the scores
     * {@code ‖b‖² − 2ab} (ordered like the squared distances) and their smallest entries per query by
     * top-k; the candidates go through the same pools and exact re-ranking as the Java kernel. When a
     * query's whole top-k of a block lies within the rounding tolerance of its pool, the block's full row
     * of scores is scanned instead, so no row that could be a true neighbour is missed.
     */
    private void searchLibtorch(float[] queries, float[] rawQueries, int nq, int k, int[] exclude, int[] outIdx,
                                double[] outDist) {
        try (NDManager base = Engines.newBaseManager()) {
            NDArray db = base.create(data, new Shape(n, d));
            NDArray dbNorms = base.create(norms2, new Shape(1, n));
            for (int q0 = 0; q0 < nq; q0 += LIBTORCH_QUERY_BLOCK) {
                int qn = Math.min(LIBTORCH_QUERY_BLOCK, nq - q0);
                Candidates[] pools = candidates(queries, q0, qn, k);
                try (NDManager sub = base.newSubManager()) {
                    NDArray q = sub.create(Arrays.copyOfRange(queries, q0 * d, (q0 + qn) * d), new Shape(qn, d)).mul(-2f);
                    for (int s0 = 0; s0 < n; s0 += LIBTORCH_DB_BLOCK) {
                        int sn = Math.min(LIBTORCH_DB_BLOCK, n - s0);
                        int take = Math.min(sn, k + 8 + (exclude == null ? 0 : 1));
                        try (NDManager blk = sub.newSubManager()) {
                            NDArray rows = db.get(new NDIndex("{}:{}", s0, s0 + sn));
                            NDArray rowsT = rows.transpose();
                            NDArray rowNorms = dbNorms.get(new NDIndex(":, {}:{}", s0, s0 + sn));
                            blk.attachAll(rows, rowsT, rowNorms);
                            NDArray scores = q.matMul(rowsT);
                            blk.attachAll(scores);
                            scores.addi(rowNorms);
                            NDList top = scores.topK(take, 1, false, false);
                            blk.attachAll(top);
                            float[] v = top.get(0).toFloatArray();
                            long[] idx = top.get(1).toLongArray();
                            for (int i = 0; i < qn; i++) {
                                Candidates c = pools[i];
                                int self = exclude == null ? -1 : exclude[q0 + i];
                                float largest = Float.NEGATIVE_INFINITY;
                                for (int t = i * take; t < (i + 1) * take; t++) {
                                    largest = Math.max(largest, v[t]);
                                    int j = s0 + (int) idx[t];
                                    float sc = v[t] + (float) c.queryNorm2;
                                    if (sc <= c.limit() && j != self) {
                                        c.offer(sc, j);
                                    }
                                }
                                // decided after the block's best are in the pool (an empty pool's limit is
                                // infinite): rows past the top-k may still be within the rounding tolerance
                                // of the pool's limit, so then the rest of the row is scanned
                                if (take < sn && largest + (float) c.queryNorm2 <= c.limit()) {
                                    float[] row = scores.get(i).toFloatArray();
                                    for (int j = 0; j < sn; j++) {
                                        float sc = row[j] + (float) c.queryNorm2;
                                        if (sc <= c.limit() && s0 + j != self && !among(idx, i * take, take, j)) {
                                            c.offer(sc, s0 + j);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                int first = q0;
                IntStream.range(0, qn).parallel().forEach(i -> finish(pools[i], rawQueries, first + i, k, outIdx, outDist));
            }
        }
    }

    /**
     * The search with ONNX Runtime's matrix product ({@link OrtDotBlocks}): one worker per core takes query
     * blocks in turn (at most {@value #ORT_QUERY_BLOCK} queries, a multiple of 16, and at least four blocks
     * per worker down to 16 queries a block) and, per database block of {@value #ORT_DB_BLOCK} rows (at
     * d = 128; wider rows, fewer per block, down to 64), scores the block and offers the rows whose scores
     * {@code ‖b‖² − 2ab} are within each query's pool limit ({@code scan}). The
     * pools hold these scores without the query's own norm (the same for every row, so the order and the
     * rounding tolerance of {@link #candidates} hold as they are); the exact re-ranking is the other kernels'.
     */
    private void searchOrt(float[] queries, float[] rawQueries, int nq, int k, int[] exclude, int[] outIdx,
                           double[] outDist) {
        int threads = netviz.ort.OrtForward.defaultThreads();
        int qb = Math.min(ORT_QUERY_BLOCK, (nq + 4 * threads * 16 - 1) / (4 * threads * 16) * 16);   // a multiple of MLAS's 16 columns
        int blocks = (nq + qb - 1) / qb;
        AtomicInteger next = new AtomicInteger();
        int g = OrtDotBlocks.GROUP;
        int rowsPerBlock = Math.min((n + g - 1) / g * g, Math.min(ORT_DB_BLOCK, Math.max(64, ORT_DB_BLOCK * 128 / d / g * g)));
        try (OrtDotBlocks dots = new OrtDotBlocks(data, norms2, d, rowsPerBlock)) {
            inParallel(() -> {
                try (OrtDotBlocks.Worker w = dots.worker(qb)) {
                    for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                        int q0 = b * qb;
                        int qn = Math.min(qb, nq - q0);
                        Candidates[] pools = candidates(queries, q0, qn, k);
                        w.queries(queries, q0, qn);
                        for (int s = 0; s < dots.blocks(); s++) {
                            w.multiply(s);
                            scan(w, s * dots.blockRows, dots.rows(s), pools, exclude, q0);
                        }
                        for (int i = 0; i < qn; i++) {
                            finish(pools[i], rawQueries, q0 + i, k, outIdx, outDist);
                        }
                    }
                }
            }, Math.min(threads, blocks));
        }
    }

    /**
     * Offers every database row {@code s0 + j} ({@code j < sn}) to the pool of each query {@code i} of the
     * block whose score {@code ‖b‖² − 2ab} is within the pool's limit; a query's own row is skipped when
     * {@code exclude} names it. Only groups of {@value OrtDotBlocks#GROUP} rows whose smallest score for the
     * query is within the limit are read row by row (the minimum is one of the group's scores, so no row
     * within the limit is passed over).
     */
    private void scan(OrtDotBlocks.Worker w, int s0, int sn, Candidates[] pools, int[] exclude, int q0) {
        int m = pools.length;
        float[] lim = new float[m];
        for (int i = 0; i < m; i++) {
            lim[i] = pools[i].limit();
        }
        float[] mins = w.mins;
        for (int g = 0; g < w.groups(); g++) {
            int off = g * m;
            int end = Math.min(sn, (g + 1) * OrtDotBlocks.GROUP);
            for (int i = 0; i < m; i++) {
                if (mins[off + i] <= lim[i]) {
                    int self = exclude == null ? -1 : exclude[q0 + i] - s0;
                    for (int j = g * OrtDotBlocks.GROUP; j < end; j++) {
                        float sc = w.score(j, i);
                        if (sc <= lim[i] && j != self) {
                            pools[i].offer(sc, s0 + j);
                            lim[i] = pools[i].limit();
                        }
                    }
                }
            }
        }
    }

    /** Runs {@code work} on {@code threads} threads (the caller's one of them) and rethrows the first failure. */
    private static void inParallel(Runnable work, int threads) {
        Thread[] extra = new Thread[threads - 1];
        Throwable[] failure = new Throwable[threads];
        for (int t = 0; t < extra.length; t++) {
            int slot = t + 1;
            extra[t] = new Thread(() -> {
                try {
                    work.run();
                } catch (Throwable e) {
                    failure[slot] = e;
                }
            }, "netviz-knn-" + slot);
            extra[t].setDaemon(true);
            extra[t].start();
        }
        try {
            work.run();
        } catch (Throwable e) {
            failure[0] = e;
        }
        for (Thread t : extra) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        for (Throwable e : failure) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error r) {
                throw r;
            }
        }
    }

    /** Whether {@code j} is one of {@code idx[from..from+len)}. */
    private static boolean among(long[] idx, int from, int len, int j) {
        for (int t = from; t < from + len; t++) {
            if (idx[t] == j) {
                return true;
            }
        }
        return false;
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

    /** Exact distances of the pool's candidates, sorted by (distance, index). */
    private void finish(Candidates c, float[] rawQueries, int q, int k, int[] outIdx, double[] outDist) {
        c.prune();
        int m = c.size;
        double[] dist = new double[m];
        Integer[] order = new Integer[m];
        for (int t = 0; t < m; t++) {
            dist[t] = exactDistance(rawQueries, q, c.idx[t]);
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(c.idx[a], c.idx[b]));
        for (int t = 0; t < k; t++) {
            outIdx[q * k + t] = c.idx[order[t]];
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
     * The candidates of one query: every row offered whose float score is within {@code tol} of the k-th
     * smallest score offered so far. Every row whose exact distance is at most the exact k-th distance is
     * kept (its score is within the rounding tolerance of the k-th score), so the exact re-ranking of
     * the pool equals brute force, ties included. The k smallest scores sit in a max-heap; the pool is
     * pruned against the heap's top whenever it has doubled.
     */
    static final class Candidates {
        final double queryNorm2;
        private final float tol;
        private final Heap best;
        float[] score;
        int[] idx;
        int size;
        private int pruneAt;

        Candidates(int k, double queryNorm2, double tol) {
            this.queryNorm2 = queryNorm2;
            this.tol = (float) tol;
            this.best = new Heap(k);
            this.score = new float[2 * k + 16];
            this.idx = new int[score.length];
            this.pruneAt = score.length;
        }

        /** Scores above this cannot belong to the result. */
        float limit() {
            return best.worst() + tol;
        }

        void offer(float s, int i) {
            if (s < best.worst() || best.size < best.cap) {
                best.offer(s, i);
            }
            if (size == pruneAt) {
                prune();
                if (size * 2 > pruneAt) {
                    pruneAt = Math.max(pruneAt * 2, size * 2);
                }
            }
            if (size == score.length) {
                score = Arrays.copyOf(score, 2 * size);
                idx = Arrays.copyOf(idx, 2 * size);
            }
            score[size] = s;
            idx[size++] = i;
        }

        /** Drops the pool's entries above the current limit. */
        void prune() {
            float lim = limit();
            int w = 0;
            for (int t = 0; t < size; t++) {
                if (score[t] <= lim) {
                    score[w] = score[t];
                    idx[w++] = idx[t];
                }
            }
            size = w;
        }
    }

    /** A bounded max-heap of (score, index) keeping the {@code cap} smallest scores offered. */
    static final class Heap {
        final int cap;
        final float[] score;
        final int[] idx;
        int size;

        Heap(int cap) {
            this.cap = cap;
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
