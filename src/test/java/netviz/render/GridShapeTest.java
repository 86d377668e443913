package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GridShapeTest {

    @Test
    void classicShapes() {
        assertEquals(new GridShape(8, 8), GridShape.forCount(64));
        assertEquals(new GridShape(8, 12), GridShape.forCount(96));
        assertEquals(new GridShape(16, 32), GridShape.forCount(512));
        assertEquals(new GridShape(4, 4), GridShape.forCount(16));
        assertEquals(new GridShape(2, 4), GridShape.forCount(7));
        assertEquals(new GridShape(2, 5), GridShape.forCount(10));
        assertEquals(new GridShape(1, 3), GridShape.forCount(3));
        assertEquals(new GridShape(1, 1), GridShape.forCount(1));
        assertEquals(new GridShape(0, 0), GridShape.forCount(0));
        assertEquals(new GridShape(3, 5), GridShape.forCount(13));
        assertEquals(new GridShape(4, 3), GridShape.forCount(10, 3));
    }

    @Test
    void everyCountFitsWithFewEmptyCellsAndSaneAspect() {
        for (int n = 1; n <= 2048; n++) {
            GridShape s = GridShape.forCount(n);
            assertTrue(s.cells() >= n, "holds " + n);
            assertTrue(s.cells() - n < s.columns(), "no empty row for " + n);
            if (n > 5) {
                assertTrue(s.columns() >= s.rows() && s.columns() <= 2.5 * s.rows(), "aspect of " + n + ": " + s);
            }
        }
    }
}
