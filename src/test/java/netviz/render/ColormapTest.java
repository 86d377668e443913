package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netviz.UnknownNameException;
import org.junit.jupiter.api.Test;

class ColormapTest {

    private static int[] rgb(int c) {
        return new int[] {(c >> 16) & 255, (c >> 8) & 255, c & 255};
    }

    @Test
    void endpointsMatchThePublishedTables() {
        // viridis[0] = (0.267004, 0.004874, 0.329415), viridis[255] = (0.993248, 0.906157, 0.143936)
        assertEquals(68 << 16 | 1 << 8 | 84, Colormap.VIRIDIS.rgb(0));
        assertEquals(253 << 16 | 231 << 8 | 37, Colormap.VIRIDIS.rgb(1));
        // magma[0] = (0.001462, 0.000466, 0.013866), magma[255] = (0.987053, 0.991438, 0.749504)
        assertEquals(0 << 16 | 0 << 8 | 4, Colormap.MAGMA.rgb(0));
        assertEquals(252 << 16 | 253 << 8 | 191, Colormap.MAGMA.rgb(1));
        assertEquals(256, Colormap.VIRIDIS.size());
        assertEquals(256, Colormap.MAGMA.size());
        assertEquals(0x000000, Colormap.GRAY.rgb(0));
        assertEquals(0xffffff, Colormap.GRAY.rgb(1));
        assertEquals(0x053061, Colormap.DIVERGING.rgb(0));
        assertEquals(0x67001f, Colormap.DIVERGING.rgb(1));
        assertEquals(0xffffff, Colormap.DIVERGING.rgb(0.5));
    }

    @Test
    void clampsAndRoundsToTheNearestEntry() {
        assertEquals(Colormap.VIRIDIS.rgb(0), Colormap.VIRIDIS.rgb(-3));
        assertEquals(Colormap.VIRIDIS.rgb(1), Colormap.VIRIDIS.rgb(7));
        assertEquals(Colormap.VIRIDIS.rgb(0), Colormap.VIRIDIS.rgb(Double.NaN));
        for (int i = 0; i < 256; i++) {
            int c = Colormap.GRAY.rgb(i / 255.0);
            assertEquals(i << 16 | i << 8 | i, c);
        }
        // round(0.3 * 255) = 77
        assertEquals(77 << 16 | 77 << 8 | 77, Colormap.GRAY.rgb(0.3));
    }

    @Test
    void sequentialMapsGetLighterAndDivergingMapGoesBlueWhiteRed() {
        for (Colormap m : new Colormap[] {Colormap.VIRIDIS, Colormap.MAGMA, Colormap.GRAY}) {
            double prev = -1;
            for (int i = 0; i <= 16; i++) {
                int[] c = rgb(m.rgb(i / 16.0));
                double luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
                assertTrue(luma > prev, m + " luma must rise at " + i);
                prev = luma;
            }
        }
        int[] low = rgb(Colormap.DIVERGING.rgb(0.1));
        int[] high = rgb(Colormap.DIVERGING.rgb(0.9));
        assertTrue(low[2] > low[0], "low values are blue");
        assertTrue(high[0] > high[2], "high values are red");
        assertTrue(Colormap.DIVERGING.isDiverging());
    }

    @Test
    void namesAndReversal() {
        assertEquals(Colormap.GRAY, Colormap.byName("Grey"));
        assertEquals(Colormap.DIVERGING, Colormap.byName("rdbu"));
        assertEquals(Colormap.VIRIDIS.rgb(0), Colormap.VIRIDIS.reversed().rgb(1));
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Colormap.byName("virdis"));
        assertEquals("viridis", e.suggestions().get(0));
    }
}
