package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import netviz.OutOfRangeException;
import org.junit.jupiter.api.Test;

class GridAssignmentTest {

    /** Squared distance of point i (normalised to the grid) to the centre of cell, as GridAssignment defines it. */
    static double cost(double[] xy, int rows, int cols, int i, int cell) {
        double[] u = GridAssignment.normalised(xy, 0, cols);
        double[] v = GridAssignment.normalised(xy, 1, rows);
        double dx = u[i] - (cell % cols + 0.5);
        double dy = v[i] - (rows - 1 - cell / cols + 0.5);
        return dx * dx + dy * dy;
    }

    /** Points on cell centres, shuffled: the assignment puts each back on its own cell (cost 0). */
    @Test
    void pointsOnCellCentresGoBackToTheirCells() {
        int rows = 3;
        int cols = 5;
        double[] xy = new double[rows * cols * 2];
        int[] truth = new int[rows * cols];
        int[] order = {7, 2, 14, 0, 9, 11, 3, 5, 13, 1, 8, 12, 4, 6, 10};
        for (int i = 0; i < order.length; i++) {
            int cell = order[i];
            truth[i] = cell;
            xy[2 * i] = 10 + 2 * (cell % cols);            // x: column, any scale and offset
            xy[2 * i + 1] = -4 + 2 * (rows - 1 - cell / cols); // y upwards: row 0 is the top
        }
        assertArrayEquals(truth, GridAssignment.assign(xy, rows, cols));
    }

    @Test
    void optimalAgainstBruteForceOnSmallGrids() {
        Random r = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int rows = 1 + r.nextInt(3);
            int cols = 1 + r.nextInt(3);
            int cells = rows * cols;
            int n = 1 + r.nextInt(Math.min(cells, 8));
            double[] xy = new double[2 * n];
            for (int i = 0; i < xy.length; i++) {
                xy[i] = r.nextGaussian();
            }
            int[] a = GridAssignment.assign(xy, rows, cols);
            double[][] c = new double[n][cells];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < cells; j++) {
                    c[i][j] = cost(xy, rows, cols, i, j);
                }
            }
            LinearAssignmentTest.assertInjective(a, cells);
            assertEquals(LinearAssignmentTest.bruteForce(c), LinearAssignment.total(a, (i, j) -> c[i][j]), 1e-9,
                    "trial " + trial + ": " + n + " points on " + rows + " x " + cols);
        }
    }

    /** A thousand clustered points: every point drawn once, on a square grid with spare cells and on an exact 25 × 40 one. */
    @Test
    void aThousandPointsEachGetTheirOwnCell() {
        Random r = new Random(12);
        double[] xy = new double[2000];
        for (int i = 0; i < 1000; i++) {
            int cluster = i % 5;
            xy[2 * i] = cluster * 3 + r.nextGaussian() * 0.5;
            xy[2 * i + 1] = (cluster % 2) * 4 + r.nextGaussian() * 0.5;
        }
        int side = GridAssignment.side(1000);
        assertEquals(32, side);
        int[] square = GridAssignment.assign(xy, side, side);
        LinearAssignmentTest.assertInjective(square, side * side);
        int[] exact = GridAssignment.assign(xy, 25, 40);
        LinearAssignmentTest.assertInjective(exact, 1000);   // 1000 distinct cells of 1000: every cell used once
        assertEquals(1000, exact.length);
        // the points' left-to-right order survives: the leftmost cluster's mean column is the smallest
        double[] meanCol = new double[5];
        for (int i = 0; i < 1000; i++) {
            meanCol[i % 5] += (exact[i] % 40) / 200.0;
        }
        for (int k = 1; k < 5; k++) {
            assertTrue(meanCol[k] > meanCol[k - 1], "cluster " + k + " is right of cluster " + (k - 1));
        }
    }

    @Test
    void tooSmallAGridIsRefused() {
        OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> GridAssignment.assign(new double[20], 3, 3));
        assertEquals("a grid of 3 x 3 cells cannot hold 10 images; it needs at least 10 cells (e.g. 4 x 4)", e.getMessage());
        assertEquals(1, GridAssignment.side(1));
        assertEquals(4, GridAssignment.side(10));
    }
}
