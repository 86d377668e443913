package netviz.render;

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
     * and the positional firing rate of each filter (null when not measured).
     */
    public record LayerRates(String name, double[] rates, int dead, double[] positional) {

        /** Image rates only. */
        public LayerRates(String name, double[] rates, int dead) {
            this(name, rates, dead, null);
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
            String t = l.name() + ": " + l.rates().length + " filters, " + l.dead() + " dead";
            charts.add(Charts.histogram(h, Charts.Style.of(t, measure.axis(), "filters")));
        }
        Figure body = Layout.flow(charts, 1300, 16);
        return Layout.pad(Layout.titled(title, body), 12);
    }
}
