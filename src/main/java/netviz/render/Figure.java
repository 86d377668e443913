package netviz.render;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A rendered picture together with the rectangles of the things drawn in it (tiles of a grid,
 * bars of a chart): tests read pixels back through them, and the web report turns them into
 * image maps. {@link Layout} keeps the regions in place when figures are composed.
 */
public record Figure(BufferedImage image, List<Region> regions) {

    /** One labelled rectangle of a figure: {@code index} is the caller's index (filter, channel, ...). */
    public record Region(int index, String label, Rectangle box) {
        public Region translate(int dx, int dy) {
            Rectangle r = new Rectangle(box);
            r.translate(dx, dy);
            return new Region(index, label, r);
        }
    }

    public Figure {
        regions = List.copyOf(regions);
    }

    /** A picture with no regions. */
    public static Figure of(BufferedImage image) {
        return new Figure(image, List.of());
    }

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }

    /** The regions moved by (dx, dy), as when this figure is drawn at that offset. */
    public List<Region> regionsAt(int dx, int dy) {
        List<Region> out = new ArrayList<>(regions.size());
        for (Region r : regions) {
            out.add(r.translate(dx, dy));
        }
        return out;
    }

    /** The region with that index and label prefix, or null. */
    public Region region(int index) {
        for (Region r : regions) {
            if (r.index() == index) {
                return r;
            }
        }
        return null;
    }
}
