package netviz.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void handComputedSummaries() {
        // truth:     0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        ConfusionMatrix m = new ConfusionMatrix(3);
        int[] t = {0, 0, 0, 1, 1, 2};
        int[] p = {0, 0, 1, 1, 2, 2};
        for (int i = 0; i < t.length; i++) {
            m.add(t[i], p[i]);
        }
        assertEquals(6, m.total());
        assertEquals(4, m.correct());
        assertEquals(4 / 6.0, m.accuracy(), 1e-12);
        assertArrayEquals(new long[] {3, 2, 1}, m.support());
        assertArrayEquals(new double[] {2 / 3.0, 1 / 2.0, 1.0}, m.recall(), 1e-12);
        assertArrayEquals(new double[] {1.0, 1 / 2.0, 1 / 2.0}, m.precision(), 1e-12);
        assertArrayEquals(new long[] {2, 1, 0}, m.counts()[0]);
    }

    @Test
    void emptyClassesGiveNaNAndBadIndicesAreRejected() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        m.add(0, 0);
        assertTrue(Double.isNaN(m.recall()[1]));
        assertTrue(Double.isNaN(m.precision()[1]));
        assertThrows(IllegalArgumentException.class, () -> m.add(2, 0));
        assertTrue(Double.isNaN(new ConfusionMatrix(2).accuracy()));
    }
}
