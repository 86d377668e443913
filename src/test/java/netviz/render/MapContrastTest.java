package netviz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MapContrastTest {

    @Test
    void aZeroMapIsEmpty() {
        MapContrast c = MapContrast.of(new float[] {0, 0, 0, -0f});
        assertEquals(MapContrast.Kind.EMPTY, c.kind());
        assertEquals(0.0, c.range().width());
        assertTrue(c.isBlank());
        assertEquals("the Grad-CAM map is empty (zero everywhere)", c.describe("the Grad-CAM map"));
        // NaN and infinities are ignored; a map of only those is empty too
        assertEquals(MapContrast.Kind.EMPTY, MapContrast.of(new float[] {0, Float.NaN, Float.POSITIVE_INFINITY}).kind());
        assertEquals(MapContrast.Kind.EMPTY, MapContrast.of(new float[] {Float.NaN}).kind());
    }

    @Test
    void aConstantNonZeroMapIsNearConstant() {
        MapContrast c = MapContrast.of(new float[] {2, 2, 2});
        assertEquals(MapContrast.Kind.NEAR_CONSTANT, c.kind());
        assertEquals(2.0, c.scale());
        assertEquals("the map is near-constant (values in [2, 2])", c.describe("the map"));
        // a spread of 0.0005 on a magnitude of 1: below 1e-3 relative
        assertEquals(MapContrast.Kind.NEAR_CONSTANT, MapContrast.of(new float[] {1f, 0.9995f}).kind());
        assertEquals(MapContrast.Kind.VARYING, MapContrast.of(new float[] {1f, 0.998f}).kind());
    }

    @Test
    void aMapSmallAgainstAGivenScaleIsNearConstant() {
        float[] faint = {0, 0.0055f, 0.001f, 0};
        assertEquals(MapContrast.Kind.VARYING, MapContrast.of(faint).kind(), "against itself it varies");
        MapContrast c = MapContrast.of(faint, 0, faint.length, 10, MapContrast.DEFAULT_TOLERANCE);
        assertEquals(MapContrast.Kind.NEAR_CONSTANT, c.kind(), "0.0055 <= 1e-3 * 10");
        assertEquals(0.0055, c.range().hi(), 1e-7);
        assertFalse(MapContrast.of(faint, 0, faint.length, 5, MapContrast.DEFAULT_TOLERANCE).isBlank(), "0.0055 > 0.005");
        assertNull(MapContrast.of(faint).describe("x"));
    }

    @Test
    void slicesAndScaleOfABatch() {
        float[] batch = {0, 0, 1, 3, -4, 4};
        assertEquals(4.0, MapContrast.magnitude(batch));
        assertEquals(MapContrast.Kind.EMPTY, MapContrast.of(batch, 0, 2, Double.NaN, 1e-3).kind());
        assertEquals(MapContrast.Kind.VARYING, MapContrast.of(batch, 2, 2, Double.NaN, 1e-3).kind());
        assertThrows(IllegalArgumentException.class, () -> MapContrast.of(batch, 0, 2, Double.NaN, -1));
    }
}
