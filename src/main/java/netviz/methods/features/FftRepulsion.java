package netviz.methods.features;

import java.util.stream.IntStream;


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
 * taken relative to the square's centre. Everything runs in Java, in double: the FFTs are
 * {@link ComplexFft} on a power-of-two grid. The defaults (3 nodes per box, at least 50 boxes,
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
     * {@code sumQ[i] = Z_i} as defined above.
     */
    public void compute(double[] y, double[] force, double[] sumQ) {
        int n = y.length / 2;
        double lox = Double.POSITIVE_INFINITY;
        double hix = Double.NEGATIVE_INFINITY;
        double loy = Double.POSITIVE_INFINITY;
        double hiy = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lox = Math.min(lox, y[2 * i]);
            hix = Math.max(hix, y[2 * i]);
            loy = Math.min(loy, y[2 * i + 1]);
            hiy = Math.max(hiy, y[2 * i + 1]);
        }
        double cx = (lox + hix) / 2;
        double cy = (loy + hiy) / 2;
        double side = Math.max(Math.max(hix - lox, hiy - loy), 1e-9) * (1 + 1e-9);
        int boxes = Math.max(minBoxes, (int) Math.ceil(side * boxesPerUnit));
        int m = boxes * points;
        int fftSize = Integer.highestOneBit(Math.max(1, 2 * m - 2)) << 1;   // the power of two ≥ 2m − 1
        double box = side / boxes;
        double h = box / points;
        double x0 = cx - side / 2;
        double y0 = cy - side / 2;

        // box index and Lagrange weights of every point, per axis
        int[] cell = new int[2 * n];
        double[] weight = new double[2 * n * points];
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int c = 0; c < 2; c++) {
                double u = (y[2 * i + c] - (c == 0 ? x0 : y0)) / box;
                int b = Math.min(boxes - 1, Math.max(0, (int) Math.floor(u)));
                cell[2 * i + c] = b;
                lagrange(u - b, weight, (2 * i + c) * points);
            }
        });

        // spread the charges 1, y_x, y_y (relative to the centre) for the squared kernel and 1 for the kernel
        double[] charges = new double[4 * m * m];
        int plane = m * m;
        for (int i = 0; i < n; i++) {
            double px = y[2 * i] - cx;
            double py = y[2 * i + 1] - cy;
            int gx0 = cell[2 * i] * points;
            int gy0 = cell[2 * i + 1] * points;
            int wx = 2 * i * points;
            int wy = (2 * i + 1) * points;
            for (int a = 0; a < points; a++) {
                int row = (gx0 + a) * m + gy0;
                for (int b = 0; b < points; b++) {
                    double w = weight[wx + a] * weight[wy + b];
                    int g = row + b;
                    charges[g] += w;
                    charges[plane + g] += w * px;
                    charges[2 * plane + g] += w * py;
                    charges[3 * plane + g] += w;
                }
            }
        }

        // both kernels on node offsets, embedded circularly in fftSize × fftSize
        int sq = fftSize * fftSize;
        double[] kernel = new double[2 * sq];   // (1 + d²)⁻² then (1 + d²)⁻¹
        for (int dx = 0; dx < m; dx++) {
            for (int dy = 0; dy < m; dy++) {
                double d2 = h * h * ((double) dx * dx + (double) dy * dy);
                double v = 1 / (1 + d2);
                int xs = dx == 0 ? 0 : fftSize - dx;
                int ys = dy == 0 ? 0 : fftSize - dy;
                for (int kk = 0; kk < 2; kk++) {
                    double kv = kk == 0 ? v * v : v;
                    kernel[kk * sq + dx * fftSize + dy] = kv;
                    kernel[kk * sq + xs * fftSize + dy] = kv;
                    kernel[kk * sq + dx * fftSize + ys] = kv;
                    kernel[kk * sq + xs * fftSize + ys] = kv;
                }
            }
        }
        double[] potential = convolve(charges, m, kernel, fftSize);

        IntStream.range(0, n).parallel().forEach(i -> {
            double[] phi = new double[4];
            int gx0 = cell[2 * i] * points;
            int gy0 = cell[2 * i + 1] * points;
            int wx = 2 * i * points;
            int wy = (2 * i + 1) * points;
            for (int a = 0; a < points; a++) {
                int row = (gx0 + a) * m + gy0;
                for (int b = 0; b < points; b++) {
                    double w = weight[wx + a] * weight[wy + b];
                    int g = row + b;
                    for (int c = 0; c < 4; c++) {
                        phi[c] += w * potential[c * plane + g];
                    }
                }
            }
            double px = y[2 * i] - cx;
            double py = y[2 * i + 1] - cy;
            force[2 * i] = px * phi[0] - phi[1];
            force[2 * i + 1] = py * phi[0] - phi[2];
            sumQ[i] = phi[3] - 1;
        });
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

    /**
     * The four m × m charge planes convolved with the circular kernels (planes 0–2 with the first, plane 3
     * with the second) by 2-D FFTs of side {@code size} (a power of two). Two real planes travel as one
     * complex grid: planes 0 + i·1 share a kernel, so their product with its (real, even) spectrum
     * separates by itself; for planes 2 + i·3 the spectra are split by Hermitian symmetry,
     * {@code C = B (K₂ + K₁)/2 + conj(B(−k)) (K₂ − K₁)/2}. The two kernels travel as one grid too
     * ({@code K₂ + i K₁}; both spectra are real). Five 2-D transforms in all, skipping the rows that are
     * zero on the way in and the rows not read on the way out.
     */
    private static double[] convolve(double[] charges, int m, double[] kernel, int size) {
        ComplexFft fft = new ComplexFft(size);
        int sq = size * size;
        int plane = m * m;
        double[] ar = new double[sq];
        double[] ai = new double[sq];
        double[] br = new double[sq];
        double[] bi = new double[sq];
        for (int r = 0; r < m; r++) {
            System.arraycopy(charges, r * m, ar, r * size, m);
            System.arraycopy(charges, plane + r * m, ai, r * size, m);
            System.arraycopy(charges, 2 * plane + r * m, br, r * size, m);
            System.arraycopy(charges, 3 * plane + r * m, bi, r * size, m);
        }
        double[] kr = java.util.Arrays.copyOf(kernel, sq);
        double[] ki = java.util.Arrays.copyOfRange(kernel, sq, 2 * sq);
        transform2d(fft, ar, ai, m, false);
        transform2d(fft, br, bi, m, false);
        transform2d(fft, kr, ki, size, false);
        double[] cr = new double[sq];
        double[] ci = new double[sq];
        IntStream.range(0, size).parallel().forEach(r -> {
            int rn = (size - r) % size;
            for (int c = 0; c < size; c++) {
                int g = r * size + c;
                int gn = rn * size + (size - c) % size;
                double k2 = kr[g];
                double k1 = ki[g];
                ar[g] *= k2;
                ai[g] *= k2;
                double sum = (k2 + k1) / 2;
                double diff = (k2 - k1) / 2;
                cr[g] = br[g] * sum + br[gn] * diff;
                ci[g] = bi[g] * sum - bi[gn] * diff;
            }
        });
        transform2d(fft, ar, ai, m, true);
        transform2d(fft, cr, ci, m, true);
        double scale = 1.0 / sq;
        double[] out = new double[4 * plane];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                int g = r * size + c;
                int o = r * m + c;
                out[o] = ar[g] * scale;
                out[plane + o] = ai[g] * scale;
                out[2 * plane + o] = cr[g] * scale;
                out[3 * plane + o] = ci[g] * scale;
            }
        }
        return out;
    }

    /**
     * A 2-D transform of the size × size grid in place. Forward: the first {@code rows} rows (the others
     * are zero), then every column. Inverse: every column, then the first {@code rows} rows (the others
     * are not read).
     */
    private static void transform2d(ComplexFft fft, double[] re, double[] im, int rows, boolean inverse) {
        int size = fft.n;
        if (!inverse) {
            IntStream.range(0, rows).parallel().forEach(r -> fft.transform(re, im, r * size, false));
        }
        IntStream.range(0, size).parallel().forEach(c -> {
            double[] tr = new double[size];
            double[] ti = new double[size];
            for (int r = 0; r < size; r++) {
                tr[r] = re[r * size + c];
                ti[r] = im[r * size + c];
            }
            fft.transform(tr, ti, 0, inverse);
            for (int r = 0; r < size; r++) {
                re[r * size + c] = tr[r];
                im[r * size + c] = ti[r];
            }
        });
        if (inverse) {
            IntStream.range(0, rows).parallel().forEach(r -> fft.transform(re, im, r * size, true));
        }
    }

    @Override
    public String toString() {
        return "fft (" + points + " nodes per box, ≥ " + minBoxes + " boxes)";
    }
}
