package netviz.methods.evaluation;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs of a classifier over a labelled dataset, with the
 * usual summaries: accuracy {@code Σ_c C[c][c] / Σ C}, per-class recall {@code C[c][c] / Σ_p C[c][p]}
 * and precision {@code C[c][c] / Σ_t C[t][c]} (NaN for a class with no examples, resp. no
 * predictions). Mutable while it is being filled ({@link #add}); {@link #counts()} returns a copy.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    /** An empty matrix for {@code classes} classes. */
    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least one class, got " + classes);
        }
        counts = new long[classes][classes];
    }

    /** A matrix holding a copy of {@code counts[true][predicted]}. */
    public static ConfusionMatrix of(long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int t = 0; t < counts.length; t++) {
            if (counts[t].length != counts.length) {
                throw new IllegalArgumentException("confusion matrix must be square");
            }
            System.arraycopy(counts[t], 0, m.counts[t], 0, counts.length);
        }
        return m;
    }

    public int classes() {
        return counts.length;
    }

    /** Records one example. */
    public void add(int truth, int predicted) {
        if (truth < 0 || truth >= counts.length || predicted < 0 || predicted >= counts.length) {
            throw new IllegalArgumentException("class index out of range 0.." + (counts.length - 1) + ": true "
                    + truth + ", predicted " + predicted);
        }
        counts[truth][predicted]++;
    }

    /** Adds the counts of another matrix of the same size. */
    public void addAll(ConfusionMatrix other) {
        if (other.classes() != classes()) {
            throw new IllegalArgumentException("cannot add a " + other.classes() + "-class matrix to a " + classes()
                    + "-class one");
        }
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts.length; p++) {
                counts[t][p] += other.counts[t][p];
            }
        }
    }

    /** {@code counts[true][predicted]} (a copy). */
    public long[][] counts() {
        long[][] c = new long[counts.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].clone();
        }
        return c;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** Number of examples. */
    public long total() {
        long s = 0;
        for (long[] row : counts) {
            for (long v : row) {
                s += v;
            }
        }
        return s;
    }

    /** Number of correctly classified examples (the trace). */
    public long correct() {
        long s = 0;
        for (int i = 0; i < counts.length; i++) {
            s += counts[i][i];
        }
        return s;
    }

    /** correct / total (NaN when empty). */
    public double accuracy() {
        long n = total();
        return n == 0 ? Double.NaN : (double) correct() / n;
    }

    /** Examples per true class. */
    public long[] support() {
        long[] s = new long[counts.length];
        for (int t = 0; t < counts.length; t++) {
            s[t] = Arrays.stream(counts[t]).sum();
        }
        return s;
    }

    /** Per-class recall C[c][c] / Σ_p C[c][p]. */
    public double[] recall() {
        double[] r = new double[counts.length];
        long[] support = support();
        for (int c = 0; c < r.length; c++) {
            r[c] = support[c] == 0 ? Double.NaN : (double) counts[c][c] / support[c];
        }
        return r;
    }

    /** Per-class precision C[c][c] / Σ_t C[t][c]. */
    public double[] precision() {
        double[] p = new double[counts.length];
        for (int c = 0; c < p.length; c++) {
            long col = 0;
            for (long[] row : counts) {
                col += row[c];
            }
            p[c] = col == 0 ? Double.NaN : (double) counts[c][c] / col;
        }
        return p;
    }

    @Override
    public String toString() {
        return "ConfusionMatrix(" + counts.length + " classes, " + total() + " examples, accuracy " + accuracy() + ")";
    }
}
