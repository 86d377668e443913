package netviz.methods.features;



/**
 * The repulsive forces of 2-D t-SNE by FFT-accelerated interpolation (FIt-SNE: Linderman, Rachh, Hoskins,
 * Steinerberger &amp; Kluger 2019, "Fast interpolation-based t-SNE for improved visualization of
 * single-cell RNA-seq data", Nature Methods 16). For every point it computes
 * <pre>
 *   Z_i = Σ_{j≠i} (1 + ‖y_i − y_j‖²)⁻¹          F_i = Σ_{j≠i} (1 + ‖y_i − y_j‖²)⁻² (y_i − y_j)
 * </pre>
 * in O(N + G log G) instead of O(N²). The embedding's bounding square is cut into {@code B × B} boxes
 * (at least {@code minBoxes} per side, and at most {@code 1 / boxesPerUnit} wide); each box carries
 * {@code p × p} equispaced interpolation nodes, so all nodes form one equispaced grid of
 * {@code G = (B·p)²} nodes. Each point spreads its charges {@code 1, y_x, y_y} onto the nodes of its box
 * with Lagrange weights; the potentials {@code φ_c(g) = Σ_g' K(g − g') w_c(g')} of the kernel
 * {@code K(d) = (1 + ‖d‖²)⁻²} on the grid are a Toeplitz convolution, done by FFT on a zero-padded grid of
 * side at least {@code 2Bp − 1}; the same Lagrange weights interpolate the potentials back to the points.
 * Then {@code F_i = y_i φ_1 − (φ_x, φ_y)}. {@code Z_i} is the potential of charge 1 under
 * {@code (1 + ‖d‖²)⁻¹}, minus 1 for j = i (FIt-SNE instead expands it through the squared kernel with a
 * fourth charge {@code ‖y‖²}, which loses digits to cancellation far from the origin). Coordinates are
 * taken relative to the square's centre. Everything runs in Java, in double: the FFTs are {@link ComplexFft}
 * (mixed radix) on a grid of side {@code 2Bp − 1} rounded up to the next {@code 2^a·3^b·5^c}, as 2-D transforms
 * done as batched column transforms and tiled transposes, skipping the zero half of the padded charges and
 * computing the kernels' (real, even) spectra on half the columns; loops over points, boxes and columns are
 * cut into chunks on a {@link Parallel} pool, each chunk owning its outputs (points are bucketed by box
 * column so that chunks spread onto disjoint grid rows), so the result does not depend on the thread count.
 * Work arrays are kept from one call to the next while the grid size stays. The defaults (3 nodes per box,
 * at least 50 boxes,
 * boxes at most 1 unit wide) are FIt-SNE's and openTSNE's.
 */
public final class FftRepulsion {
    /** Interpolation nodes per box side (FIt-SNE: 3). */
    public static final int DEFAULT_POINTS = 3;
    /** The fewest boxes per side (FIt-SNE: 50). */
    public static final int DEFAULT_MIN_BOXES = 50;

    private final int points;
    private final int minBoxes;
    private final double boxesPerUnit;
    private final double[] nodes;     // node positions in the unit box
    private final double[] denom;     // Lagrange denominators Π_{l≠j} (x_j − x_l)

    /** FIt-SNE's defaults: 3 nodes per box, at least 50 boxes per side, boxes at most 1 unit wide. */
    public FftRepulsion() {
        this(DEFAULT_POINTS, DEFAULT_MIN_BOXES, 1);
    }

    /**
     * @param points       interpolation nodes per box side (≥ 1; more is more accurate)
     * @param minBoxes     the fewest boxes per side
     * @param boxesPerUnit the fewest boxes per unit of embedding length (FIt-SNE: 1)
     */
    public FftRepulsion(int points, int minBoxes, double boxesPerUnit) {
        if (points < 1 || minBoxes < 1 || !(boxesPerUnit > 0)) {
            throw new IllegalArgumentException("FFT repulsion needs ≥ 1 node per box, ≥ 1 box and a positive box density, got "
                    + points + ", " + minBoxes + ", " + boxesPerUnit);
        }
        this.points = points;
        this.minBoxes = minBoxes;
        this.boxesPerUnit = boxesPerUnit;
        this.nodes = new double[points];
        this.denom = new double[points];
        for (int j = 0; j < points; j++) {
            nodes[j] = (j + 0.5) / points;
        }
        for (int j = 0; j < points; j++) {
            double d = 1;
            for (int l = 0; l < points; l++) {
                if (l != j) {
                    d *= nodes[j] - nodes[l];
                }
            }
            denom[j] = d;
        }
    }

    /**
     * For the 2-D embedding {@code y} (n × 2 row-major): {@code force[i*2 + c] = F_i,c} and
     * {@code sumQ[i] = Z_i} as defined above, on the caller's thread.
     */
    public void compute(double[] y, double[] force, double[] sumQ) {
        compute(y, force, sumQ, Parallel.SERIAL);
    }

    /** As {@link #compute(double[], double[], double[])}, with the loops and transforms on {@code par}. */
    synchronized void compute(double[] y, double[] force, double[] sumQ, Parallel par) {
        int n = y.length / 2;
        double[] bounds = bounds(y);
        double cx = (bounds[0] + bounds[1]) / 2;
        double cy = (bounds[2] + bounds[3]) / 2;
        double side = side(bounds);
        int boxes = boxes(side);
        int m = boxes * points;
        Grid g = grid(m, n);
        int size = g.size;
        double box = side / boxes;
        double h = box / points;
        double x0 = cx - side / 2;
        double y0 = cy - side / 2;

        // box index and Lagrange weights of every point, per axis
        int[] cell = g.cell;
        double[] weight = g.weight;
        par.forRange(n, POINT_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int c = 0; c < 2; c++) {
                    double u = (y[2 * i + c] - (c == 0 ? x0 : y0)) / box;
                    int b = Math.min(boxes - 1, Math.max(0, (int) Math.floor(u)));
                    cell[2 * i + c] = b;
                    lagrange(u - b, weight, (2 * i + c) * points);
                }
            }
        });
        // points by x box (stable): points of different x boxes spread onto different grid rows
        int[] boxStart = new int[boxes + 1];
        for (int i = 0; i < n; i++) {
            boxStart[cell[2 * i] + 1]++;
        }
        for (int b = 0; b < boxes; b++) {
            boxStart[b + 1] += boxStart[b];
        }
        int[] fill = java.util.Arrays.copyOf(boxStart, boxes);
        int[] order = g.order;
        for (int i = 0; i < n; i++) {
            order[fill[cell[2 * i]]++] = i;
        }

        // spread the charges 1, y_x, y_y (relative to the centre) for the squared kernel and 1 for the kernel
        // onto the m × m nodes: plane A = (1, y_x) as (re, im), plane B = (y_y, 1); rows = x node, columns = y node
        double[] ar = g.ar;
        double[] ai = g.ai;
        double[] br = g.br;
        double[] bi = g.bi;
        par.forRange(boxes, BOX_GRAIN, (lo, hi) -> {
            java.util.Arrays.fill(ar, lo * points * m, hi * points * m, 0);
            java.util.Arrays.fill(ai, lo * points * m, hi * points * m, 0);
            java.util.Arrays.fill(br, lo * points * m, hi * points * m, 0);
            java.util.Arrays.fill(bi, lo * points * m, hi * points * m, 0);
            for (int t = boxStart[lo]; t < boxStart[hi]; t++) {
                int i = order[t];
                double px = y[2 * i] - cx;
                double py = y[2 * i + 1] - cy;
                int gx0 = cell[2 * i] * points;
                int gy0 = cell[2 * i + 1] * points;
                int wx = 2 * i * points;
                int wy = (2 * i + 1) * points;
                for (int a = 0; a < points; a++) {
                    int row = (gx0 + a) * m + gy0;
                    double wa = weight[wx + a];
                    for (int b = 0; b < points; b++) {
                        double w = wa * weight[wy + b];
                        int q = row + b;
                        ar[q] += w;
                        ai[q] += w * px;
                        br[q] += w * py;
                        bi[q] += w;
                    }
                }
            }
        });
        par.forRange(size - m, ROW_GRAIN, (lo, hi) -> {
            java.util.Arrays.fill(ar, (m + lo) * m, (m + hi) * m, 0);
            java.util.Arrays.fill(ai, (m + lo) * m, (m + hi) * m, 0);
            java.util.Arrays.fill(br, (m + lo) * m, (m + hi) * m, 0);
            java.util.Arrays.fill(bi, (m + lo) * m, (m + hi) * m, 0);
        });

        forward(g, ar, ai, g.tar, g.tai, m, par);
        forward(g, br, bi, g.tbr, g.tbi, m, par);
        kernelSpectrum(g, m, h, par);   // after the charges: it ends in the work buffers they use
        multiply(g, par);
        inverse(g, g.tar, g.tai, ar, ai, m, par);
        inverse(g, g.kr, g.ki, br, bi, m, par);

        double scale = 1.0 / ((double) size * size);
        par.forRange(n, POINT_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double p0 = 0;
                double p1 = 0;
                double p2 = 0;
                double p3 = 0;
                int gx0 = cell[2 * i] * points;
                int gy0 = cell[2 * i + 1] * points;
                int wx = 2 * i * points;
                int wy = (2 * i + 1) * points;
                for (int a = 0; a < points; a++) {
                    int row = (gx0 + a) * m + gy0;
                    double wa = weight[wx + a];
                    for (int b = 0; b < points; b++) {
                        double w = wa * weight[wy + b];
                        int q = row + b;
                        p0 += w * ar[q];
                        p1 += w * ai[q];
                        p2 += w * br[q];
                        p3 += w * bi[q];
                    }
                }
                double px = y[2 * i] - cx;
                double py = y[2 * i + 1] - cy;
                force[2 * i] = (px * p0 - p1) * scale;
                force[2 * i + 1] = (py * p0 - p2) * scale;
                sumQ[i] = p3 * scale - 1;
            }
        });
    }

    /**
     * The side of the zero-padded FFT grid that {@link #compute} would transform for the 2-D embedding
     * {@code y}: {@code 2Bp − 1} rounded up to the next {@code 2^a·3^b·5^c}. Its square is what the FFTs
     * cost; t-SNE's automatic method compares it with the number of points.
     */
    int paddedSide(double[] y) {
        return ComplexFft.goodSize(2 * boxes(side(bounds(y))) * points - 1);
    }

    /** min x, max x, min y, max y of the 2-D embedding. */
    private static double[] bounds(double[] y) {
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < y.length / 2; i++) {
            b[0] = Math.min(b[0], y[2 * i]);
            b[1] = Math.max(b[1], y[2 * i]);
            b[2] = Math.min(b[2], y[2 * i + 1]);
            b[3] = Math.max(b[3], y[2 * i + 1]);
        }
        return b;
    }

    /** The side of the bounding square, a hair wider so that the last point falls inside the last box. */
    private static double side(double[] bounds) {
        return Math.max(Math.max(bounds[1] - bounds[0], bounds[3] - bounds[2]), 1e-9) * (1 + 1e-9);
    }

    private int boxes(double side) {
        return Math.max(minBoxes, (int) Math.ceil(side * boxesPerUnit));
    }

    /** Lagrange basis polynomials of the box's nodes at {@code t ∈ [0, 1]} into {@code out[off..off+p)}. */
    private void lagrange(double t, double[] out, int off) {
        for (int j = 0; j < points; j++) {
            double v = 1;
            for (int l = 0; l < points; l++) {
                if (l != j) {
                    v *= t - nodes[l];
                }
            }
            out[off + j] = v / denom[j];
        }
    }

    private static final int POINT_GRAIN = 1024;
    private static final int BOX_GRAIN = 4;
    private static final int ROW_GRAIN = 64;
    private static final int MIN_COLUMN_GRAIN = 64;
    private static final int TILE = 32;

    /** Work arrays for one grid size, kept from one call to the next (t-SNE calls this once per iteration). */
    private static final class Grid {
        final int m;
        final int size;
        final ComplexFft fft;
        final double[] ar;
        final double[] ai;
        final double[] br;
        final double[] bi;
        final double[] tar;
        final double[] tai;
        final double[] tbr;
        final double[] tbi;
        final double[] kr;
        final double[] ki;
        final double[] wr;
        final double[] wi;
        int[] cell = new int[0];
        double[] weight = new double[0];
        int[] order = new int[0];

        Grid(int m) {
            this.m = m;
            this.size = ComplexFft.goodSize(2 * m - 1);
            this.fft = new ComplexFft(size);
            int tall = size * m;
            int sq = size * size;
            ar = new double[tall];
            ai = new double[tall];
            br = new double[tall];
            bi = new double[tall];
            tar = new double[sq];
            tai = new double[sq];
            tbr = new double[sq];
            tbi = new double[sq];
            kr = new double[sq];
            ki = new double[sq];
            wr = new double[sq];
            wi = new double[sq];
        }
    }

    private Grid grid;

    private Grid grid(int m, int n) {
        if (grid == null || grid.m != m) {
            grid = null;
            grid = new Grid(m);
        }
        if (grid.cell.length != 2 * n) {
            grid.cell = new int[2 * n];
            grid.weight = new double[2 * n * points];
            grid.order = new int[n];
        }
        return grid;
    }

    /** The columns of the size × width matrix re/im transformed along its rows' axis, columns in parallel. */
    private static void columns(Grid g, double[] re, double[] im, int width, boolean inverse, Parallel par) {
        par.forRange(width, columnGrain(width, par), (lo, hi) -> g.fft.columns(re, im, g.wr, g.wi, width, lo, hi, inverse));
    }

    /**
     * Columns per task: long runs keep the butterflies' loops efficient (measured on 1080 × 1080: 5.7 GFLOP/s
     * transforming all columns at once, 4 GFLOP/s in runs of 32), two tasks per thread balance the load. Each
     * column's arithmetic is the same whatever the split, so the result does not depend on the thread count.
     */
    private static int columnGrain(int width, Parallel par) {
        return Math.max(MIN_COLUMN_GRAIN, (width + 2 * par.threads - 1) / (2 * par.threads));
    }

    /** {@code dst[c][r] = src[r][c]} for r &lt; rows, c &lt; cols (dst rows {@code dstWidth} wide), in tiles. */
    private static void transpose(double[] sr, double[] si, int rows, int cols, double[] dr, double[] di, int dstWidth,
                                  Parallel par) {
        par.forRange(cols, TILE, (c0, c1) -> {
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int o = c * dstWidth;
                    for (int r = r0; r < r1; r++) {
                        dr[o + r] = sr[r * cols + c];
                        di[o + r] = si[r * cols + c];
                    }
                }
            }
        });
    }

    /**
     * The 2-D transform of the charge plane {@code re/im} (size × m, rows ≥ m zero) zero-padded to size × size,
     * into {@code tr/ti} as [k_y][k_x] (transposed).
     */
    private static void forward(Grid g, double[] re, double[] im, double[] tr, double[] ti, int m, Parallel par) {
        int size = g.size;
        columns(g, re, im, m, false, par);
        transpose(re, im, size, m, tr, ti, size, par);
        par.forRange(size - m, ROW_GRAIN, (lo, hi) -> {
            java.util.Arrays.fill(tr, (m + lo) * size, (m + hi) * size, 0);
            java.util.Arrays.fill(ti, (m + lo) * size, (m + hi) * size, 0);
        });
        columns(g, tr, ti, size, false, par);
    }

    /** The inverse of {@link #forward} (unscaled), keeping the m × m nodes: {@code tr/ti} → {@code re/im}. */
    private static void inverse(Grid g, double[] tr, double[] ti, double[] re, double[] im, int m, Parallel par) {
        int size = g.size;
        columns(g, tr, ti, size, true, par);
        transpose(tr, ti, m, size, re, im, m, par);
        columns(g, re, im, m, true, par);
    }

    /**
     * The spectra of both kernels on node offsets, embedded circularly in size × size, as one complex grid
     * {@code (1 + d²)⁻² + i (1 + d²)⁻¹}, into {@code wr/wi} in the transposed layout of {@link #forward}, valid
     * in the columns {@code k ≤ size/2} (column {@code size − k} equals column k). Both kernels are real and
     * even along each axis, so their spectra are real and every transform along an axis gives equal columns
     * k and size − k: each pass transforms only the first half of the columns.
     */
    private static void kernelSpectrum(Grid g, int m, double h, Parallel par) {
        int size = g.size;
        int half = size / 2 + 1;
        double[] kr = g.kr;
        double[] ki = g.ki;
        par.forRange(size, ROW_GRAIN, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int dx = r < m ? r : r > size - m ? size - r : -1;
                int o = r * size;
                java.util.Arrays.fill(kr, o, o + half, 0);
                java.util.Arrays.fill(ki, o, o + half, 0);
                if (dx < 0) {
                    continue;
                }
                for (int dy = 0; dy < Math.min(m, half); dy++) {
                    double v = 1 / (1 + h * h * ((double) dx * dx + (double) dy * dy));
                    kr[o + dy] = v * v;
                    ki[o + dy] = v;
                }
            }
        });
        par.forRange(half, columnGrain(half, par), (lo, hi) -> g.fft.columns(kr, ki, g.wr, g.wi, size, lo, hi, false));
        // rows k ≤ size/2 of the half-done kernel, all columns (mirrored), become the work buffers' first columns
        par.forRange(size, TILE, (c0, c1) -> {
            for (int r0 = 0; r0 < half; r0 += TILE) {
                int r1 = Math.min(half, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int o = c * size;
                    int cs = c < half ? c : size - c;
                    for (int r = r0; r < r1; r++) {
                        g.wr[o + r] = kr[r * size + cs];
                        g.wi[o + r] = ki[r * size + cs];
                    }
                }
            }
        });
        par.forRange(half, columnGrain(half, par), (lo, hi) -> g.fft.columns(g.wr, g.wi, kr, ki, size, lo, hi, false));
    }

    /**
     * Products with the kernel spectra: plane A (1, y_x) both with the squared kernel's, so its two real
     * planes separate by themselves; plane B's (y_y with the squared kernel, 1 with the kernel) split by
     * Hermitian symmetry, {@code C = B (K₂ + K₁)/2 + conj(B(−k)) (K₂ − K₁)/2}, into {@code kr/ki}.
     */
    private static void multiply(Grid g, Parallel par) {
        int size = g.size;
        double[] ar = g.tar;
        double[] ai = g.tai;
        double[] br = g.tbr;
        double[] bi = g.tbi;
        double[] kr = g.kr;
        double[] ki = g.ki;
        double[] wr = g.wr;
        double[] wi = g.wi;
        int half = size / 2 + 1;
        par.forRange(size, ROW_GRAIN / 4, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int rn = (size - r) % size;
                for (int c = 0; c < size; c++) {
                    int q = r * size + c;
                    int qn = rn * size + (size - c) % size;
                    int qk = r * size + (c < half ? c : size - c);
                    double k2 = wr[qk];
                    double k1 = wi[qk];
                    ar[q] *= k2;
                    ai[q] *= k2;
                    double sum = (k2 + k1) / 2;
                    double diff = (k2 - k1) / 2;
                    kr[q] = br[q] * sum + br[qn] * diff;
                    ki[q] = bi[q] * sum - bi[qn] * diff;
                }
            }
        });
    }

    @Override
    public String toString() {
        return "fft (" + points + " nodes per box, ≥ " + minBoxes + " boxes)";
    }
}
