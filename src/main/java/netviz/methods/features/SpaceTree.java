package netviz.methods.features;

import java.util.Arrays;

/**
 * A quadtree (2-D) or octree (3-D) over a t-SNE embedding with each cell's point count and centre of
 * mass, for the Barnes-Hut repulsion of van der Maaten (2014, "Accelerating t-SNE using tree-based
 * algorithms", JMLR 15): for point i it sums {@code q = (1 + ‖y_i − y_j‖²)⁻¹} and {@code q² (y_i − y_j)}
 * over all j ≠ i, letting a cell of width w whose centre of mass lies at distance δ from y_i stand for all its
 * points when {@code w² < θ² δ²}, and summing a leaf's points one by one otherwise (θ = 0 gives the exact sums).
 *
 * <p>Built by recursive partition of an index permutation into the cell's 2^dim orthants, down to leaves of at
 * most {@value #LEAF_SIZE} points (or identical points, or depth {@value #MAX_DEPTH}). Buckets of points
 * instead of one-point leaves cut the number of cells a traversal visits several times while only making the
 * sums more exact (a leaf that is not far enough is summed point by point where single-point leaves would have
 * been approximated by their parents). Points are copied in tree order and the cells' data packed in two flat
 * arrays (centre of mass and width², then count, first child and first point), with the third coordinate 0 in
 * 2-D, so that one traversal reads few cache lines and runs without loops over the dimension.
 */
final class SpaceTree {
    /** The most points a leaf holds. */
    static final int LEAF_SIZE = 16;
    private static final int MAX_DEPTH = 48;
    private static final int CELL = 4;   // com x, y, z, width²
    private static final int LINK = 3;   // count, first child (−1 for a leaf), first point in tree order

    private final double[] y;
    private final int dim;
    private final int fan;
    /** Tree order: {@code perm[t]} is the point at position t. */
    final int[] perm;
    private final int[] tmp;
    private final double[] pts;
    private double[] cell;
    private int[] link;
    private int nodes;
    private int depthReached;

    /** @param y the embedding, n × dim row-major (dim 2 or 3) */
    SpaceTree(double[] y, int dim) {
        this.y = y;
        this.dim = dim;
        this.fan = 1 << dim;
        int n = y.length / dim;
        perm = new int[n];
        tmp = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int cap = Math.max(16, n);
        cell = new double[cap * CELL];
        link = new int[cap * LINK];
        double[] lo = new double[dim];
        double[] hi = new double[dim];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < dim; c++) {
                lo[c] = Math.min(lo[c], y[i * dim + c]);
                hi[c] = Math.max(hi[c], y[i * dim + c]);
            }
        }
        double half = 0;
        double[] center = new double[dim];
        for (int c = 0; c < dim; c++) {
            half = Math.max(half, (hi[c] - lo[c]) / 2);
            center[c] = (lo[c] + hi[c]) / 2;
        }
        half = half * (1 + 1e-6) + 1e-12;
        nodes = 1;
        build(0, 0, n, center, half, 0);
        pts = new double[n * 3];
        for (int t = 0; t < n; t++) {
            System.arraycopy(y, perm[t] * dim, pts, t * 3, dim);
        }
    }

    /** The stack length {@link #repulsion} needs. */
    int maxStack() {
        return (depthReached + 2) * fan + 8;
    }

    private void build(int node, int lo, int hi, double[] center, double half, int depth) {
        depthReached = Math.max(depthReached, depth);
        int m = hi - lo;
        int nb = node * CELL;
        int lb = node * LINK;
        link[lb] = m;
        link[lb + 2] = lo;
        cell[nb + 3] = 4 * half * half;
        if (m <= LEAF_SIZE || depth >= MAX_DEPTH || allSame(lo, hi)) {
            link[lb + 1] = -1;
            for (int c = 0; c < dim; c++) {
                double s = 0;
                for (int t = lo; t < hi; t++) {
                    s += y[perm[t] * dim + c];
                }
                cell[nb + c] = m > 0 ? s / m : 0;
            }
            return;
        }
        int[] bucketCount = new int[fan];
        for (int t = lo; t < hi; t++) {
            bucketCount[orthant(perm[t], center)]++;
        }
        int[] offset = new int[fan];
        for (int q = 1; q < fan; q++) {
            offset[q] = offset[q - 1] + bucketCount[q - 1];
        }
        int[] pos = offset.clone();
        for (int t = lo; t < hi; t++) {
            tmp[lo + pos[orthant(perm[t], center)]++] = perm[t];
        }
        System.arraycopy(tmp, lo, perm, lo, m);
        while (nodes + fan > link.length / LINK) {
            cell = Arrays.copyOf(cell, cell.length * 2);
            link = Arrays.copyOf(link, link.length * 2);
        }
        int first = nodes;
        nodes += fan;
        link[lb + 1] = first;
        double h = half / 2;
        double[] sub = new double[dim];
        for (int q = 0; q < fan; q++) {
            for (int c = 0; c < dim; c++) {
                sub[c] = center[c] + (((q >> c) & 1) == 1 ? h : -h);
            }
            build(first + q, lo + offset[q], lo + offset[q] + bucketCount[q], sub, h, depth + 1);
        }
        // centre of mass from the children's: one pass over the points in all
        for (int c = 0; c < dim; c++) {
            double s = 0;
            for (int q = 0; q < fan; q++) {
                s += bucketCount[q] * cell[(first + q) * CELL + c];
            }
            cell[nb + c] = s / m;
        }
    }

    private boolean allSame(int lo, int hi) {
        for (int t = lo + 1; t < hi; t++) {
            for (int c = 0; c < dim; c++) {
                if (y[perm[t] * dim + c] != y[perm[lo] * dim + c]) {
                    return false;
                }
            }
        }
        return true;
    }

    private int orthant(int point, double[] center) {
        int q = 0;
        for (int c = 0; c < dim; c++) {
            if (y[point * dim + c] > center[c]) {
                q |= 1 << c;
            }
        }
        return q;
    }

    /**
     * Barnes-Hut {@code Σ q² (y_i − y_j)} for the point at tree position {@code t} into {@code f[0..dim)};
     * returns {@code Σ q} (unnormalised), the point itself excluded.
     */
    double repulsion(int t, double theta2, double[] f, int[] stack) {
        double px = pts[3 * t];
        double py = pts[3 * t + 1];
        double pz = pts[3 * t + 2];
        double sum = 0;
        double fx = 0;
        double fy = 0;
        double fz = 0;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            int nb = node * CELL;
            int lb = node * LINK;
            int cnt = link[lb];
            double dx = px - cell[nb];
            double dy = py - cell[nb + 1];
            double dz = pz - cell[nb + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (cell[nb + 3] < theta2 * d2) {
                double q = 1 / (1 + d2);
                sum += cnt * q;
                double m = cnt * q * q;
                fx += m * dx;
                fy += m * dy;
                fz += m * dz;
                continue;
            }
            int fc = link[lb + 1];
            if (fc < 0) {
                int s0 = link[lb + 2];
                for (int s = s0; s < s0 + cnt; s++) {
                    if (s == t) {
                        continue;
                    }
                    double ex = px - pts[3 * s];
                    double ey = py - pts[3 * s + 1];
                    double ez = pz - pts[3 * s + 2];
                    double q = 1 / (1 + ex * ex + ey * ey + ez * ez);
                    sum += q;
                    double qq = q * q;
                    fx += qq * ex;
                    fy += qq * ey;
                    fz += qq * ez;
                }
                continue;
            }
            for (int q = fan - 1; q >= 0; q--) {
                if (link[(fc + q) * LINK] > 0) {
                    stack[sp++] = fc + q;
                }
            }
        }
        f[0] = fx;
        f[1] = fy;
        if (dim == 3) {
            f[2] = fz;
        }
        return sum;
    }
}
