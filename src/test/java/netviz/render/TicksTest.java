package netviz.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tick labels tell the ticks apart and name values of the range: a colour bar over [0.9990,
 * 0.9999] does not read "1, 1, 1"; a range of one value is one colour and one tick.
 */
class TicksTest {

    /** Every label distinct, and the value it reads lies in the range (to the label's own rounding). */
    private static void assertHonest(double lo, double hi, double[] ticks) {
        String[] labels = Ticks.labels(ticks);
        assertTrue(ticks.length >= 2, "at least two ticks over [" + lo + ", " + hi + "]");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.length; i++) {
            assertTrue(seen.add(labels[i]), "label '" + labels[i] + "' repeats: " + List.of(labels));
            double read = Double.parseDouble(labels[i]);
            assertTrue(read >= lo - 1e-9 * (hi - lo) && read <= hi + 1e-9 * (hi - lo),
                    labels[i] + " outside [" + lo + ", " + hi + "]");
            assertEquals(ticks[i], read, (ticks[1] - ticks[0]) * 1e-3, "label '" + labels[i] + "' reads its tick's value");
        }
    }

    @Test
    void ticksOverANarrowRangeNearOneReadDistinctly() {
        ValueRange r = new ValueRange(0.9990, 0.9999);
        double[] vertical = ColorBar.fittingTicks(r, 224, 18, null);
        assertHonest(r.lo(), r.hi(), vertical);
        assertArrayEquals(new String[] {"0.999", "0.9992", "0.9994", "0.9996", "0.9998"}, Ticks.labels(vertical));
        assertHonest(r.lo(), r.hi(), ColorBar.fittingTicks(r, 224, 0, Canvas.font(11f)));
        // the former labels with three significant digits: 0.999, 0.999, 0.999, 1, 1
        assertEquals("1", Ticks.format(0.9996, 3));
    }

    @Test
    void ticksOverManyRangesAreDistinctAndInside() {
        double[][] ranges = {{0, 1}, {0, 0.0055}, {-0.4, 0.4}, {0.99903, 0.99991}, {1, 1.0000001}, {-3e-7, 2e-7},
            {12345.6, 12345.9}, {0.5, 0.50001}, {-1, -0.9999}};
        for (double[] lh : ranges) {
            for (int length : new int[] {24, 60, 224}) {
                ValueRange r = new ValueRange(lh[0], lh[1]);
                assertHonest(lh[0], lh[1], ColorBar.fittingTicks(r, length, 18, null));
                assertHonest(lh[0], lh[1], ColorBar.fittingTicks(r, Math.max(40, length), 0, Canvas.font(11f)));
            }
        }
    }

    @Test
    void ordinaryLabelsKeepThreeSignificantDigits() {
        assertArrayEquals(new String[] {"0", "0.2", "0.4", "0.6", "0.8", "1"},
                Ticks.labels(Ticks.nice(0, 1, 6)));
        assertArrayEquals(new String[] {"-0.4", "-0.2", "0", "0.2", "0.4"}, Ticks.labels(-0.4, -0.2, 0, 0.2, 0.4));
        assertArrayEquals(new String[] {"0.123", "45.7"}, Ticks.labels(0.12345, 45.678));
    }

    @Test
    void twoRoundValuesInsideAShortRange() {
        assertArrayEquals(new double[] {0.9991, 0.9999}, Ticks.inside(0.99903, 0.99991), 0);
        assertArrayEquals(new double[] {1.2, 3.4}, Ticks.inside(1.2, 3.4), 0);
        assertArrayEquals(new double[] {5}, Ticks.inside(5, 5), 0);
    }

    /** A range of one value: the strip is the one colour its values get, with a single tick. */
    @Test
    void aOneValueBarIsOneColour() {
        int colour = Colormap.MAGMA.rgb(0);
        BufferedImage bar = ColorBar.single(colour, 0, 100, "").image();
        int x = 1 + 7; // the middle of the 14-pixel strip
        Set<Integer> inStrip = new HashSet<>();
        for (int y = 0; y < bar.getHeight(); y++) {
            int c = bar.getRGB(x, y) & 0xffffff;
            if (c != 0xffffff && c != (Canvas.MUTED.getRGB() & 0xffffff)) {
                inStrip.add(c);
            }
        }
        assertEquals(Set.of(colour), inStrip);
        assertArrayEquals(new double[] {0.7}, ColorBar.fittingTicks(new ValueRange(0.7, 0.7), 100, 18, null), 0);
        BufferedImage viaRange = ColorBar.vertical(Colormap.VIRIDIS, new ValueRange(0.7, 0.7), 100, "").image();
        assertEquals(Colormap.VIRIDIS.rgb(0.5), viaRange.getRGB(x, viaRange.getHeight() / 2) & 0xffffff,
                "the colour a constant map's values get under a one-value range");
    }
}
