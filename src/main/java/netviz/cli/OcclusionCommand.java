package netviz.cli;

import java.util.List;
import netviz.Progress;
import netviz.figures.FigureResult;
import netviz.figures.OcclusionFigure;
import netviz.session.Picture;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netviz occlusion}: occlusion sensitivity (Zeiler and Fergus 2014), the probability of the
 * target class with a square window of the image filled, at each window position; or, with
 * {@code --layer L --feature-maps K}, the drop of the K strongest feature maps' activation.
 */
@Command(name = "occlusion", mixinStandardHelpOptions = true,
        description = {"Occlusion sensitivity (Zeiler & Fergus 2014): slide a square window over the image, fill it, "
                + "and record the probability of the target class at each position.",
                "--raw writes the grid of probabilities, shape (rows, cols), row-major from the top-left, for the "
                        + "positions where the window fits ((N, rows, cols) for a batch).",
                "With --layer L --feature-maps K: for the K maps of L with the highest total activation, the drop "
                        + "of that activation at each position; --raw then has shape (K, rows, cols)."})
public final class OcclusionCommand extends AttributionCommand {
    @Option(names = {"-w", "--window"}, paramLabel = "PX",
            description = "Side of the square mask in pixels (default: 1/7 of the shorter image side; 32 at 224).")
    Integer window;

    @Option(names = {"-s", "--stride"}, paramLabel = "PX", description = "Step between mask positions (default: window / 2).")
    Integer stride;

    @Option(names = "--fill", paramLabel = "F", defaultValue = "mean",
            description = "What the mask writes: mean (the dataset's mean pixel), zero, blur (Gaussian blur of the image, "
                    + "sigma 1/10 of its longer side), blur:SIGMA (sigma in pixels), or R,G,B "
                    + "(default: ${DEFAULT-VALUE}).")
    String fill;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32",
            description = "Perturbed images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-l", "--layer"}, paramLabel = "L", description = "Feature-map mode: the layer whose maps to follow.")
    String layer;

    @Option(names = "--feature-maps", paramLabel = "K",
            description = "Feature-map mode: how many of the strongest maps to follow (default: 9; needs --layer).")
    Integer featureMaps;

    @Option(names = "--show", paramLabel = "drop|probability", defaultValue = "drop",
            description = "What the map shows: drop, p(intact) - p(occluded), 0 white, red where hiding the region "
                    + "lowers p; or probability, p(occluded) itself (default: ${DEFAULT-VALUE}; --raw always holds "
                    + "the probabilities).")
    String show;

    @Override
    String method() {
        return layer == null ? "occlusion" : "occlusion feature maps";
    }

    @Override
    void check() {
        options();
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        if (featureMaps != null) {
            Limits.check("--feature-maps", featureMaps, 1, Limits.MAX_LIST);
        }
    }

    /** The recipe's options: window, stride, fill and batch; with --layer, feature-map mode. */
    OcclusionFigure.Options options() {
        return OcclusionFigure.Options.defaults().withWindow(window).withStride(stride).withFill(fill).withBatch(batch)
                .withFeatureMaps(layer, featureMaps).withTarget(attribution.target)
                .withShow(OcclusionFigure.Show.parse(show));
    }

    @Override
    FigureResult figure(Session s, List<Picture> pictures, Progress progress) {
        return OcclusionFigure.make(s, pictures, options(), progress);
    }
}
