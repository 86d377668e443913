package netviz.methods.features;

import java.util.Arrays;
import netviz.OutOfRangeException;

/**
 * The linear assignment problem: given costs c(i, j) for n rows and m ≥ n columns, the injective
 * map σ from rows to columns minimising Σ_i c(i, σ(i)). Solved exactly by the shortest augmenting
 * path method with dual potentials (Jonker and Volgenant, "A shortest augmenting path algorithm for
 * dense and sparse linear assignment problems", Computing 38, 1987; the O(n²·m) form of the
 * Hungarian method of Kuhn 1955 and Munkres 1957): each row is added by a Dijkstra search on the
 * reduced costs c(i, j) − u_i − v_j ≥ 0, and the potentials are updated so that they stay
 * feasible. A rectangular problem (n &lt; m) is solved as the square one padded with m − n dummy
 * rows of cost 0, without building them. Costs come from a function, so an n × m matrix need not
 * be stored (the grid assignment computes squared distances on the fly).
 */
public final class LinearAssignment {

    /** The cost of assigning row {@code i} to column {@code j}; finite. */
    @FunctionalInterface
    public interface Cost {
        double at(int i, int j);
    }

    private LinearAssignment() {
    }

    /** The optimal assignment of a dense matrix {@code cost[i][j]} (n rows of m ≥ n columns): column of each row. */
    public static int[] solve(double[][] cost) {
        int n = cost.length;
        int m = n == 0 ? 0 : cost[0].length;
        for (double[] row : cost) {
            if (row.length != m) {
                throw new IllegalArgumentException("a cost matrix needs rows of equal length, not " + row.length
                        + " and " + m);
            }
        }
        return solve(n, m, (i, j) -> cost[i][j]);
    }

    /**
     * The optimal assignment of {@code rows} rows to {@code columns} ≥ rows columns.
     *
     * @return for each row, its column (distinct columns)
     */
    public static int[] solve(int rows, int columns, Cost cost) {
        if (rows < 0 || columns < rows) {
            throw new OutOfRangeException("an assignment of " + rows + " rows needs at least as many columns, not "
                    + columns);
        }
        int n = rows;
        int m = columns;
        // 1-based: column 0 and row 0 are the search's virtual start
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] owner = new int[m + 1];          // row assigned to column j (0: free)
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            owner[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = owner[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double c = cost.at(i0 - 1, j - 1);
                        if (!Double.isFinite(c)) {
                            throw new OutOfRangeException("assignment cost (" + (i0 - 1) + ", " + (j - 1) + ") is " + c
                                    + "; costs must be finite");
                        }
                        double cur = c - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[owner[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (owner[j0] != 0);
            do {
                int j1 = way[j0];
                owner[j0] = owner[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] out = new int[n];
        for (int j = 1; j <= m; j++) {
            if (owner[j] != 0) {
                out[owner[j] - 1] = j - 1;
            }
        }
        return out;
    }

    /** Σ_i cost(i, assignment[i]). */
    public static double total(int[] assignment, Cost cost) {
        double s = 0;
        for (int i = 0; i < assignment.length; i++) {
            s += cost.at(i, assignment[i]);
        }
        return s;
    }
}
