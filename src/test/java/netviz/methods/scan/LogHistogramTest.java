package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogHistogramTest {

    @Test
    void defaultsHaveOneBinForNonPositiveAnd128LogBins() {
        LogHistogram h = LogHistogram.defaults();
        assertEquals(129, h.bins());
        LogHistogram.Binner b = h.binner();
        assertEquals(0, b.bin(0.0));
        assertEquals(0, b.bin(-3.0));
        assertEquals(1, b.bin(Double.MIN_VALUE));
        assertEquals(1, b.bin(Math.scalb(1.0, -40)));
        assertEquals(1, b.bin(Math.scalb(1.0, -16)));
        assertEquals(5, b.bin(Math.scalb(1.0, -15)));
        assertEquals(65, b.bin(1.0));
        assertEquals(128, b.bin(Math.nextDown(Math.scalb(1.0, 16))));
        assertEquals(128, b.bin(Math.scalb(1.0, 16)));
        assertEquals(128, b.bin(1e300));
    }

    @Test
    void everyLowerEdgeStartsItsBinAndTheValueBelowEndsThePreviousOne() {
        for (LogHistogram h : new LogHistogram[] {LogHistogram.defaults(), new LogHistogram(3, -5, 7), new LogHistogram(1, 0, 2)}) {
            LogHistogram.Binner b = h.binner();
            for (int i = 1; i < h.bins(); i++) {
                double edge = h.lowerEdge(i);
                assertEquals(i, b.bin(edge), h + " edge of bin " + i);
                if (i > 1) {
                    assertEquals(i - 1, b.bin(Math.nextDown(edge)), h + " below the edge of bin " + i);
                }
            }
        }
    }

    @Test
    void awayFromEdgesTheBinIsTheFloorOfTheScaledLogarithm() {
        LogHistogram h = new LogHistogram(4, -16, 16);
        LogHistogram.Binner b = h.binner();
        Random r = new Random(3);
        for (int t = 0; t < 10_000; t++) {
            double v = Math.pow(2, -20 + 40 * r.nextDouble());
            double k = (Math.log(v) / Math.log(2) - h.minExponent()) * h.binsPerOctave();
            if (Math.abs(k - Math.rint(k)) < 1e-9) {
                continue;
            }
            int want = 1 + (int) Math.max(0, Math.min(h.bins() - 2, Math.floor(k)));
            assertEquals(want, b.bin(v), "value " + v);
        }
    }

    @Test
    void rejectsEmptyRanges() {
        assertThrows(IllegalArgumentException.class, () -> new LogHistogram(4, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new LogHistogram(0, -1, 1));
    }
}
