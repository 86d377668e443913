package netviz.server;

import netviz.engine.Node;
import netviz.methods.params.Filters;
import netviz.render.FilterFigure;
import netviz.render.Figure;

/**
 * The server's pictures not yet drawn by a recipe of {@code netviz.figures}, drawn with
 * {@code netviz.render} exactly as the CLI draws them, so a picture in the app looks like the one
 * {@code netviz} writes.
 */
final class Renders {
    private Renders() {
    }

    /** {@code netviz filters --layer L}: every filter of a convolution as a tile, each scaled to its own range. */
    static Figure filters(ModelSession s, Node conv) {
        Filters.FilterBank bank = Filters.of(s.graph(), conv.name().isEmpty() ? conv.outputs().get(0) : conv.name());
        String title = s.name() + " \u00b7 " + bank.layer() + ": " + bank.filters() + " filters of "
                + bank.channels() + " x " + bank.height() + " x " + bank.width()
                + (bank.group() > 1 ? " (group " + bank.group() + ")" : "");
        FilterFigure.Options o = FilterFigure.Options.defaults().withTileSize(48).withTitle(title);
        return FilterFigure.render(bank.weights(), bank.filters(), bank.channels(), bank.height(), bank.width(), o);
    }
}
