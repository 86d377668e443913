package netviz.methods.features;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import netviz.OutOfRangeException;

/**
 * Exact euclidean k-nearest-neighbour search with a vantage-point tree (Yianilos 1993, "Data structures
 * and algorithms for nearest neighbor search in general metric spaces", SODA), the structure van der
 * Maaten (2014) uses for the sparse input affinities of Barnes-Hut t-SNE. Each node holds one point
 * (the vantage point, chosen at random with a seeded {@link SplittableRandom}) and the median distance
 * μ of its other points to it; the points closer than μ go to the inside subtree, the rest outside.
 * A query at distance δ from a node's vantage point, holding a current k-th best distance τ, needs the
 * inside only if {@code δ − μ < τ} and the outside only if {@code μ − δ ≤ τ} (triangle inequality), and
 * visits first the side it falls on. Distances are computed in double by
 * {@link NearestNeighbors#distance} and candidates are ordered by (distance, index), so the answer
 * equals a brute-force search, ties included. Fast at moderate intrinsic dimension; in high dimensions
 * with no structure it degrades towards a linear scan (then {@link NearestNeighbors} is faster).
 */
public final class VpTree {
    private static final double SLACK = 1e-9;   // triangle inequality up to double rounding of the distances

    private final float[] data;
    private final int d;
    private final int n;
    private final int[] item;        // node → point index (nodes in build order: node t holds item[t])
    private final double[] radius;   // node → median distance μ
    private final int[] inside;      // node → first node of the inside subtree, −1 when empty
    private final int[] outside;     // node → first node of the outside subtree, −1 when empty

    /** A tree over {@code data.length / dim} row-major rows; {@code seed} picks the vantage points. */
    public VpTree(float[] data, int dim, long seed) {
        if (dim < 1 || data.length % dim != 0) {
            throw new IllegalArgumentException("data of length " + data.length + " is not rows of " + dim);
        }
        this.data = data;
        this.d = dim;
        this.n = data.length / dim;
        this.item = new int[n];
        this.radius = new double[n];
        this.inside = new int[n];
        this.outside = new int[n];
        for (int i = 0; i < n; i++) {
            item[i] = i;
        }
        build(0, n, new double[n], new SplittableRandom(seed));
    }

    /**
     * Builds the subtree over {@code item[lo..hi)} rooted at node {@code lo}: the vantage point is swapped
     * to {@code lo}, the inside points to {@code lo+1..mid}, the outside to {@code mid..hi}.
     */
    private void build(int lo, int hi, double[] dist, SplittableRandom rnd) {
        // iterative over the outside chain, recursive on the inside: depth O(log n) in expectation
        while (lo < hi) {
            int pick = lo + rnd.nextInt(hi - lo);
            swap(lo, pick, dist);
            int vp = item[lo];
            if (hi - lo == 1) {
                radius[lo] = 0;
                inside[lo] = -1;
                outside[lo] = -1;
                return;
            }
            for (int t = lo + 1; t < hi; t++) {
                dist[t] = NearestNeighbors.distance(data, vp * d, data, item[t] * d, d, NearestNeighbors.Metric.EUCLIDEAN);
            }
            int mid = (lo + 1 + hi) / 2;
            select(lo + 1, hi, mid, dist);   // dist[lo+1..mid) ≤ dist[mid] ≤ dist[mid+1..hi)
            radius[lo] = dist[mid];
            // everything strictly below μ inside; equal distances may sit on either side of mid, so move
            // those before mid that equal μ to the outside by shrinking the inside end
            int end = mid;
            int t = lo + 1;
            while (t < end) {
                if (dist[t] >= radius[lo]) {
                    swap(t, --end, dist);
                } else {
                    t++;
                }
            }
            inside[lo] = end > lo + 1 ? lo + 1 : -1;
            outside[lo] = end < hi ? end : -1;
            build(lo + 1, end, dist, rnd);
            lo = end;
        }
    }

    /** Quickselect: puts the k-th smallest of {@code dist[lo..hi)} at k (items move along). */
    private void select(int lo, int hi, int k, double[] dist) {
        int l = lo;
        int r = hi - 1;
        while (l < r) {
            double pivot = dist[(l + r) >>> 1];
            int i = l;
            int j = r;
            while (i <= j) {
                while (dist[i] < pivot) {
                    i++;
                }
                while (dist[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(i++, j--, dist);
                }
            }
            if (k <= j) {
                r = j;
            } else if (k >= i) {
                l = i;
            } else {
                return;
            }
        }
    }

    private void swap(int a, int b, double[] dist) {
        int t = item[a];
        item[a] = item[b];
        item[b] = t;
        double s = dist[a];
        dist[a] = dist[b];
        dist[b] = s;
    }

    public int size() {
        return n;
    }

    /** The k nearest other rows of every row (a kNN graph), nearest first, ties by the smaller index. */
    public NearestNeighbors.Result graph(int k) {
        if (k < 1 || k > n - 1) {
            throw new OutOfRangeException("k = " + k + " must be between 1 and the number of other examples, " + (n - 1));
        }
        int[] idx = new int[n * k];
        double[] dist = new double[n * k];
        IntStream.range(0, n).parallel().forEach(i -> {
            Best best = new Best(k);
            search(data, i * d, i, best);
            best.sortInto(idx, dist, i * k);
        });
        return new NearestNeighbors.Result(n, k, idx, dist);
    }

    /** The k nearest rows of each query row ({@code queries.length / dim} of them). */
    public NearestNeighbors.Result search(float[] queries, int k) {
        if (k < 1 || k > n) {
            throw new OutOfRangeException("k = " + k + " must be between 1 and the number of examples, " + n);
        }
        int nq = queries.length / d;
        int[] idx = new int[nq * k];
        double[] dist = new double[nq * k];
        IntStream.range(0, nq).parallel().forEach(i -> {
            Best best = new Best(k);
            search(queries, i * d, -1, best);
            best.sortInto(idx, dist, i * k);
        });
        return new NearestNeighbors.Result(nq, k, idx, dist);
    }

    private void search(float[] q, int qo, int self, Best best) {
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            int vp = item[node];
            double dv = NearestNeighbors.distance(q, qo, data, vp * d, d, NearestNeighbors.Metric.EUCLIDEAN);
            if (vp != self) {
                best.offer(dv, vp);
            }
            double mu = radius[node];
            int in = inside[node];
            int out = outside[node];
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            // push the far side first so the near side is searched first; each is re-checked on pop
            // only through τ, which only shrinks, so the test here is final for that τ or larger
            double tau = best.worst() * (1 + SLACK);
            boolean wantIn = in >= 0 && dv - mu < tau;
            boolean wantOut = out >= 0 && mu - dv <= tau;
            if (dv < mu) {
                if (wantOut) {
                    stack[sp++] = out;
                }
                if (wantIn) {
                    stack[sp++] = in;
                }
            } else {
                if (wantIn) {
                    stack[sp++] = in;
                }
                if (wantOut) {
                    stack[sp++] = out;
                }
            }
        }
    }

    /** A bounded max-heap of (distance, index), largest (distance, index) on top. */
    private static final class Best {
        private final int cap;
        private final double[] dist;
        private final int[] idx;
        private int size;

        Best(int k) {
            cap = k;
            dist = new double[k];
            idx = new int[k];
        }

        double worst() {
            return size < cap ? Double.POSITIVE_INFINITY : dist[0];
        }

        private boolean above(int a, double db, int ib) {
            return dist[a] > db || (dist[a] == db && idx[a] > ib);
        }

        void offer(double dv, int i) {
            if (size < cap) {
                int c = size++;
                dist[c] = dv;
                idx[c] = i;
                while (c > 0) {
                    int p = (c - 1) / 2;
                    if (above(p, dist[c], idx[c])) {
                        break;
                    }
                    swap(p, c);
                    c = p;
                }
                return;
            }
            if (!(dv < dist[0] || (dv == dist[0] && i < idx[0]))) {
                return;
            }
            dist[0] = dv;
            idx[0] = i;
            siftDown();
        }

        private void siftDown() {
            int c = 0;
            while (true) {
                int l = 2 * c + 1;
                int r = l + 1;
                int m = c;
                if (l < size && above(l, dist[m], idx[m])) {
                    m = l;
                }
                if (r < size && above(r, dist[m], idx[m])) {
                    m = r;
                }
                if (m == c) {
                    return;
                }
                swap(m, c);
                c = m;
            }
        }

        private void swap(int a, int b) {
            double s = dist[a];
            dist[a] = dist[b];
            dist[b] = s;
            int t = idx[a];
            idx[a] = idx[b];
            idx[b] = t;
        }

        /** Sorted ascending by (distance, index) into {@code outIdx/outDist[off..off+size)}. */
        void sortInto(int[] outIdx, double[] outDist, int off) {
            for (int t = size - 1; t >= 0; t--) {
                outIdx[off + t] = idx[0];
                outDist[off + t] = dist[0];
                int last = t;
                dist[0] = dist[last];
                idx[0] = idx[last];
                size = last;
                siftDown();
            }
        }
    }
}
