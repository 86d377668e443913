package netviz.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.function.IntFunction;
import netviz.methods.features.GridAssignment;

/**
 * The image map of a 2-D embedding (Karpathy's t-SNE visualisation of CNN codes, cs231n): the plane is
 * cut into a {@code grid × grid} lattice of non-overlapping thumbnails, each with a thin frame in its
 * class colour. Two placements ({@link Placing}): {@link Placing#NEAREST_IN_CELL} shows, in every cell
 * that some point falls into, the point closest to the cell's centre (dense regions are sampled
 * evenly; most points are not drawn when several share a cell); {@link Placing#ASSIGNMENT} snaps
 * every point to its own cell by an optimal assignment ({@link GridAssignment}), so each image is
 * drawn exactly once (grid² ≥ N).
 */
public final class ImageMap {
    /** How points are given cells. */
    public enum Placing {
        /** Each cell shows the point nearest its centre among those falling in it; the others are not drawn. */
        NEAREST_IN_CELL,
        /** Every point gets its own cell, minimising the total squared distance (each image drawn once). */
        ASSIGNMENT
    }

    /**
     * @param grid    cells per side
     * @param cell    pixels per cell (thumbnails are scaled to {@code cell − 2})
     * @param title   title above the map
     * @param placing how points are given cells
     */
    public record Options(int grid, int cell, String title, Placing placing) {
        public Options {
            if (grid < 1 || cell < 4 || placing == null) {
                throw new IllegalArgumentException("bad image map options: grid " + grid + ", cell " + cell
                        + ", placing " + placing);
            }
        }

        /** Nearest-in-cell placement, as before assignments existed. */
        public Options(int grid, int cell, String title) {
            this(grid, cell, title, Placing.NEAREST_IN_CELL);
        }

        public static Options defaults(String title) {
            return new Options(40, 28, title);
        }

        public Options withPlacing(Placing p) {
            return new Options(grid, cell, title, p);
        }
    }

    /** The point shown in each cell (row-major, −1 = empty), for callers that want to know. */
    public record Placement(int grid, int[] cells) {
        public int shown() {
            return (int) Arrays.stream(cells).filter(c -> c >= 0).count();
        }
    }

    private ImageMap() {
    }

    /**
     * Every point in its own cell of a {@code grid × grid} lattice by {@link GridAssignment} (so
     * {@code shown()} is N); an OutOfRangeException when grid² &lt; N.
     */
    public static Placement assigned(double[] xy, int grid) {
        int[] cellOf = GridAssignment.assign(xy, grid, grid);
        int[] cells = new int[grid * grid];
        Arrays.fill(cells, -1);
        for (int i = 0; i < cellOf.length; i++) {
            cells[cellOf[i]] = i;
        }
        return new Placement(grid, cells);
    }

    /** The placement {@code placing} gives. */
    public static Placement place(double[] xy, int grid, Placing placing) {
        return placing == Placing.ASSIGNMENT ? assigned(xy, grid) : place(xy, grid);
    }

    /** Which point each grid cell shows: the one nearest the cell centre among those falling in it. */
    public static Placement place(double[] xy, int grid) {
        int n = xy.length / 2;
        double[] b = ScatterPlot.bounds(xy);
        double span = Math.max(b[2] - b[0], b[3] - b[1]);
        span = span > 0 ? span : 1;
        int[] cells = new int[grid * grid];
        double[] best = new double[grid * grid];
        Arrays.fill(cells, -1);
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        double x0 = (b[0] + b[2]) / 2 - span / 2;
        double y0 = (b[1] + b[3]) / 2 - span / 2;
        for (int i = 0; i < n; i++) {
            double u = (xy[2 * i] - x0) / span * grid;
            double v = (xy[2 * i + 1] - y0) / span * grid;
            int cx = Math.min(grid - 1, Math.max(0, (int) Math.floor(u)));
            int cy = Math.min(grid - 1, Math.max(0, (int) Math.floor(v)));
            int row = grid - 1 - cy;   // y grows upwards in the embedding, downwards in the picture
            double d = (u - cx - 0.5) * (u - cx - 0.5) + (v - cy - 0.5) * (v - cy - 0.5);
            int c = row * grid + cx;
            if (d < best[c]) {
                best[c] = d;
                cells[c] = i;
            }
        }
        return new Placement(grid, cells);
    }

    /**
     * Renders the map; {@code thumbnail.apply(i)} gives point i's picture (called only for shown
     * points), {@code labels[i]} its class (−1: none) among {@code classes}.
     */
    public static Figure render(double[] xy, int[] labels, int classes, IntFunction<BufferedImage> thumbnail, Options o) {
        return render(place(xy, o.grid(), o.placing()), labels, classes, thumbnail, o);
    }

    /** Renders a placement computed beforehand (its grid is the options' grid); see {@link #render(double[], int[], int, IntFunction, Options)}. */
    public static Figure render(Placement p, int[] labels, int classes, IntFunction<BufferedImage> thumbnail, Options o) {
        if (p.grid() != o.grid()) {
            throw new IllegalArgumentException("a placement on " + p.grid() + " cells per side drawn on " + o.grid());
        }
        int side = o.grid() * o.cell();
        BufferedImage img = Canvas.blank(side, side);
        Graphics2D g = Canvas.graphics(img);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        int t = o.cell() - 2;
        for (int c = 0; c < p.cells().length; c++) {
            int i = p.cells()[c];
            if (i < 0) {
                continue;
            }
            int x = (c % o.grid()) * o.cell();
            int y = (c / o.grid()) * o.cell();
            Color col = ClassColors.of(labels[i], classes);
            g.setColor(col);
            g.fillRect(x, y, o.cell(), o.cell());
            g.drawImage(thumbnail.apply(i), x + 1, y + 1, t, t, null);
        }
        g.dispose();
        return Layout.titled(o.title(), Figure.of(img));
    }
}
