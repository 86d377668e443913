package netviz.render;

import java.awt.Font;
import java.util.ArrayList;
import java.util.List;

/**
 * Histograms of per-filter firing rates, one per layer: how many filters fire on what fraction of
 * the images ({@link Measure#IMAGES}), or on what fraction of all positions of all images
 * ({@link Measure#POSITIONS}). Dead filters (firing nowhere) are highlighted in the first bin, as
 * in the "dying ReLU" diagnostics of Lu et al., "Dying ReLU and initialization" (2019). The image
 * rate of a trained ReLU network is close to 1 for nearly every filter (one bar); the positional
 * rate shows how sparse each filter is, and spreads out.
 */
public final class FiringRateFigure {

    /** Which rate a histogram counts. */
    public enum Measure {
        /** The fraction of images on which a filter is above the tolerance somewhere. */
        IMAGES("fraction of images on which a filter fires"),
        /** The fraction of all positions of all images where a filter is above the tolerance. */
        POSITIONS("fraction of positions (all images) where a filter fires");

        private final String axis;

        Measure(String axis) {
            this.axis = axis;
        }

        /** The x-axis label. */
        public String axis() {
            return axis;
        }
    }

    /**
     * One layer: its name, the firing rate (in [0, 1]) of each filter by images, how many are dead,
     * the positional firing rate of each filter (null when not measured), and how many filters are
     * nearly dead (fire somewhere, on fewer than {@code nearlyDeadBelow} of the positions; -1 when not
     * counted).
     */
    public record LayerRates(String name, double[] rates, int dead, double[] positional, int nearlyDead,
                             double nearlyDeadBelow) {

        /** Image rates only. */
        public LayerRates(String name, double[] rates, int dead) {
            this(name, rates, dead, null);
        }

        /** Image and positional rates, nearly dead filters not counted. */
        public LayerRates(String name, double[] rates, int dead, double[] positional) {
            this(name, rates, dead, positional, -1, 0);
        }

        /** These rates with {@code count} filters nearly dead (positional rate in (0, below)). */
        public LayerRates withNearlyDead(int count, double below) {
            return new LayerRates(name, rates, dead, positional, count, below);
        }

        /** The rates {@code m} counts; an IllegalArgumentException when the positional ones were not given. */
        public double[] rates(Measure m) {
            if (m == Measure.POSITIONS && positional == null) {
                throw new IllegalArgumentException("layer '" + name + "' has no positional firing rates");
            }
            return m == Measure.IMAGES ? rates : positional;
        }
    }

    private FiringRateFigure() {
    }

    /** One histogram ({@code bins} bins over [0, 1]) of the image rates per layer, wrapped into rows. */
    public static Figure render(List<LayerRates> layers, String title, int bins) {
        return render(layers, title, bins, Measure.IMAGES);
    }

    /** One histogram ({@code bins} bins over [0, 1]) of the rates {@code measure} counts, per layer. */
    public static Figure render(List<LayerRates> layers, String title, int bins, Measure measure) {
        List<Figure> charts = new ArrayList<>();
        for (LayerRates l : layers) {
            Charts.Histogram h = Charts.Histogram.of(l.rates(measure), bins, 0, 1);
            long[] hi = new long[bins];
            hi[0] = l.dead();
            h = h.withHighlight(hi, "dead (never fire)");
            String t = l.name() + ": " + l.rates().length + " filters, " + l.dead() + " dead"
                    + (l.nearlyDead() >= 0 ? ", " + l.nearlyDead() + " nearly dead (< "
                    + Ticks.format(100 * l.nearlyDeadBelow(), 3) + "%)" : "");
            charts.add(Charts.histogram(h, Charts.Style.of(t, measure.axis(), "filters")));
        }
        Figure body = Layout.flow(charts, 1300, 16);
        return Layout.pad(Layout.titled(wrap(title, Canvas.bold(Layout.TITLE_SIZE), body.width()), body), 12);
    }

    /**
     * {@code text} broken at spaces into lines of at most {@code width} pixels in {@code f} (a word
     * longer than that keeps a line of its own), so that a long title is wrapped rather than
     * widening the figure far beyond its charts.
     */
    static String wrap(String text, Font f, int width) {
        StringBuilder out = new StringBuilder();
        String line = "";
        for (String word : text.split(" ")) {
            String next = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && Canvas.textWidth(f, next) > width) {
                out.append(line).append('\n');
                line = word;
            } else {
                line = next;
            }
        }
        return out.append(line).toString();
    }
}
