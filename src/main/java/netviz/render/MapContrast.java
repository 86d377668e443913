package netviz.render;

/**
 * Whether a map has anything to show, so that a figure can say so instead of drawing a black or
 * uniform panel: a map is {@link Kind#EMPTY} when every finite value is exactly zero (a Grad-CAM
 * map whose weighted sum is negative everywhere, rectified to zero), {@link Kind#NEAR_CONSTANT}
 * when its spread is tiny against a scale, {@code max − min ≤ tolerance · scale}, and
 * {@link Kind#VARYING} otherwise. The scale defaults to the map's own magnitude
 * {@code max(|min|, |max|)}; pass a batch's or a figure's magnitude to flag a map that is small
 * against its neighbours (e.g. a map whose maximum is 0.0055 in a row whose others reach 3).
 * NaN and infinities are ignored, as in {@link ValueRange#minMax}.
 *
 * @param kind  empty, near-constant or varying
 * @param range [min, max] of the finite values ([0, 0] when none)
 * @param scale the magnitude the spread was compared to
 */
public record MapContrast(Kind kind, ValueRange range, double scale) {

    /** The three verdicts. */
    public enum Kind { EMPTY, NEAR_CONSTANT, VARYING }

    /** The default relative tolerance: a spread below 0.1 % of the scale is below one colour step of a 256-entry map. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    public MapContrast {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a map's scale must be finite and >= 0, not " + scale);
        }
    }

    /** The verdict on a whole map against its own magnitude, at {@link #DEFAULT_TOLERANCE}. */
    public static MapContrast of(float[] map) {
        return of(map, 0, map.length, Double.NaN, DEFAULT_TOLERANCE);
    }

    /**
     * The verdict on {@code v[from .. from+length)}.
     *
     * @param scale     the magnitude to compare the spread with; NaN for the map's own max(|min|, |max|)
     * @param tolerance the relative spread below which the map counts as near-constant (≥ 0)
     */
    public static MapContrast of(float[] v, int from, int length, double scale, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("a tolerance must be >= 0, not " + tolerance);
        }
        ValueRange r = ValueRange.minMax(v, from, length);
        double s = Double.isNaN(scale) ? Math.max(Math.abs(r.lo()), Math.abs(r.hi())) : scale;
        Kind k;
        if (r.lo() == 0 && r.hi() == 0) {
            k = Kind.EMPTY;
        } else if (r.width() <= tolerance * s) {
            k = Kind.NEAR_CONSTANT;
        } else {
            k = Kind.VARYING;
        }
        return new MapContrast(k, r, s);
    }

    /** The largest magnitude max(|min|, |max|) of the finite values of several maps: a common scale for a figure. */
    public static double magnitude(float[] v) {
        ValueRange r = ValueRange.minMax(v);
        return Math.max(Math.abs(r.lo()), Math.abs(r.hi()));
    }

    /** True when there is nothing to see: empty or near-constant. */
    public boolean isBlank() {
        return kind != Kind.VARYING;
    }

    /**
     * One line for a caption, e.g. "the map is empty (zero everywhere)" or "the map is near-constant
     * (values in [0.1, 0.1])"; null when the map varies.
     */
    public String describe(String what) {
        return switch (kind) {
            case EMPTY -> what + " is empty (zero everywhere)";
            case NEAR_CONSTANT -> what + " is near-constant (values in " + range + ")";
            case VARYING -> null;
        };
    }
}
