package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netviz.NetvizException;
import org.junit.jupiter.api.Test;

class ValueRangeTest {

    @Test
    void minMaxSymmetricAndPercentile() {
        float[] v = {-1f, 0.5f, 3f, Float.NaN, 2f};
        assertEquals(new ValueRange(-1, 3), ValueRange.minMax(v));
        assertEquals(new ValueRange(-3, 3), ValueRange.symmetric(v));
        assertEquals(0.25, ValueRange.minMax(v).normalize(0), 1e-12);
        assertEquals(0.5, ValueRange.symmetric(v).normalize(0), 1e-12);
        assertEquals(0, ValueRange.minMax(v).normalize(-10), 0);
        assertEquals(1, ValueRange.minMax(v).normalize(10), 0);
        // numpy.percentile([0..100], 10) = 10, of [0..10] at 25 = 2.5
        float[] r = new float[101];
        for (int i = 0; i < r.length; i++) {
            r[i] = i;
        }
        assertEquals(new ValueRange(10, 90), ValueRange.percentile(r, 10, 90));
        float[] s = {10, 0, 5, 2, 8, 1, 3, 4, 6, 7, 9};
        assertEquals(2.5, ValueRange.percentile(s, 25, 75).lo(), 1e-12);
        assertEquals(7.5, ValueRange.percentile(s, 25, 75).hi(), 1e-12);
        assertEquals(new ValueRange(-9, 9), ValueRange.symmetricPercentile(new float[] {-10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0}, 0, 11, 90));
    }

    @Test
    void degenerateRangesAndOffsets() {
        ValueRange c = ValueRange.minMax(new float[] {2f, 2f});
        assertEquals(0.5, c.normalize(2), 0);
        assertEquals(new ValueRange(0, 0), ValueRange.minMax(new float[0]));
        assertEquals(new ValueRange(4, 5), ValueRange.minMax(new float[] {1, 9, 4, 5, -7}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ValueRange(1, 0));
    }

    @Test
    void parsesUserNormalisations() {
        float[] v = {-2f, 1f};
        assertEquals(new ValueRange(-2, 1), Normalization.parse("minmax").rangeOf(v));
        assertEquals(new ValueRange(-2, 2), Normalization.parse("symmetric").rangeOf(v));
        assertEquals(new ValueRange(-1, 4), Normalization.parse("-1,4").rangeOf(v));
        assertEquals(new ValueRange(-2, 1), Normalization.parse("p0-100").rangeOf(v));
        assertThrows(NetvizException.class, () -> Normalization.parse("loud"));
        assertThrows(NetvizException.class, () -> Normalization.parse("p5-200"));
    }

    @Test
    void ticksAreNiceAndFormatsCompact() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0},
                Ticks.nice(0, 1, 6), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-0.5, 0, 0.5},
                Ticks.nice(-0.52, 0.52, 5), 1e-12);
        assertEquals("0.5", Ticks.format(0.5, 3));
        assertEquals("-123", Ticks.format(-123.4, 3));
        assertEquals("1.2e-05", Ticks.format(0.0000123, 2));
        assertEquals("0", Ticks.format(0, 3));
    }

    /** The line under a map panel: empty, constant, near-constant (spread at most 0.1% of the size) or min and max. */
    @Test
    void mapLabelsSayWhatTheMapHolds() {
        assertEquals("empty map (all 0)", ValueRange.minMax(new float[] {0, 0, 0}).mapLabel());
        assertEquals("constant map (all 0.7)", ValueRange.minMax(new float[] {0.7f, 0.7f}).mapLabel());
        assertEquals("min 0, max 0.0055", new ValueRange(0, 0.0055).mapLabel());
        assertEquals("min -0.3, max 2", new ValueRange(-0.3, 2).mapLabel());
        assertEquals("near-constant map\nmin 0.999, max 0.9999", new ValueRange(0.999, 0.9999).mapLabel());
        // the threshold: spread <= 1e-3 of max(|lo|, |hi|)
        assertTrue(new ValueRange(1000, 1001).isNearConstant());
        assertFalse(new ValueRange(1000, 1001.01).isNearConstant());
        assertTrue(new ValueRange(-2, -1.999).isNearConstant());
        assertFalse(new ValueRange(0, 1e-6).isNearConstant(), "tiny but from 0: a real map at a small scale");
        assertFalse(new ValueRange(3, 3).isNearConstant(), "constant, not near-constant");
        assertEquals("near-constant map\nmin 0.5, max 0.50001", new ValueRange(0.5, 0.50001).mapLabel(),
                "as many digits as tell min from max");
    }
}
