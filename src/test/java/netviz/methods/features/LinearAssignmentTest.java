package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import netviz.OutOfRangeException;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    /** The least total over every injective map of rows into columns, by enumeration. */
    static double bruteForce(double[][] c) {
        return bruteForce(c, 0, new boolean[c[0].length]);
    }

    private static double bruteForce(double[][] c, int row, boolean[] taken) {
        if (row == c.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < taken.length; j++) {
            if (!taken[j]) {
                taken[j] = true;
                best = Math.min(best, c[row][j] + bruteForce(c, row + 1, taken));
                taken[j] = false;
            }
        }
        return best;
    }

    static void assertInjective(int[] a, int columns) {
        boolean[] seen = new boolean[columns];
        for (int j : a) {
            assertTrue(j >= 0 && j < columns, "column " + j);
            assertTrue(!seen[j], "column " + j + " used twice");
            seen[j] = true;
        }
    }

    @Test
    void optimalAgainstAllPermutationsUpToEight() {
        Random r = new Random(3);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + trial % 8;
            int m = n + (trial % 3 == 0 ? 0 : r.nextInt(9 - n));   // square and rectangular, m ≤ 8
            double[][] c = new double[n][m];
            for (double[] row : c) {
                for (int j = 0; j < m; j++) {
                    // ties on purpose in some trials: integer costs
                    row[j] = trial % 2 == 0 ? r.nextInt(4) : r.nextDouble() * 10 - 3;
                }
            }
            int[] a = LinearAssignment.solve(c);
            assertEquals(n, a.length);
            assertInjective(a, m);
            assertEquals(bruteForce(c), LinearAssignment.total(a, (i, j) -> c[i][j]), 1e-9, "trial " + trial + " " + n + "x" + m);
        }
    }

    @Test
    void aKnownSmallCaseAndEdgeCases() {
        // rows take columns 1, 0, 2: 1 + 2 + 2 = 5, the least of the six permutations
        double[][] c = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        int[] a = LinearAssignment.solve(c);
        assertArrayEquals(new int[] {1, 0, 2}, a);
        assertEquals(5, LinearAssignment.total(a, (i, j) -> c[i][j]));
        assertEquals(0, LinearAssignment.solve(new double[0][]).length);
        assertThrows(OutOfRangeException.class, () -> LinearAssignment.solve(3, 2, (i, j) -> 0));
        assertThrows(OutOfRangeException.class, () -> LinearAssignment.solve(2, 2, (i, j) -> i == j ? Double.NaN : 0));
    }
}
