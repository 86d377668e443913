package netviz.render;

/**
 * Rows and columns of a grid of tiles. {@link #forCount} picks the shape for n tiles: a single row
 * up to 5 tiles; otherwise, among shapes at least as wide as tall and at most 2.5 times wider than
 * tall, the one with the fewest empty cells, the squarest on ties (64 gives 8 x 8, 96 gives
 * 8 x 12, 512 gives 16 x 32, 7 gives 2 x 4).
 */
public record GridShape(int rows, int columns) {

    public GridShape {
        if (rows < 0 || columns < 0) {
            throw new IllegalArgumentException("a grid needs non-negative rows and columns, not " + rows + " x " + columns);
        }
    }

    public static GridShape forCount(int n) {
        return forCount(n, 0);
    }

    /** The shape for {@code n} tiles with at most {@code maxColumns} columns (0: no limit). */
    public static GridShape forCount(int n, int maxColumns) {
        if (n <= 0) {
            return new GridShape(0, 0);
        }
        if (maxColumns > 0 && maxColumns < n && maxColumns <= 5) {
            return new GridShape(ceilDiv(n, maxColumns), maxColumns);
        }
        if (n <= 5 && (maxColumns <= 0 || n <= maxColumns)) {
            return new GridShape(1, n);
        }
        int start = (int) Math.ceil(Math.sqrt(n));
        GridShape best = null;
        int bestEmpty = Integer.MAX_VALUE;
        for (int c = start; c <= n; c++) {
            if (maxColumns > 0 && c > maxColumns) {
                break;
            }
            int r = ceilDiv(n, c);
            if (c > 2.5 * r) {
                break;
            }
            int empty = r * c - n;
            if (empty < bestEmpty) {
                bestEmpty = empty;
                best = new GridShape(r, c);
            }
        }
        if (best == null) {
            int c = maxColumns > 0 ? Math.min(maxColumns, n) : start;
            best = new GridShape(ceilDiv(n, c), c);
        }
        return best;
    }

    /** Number of cells. */
    public int cells() {
        return rows * columns;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return rows + " x " + columns;
    }
}
