package netviz.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Histograms of per-filter firing rates, one per layer: how many filters fire on what fraction of
 * the images. Dead filters (firing on no image) are highlighted in the first bin, as in the
 * "dying ReLU" diagnostics of Lu et al., "Dying ReLU and initialization" (2019).
 */
public final class FiringRateFigure {

    /** One layer: its name, the firing rate (in [0, 1]) of each filter, and how many are dead. */
    public record LayerRates(String name, double[] rates, int dead) {
    }

    private FiringRateFigure() {
    }

    /** One histogram (20 bins over [0, 1]) per layer, wrapped into rows. */
    public static Figure render(List<LayerRates> layers, String title, int bins) {
        List<Figure> charts = new ArrayList<>();
        for (LayerRates l : layers) {
            Charts.Histogram h = Charts.Histogram.of(l.rates(), bins, 0, 1);
            long[] hi = new long[bins];
            hi[0] = l.dead();
            h = h.withHighlight(hi, "dead (never fire)");
            String t = l.name() + ": " + l.rates().length + " filters, " + l.dead() + " dead";
            charts.add(Charts.histogram(h, Charts.Style.of(t, "fraction of images on which a filter fires", "filters")));
        }
        Figure body = Layout.flow(charts, 1300, 16);
        return Layout.pad(Layout.titled(title, body), 12);
    }
}
