package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.methods.scan.ScanInputs;
import netviz.methods.scan.ScanManifest;
import netviz.methods.scan.ScanPlan;
import netviz.methods.scan.Scanner;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz scan}: one pass of the model over a dataset that keeps what the dataset figures
 * draw (per-image predictions and features, each channel's top images with their bytes, dead-filter
 * statistics, the confusion counts, the inputs that failed), written as a scan folder of Parquet
 * tables ({@code docs/scan-format.md}) that the Spark job writes too.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Run a dataset through the model once and keep, in a folder of Parquet tables, what the "
                + "dataset figures draw: each image's prediction and features, each channel's top images (with the "
                + "image files), the dead-filter statistics and activation histograms, the confusion counts, and "
                + "the inputs that could not be read (listed, not fatal).",
                "The same folder can be written by the Spark job on a cluster (netviz-spark scan)."})
public final class ScanCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DATA",
            description = "An image folder (one sub-folder per class, or a flat folder), an IDX images file or a "
                    + "folder of Fashion-MNIST IDX files (default: the bundled Fashion-MNIST test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The scan folder to write (new, empty, or an earlier scan to replace).")
    Path out;

    @Option(names = {"-l", "--layers"}, split = ",", paramLabel = "LAYER",
            description = "Layers to scan per channel (repeatable or comma-separated; default: every "
                    + "convolution's activation).")
    List<String> layers = new ArrayList<>();

    @Option(names = "--feature-layer", paramLabel = "L",
            description = "The layer whose values are each image's feature vector (default: the input of the last "
                    + "fully connected layer; 'none' keeps no features).")
    String featureLayer;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "9",
            description = "Top images kept per channel (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0",
            description = "A filter fires where its activation exceeds T (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    /** The inputs with labels renumbered to the model's classes when the class folders name them (as the session's dataset). */
    private static ScanInputs aligned(Session s, ScanInputs in) {
        if (!in.labeled() || s.config().labels().isEmpty()) {
            return in;
        }
        try {
            return in.alignedTo(s.labels());
        } catch (netviz.NetvizException e) {
            return in;
        }
    }

    @Override
    public void run() {
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        ScanPlan.Options o = ScanPlan.Options.defaults().withLayers(layers).withFeatureLayer(featureLayer)
                .withTopK(topK).withBatchSize(batchSize).withTolerance(tolerance);
        long t0 = System.nanoTime();
        ScanManifest m;
        try (Session s = model.session().preprocessing(preprocessing::resolve).data(data).build();
             ScanInputs opened = ScanInputs.open(data);
             TerminalProgress bar = new TerminalProgress(progress)) {
            ScanInputs inputs = aligned(s, opened);
            ScanPlan plan = ScanPlan.resolve(s.forward(), s.preprocessing(), s.modelPath().getFileName().toString(),
                    s.modelHash(), inputs.description(), inputs.classNames(), inputs.labeled(), o);
            m = new Scanner(s.forward(), s.preprocessing(), plan).scanTo(out, inputs, inputs.size(), bar);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter w = spec.commandLine().getOut();
        w.println(String.format(Locale.ROOT, "%s on %s: %,d images scanned, %,d failed, in %.1f s (%s)",
                model.displayName(), m.input(), m.images(), m.failed(), seconds, m.runtime()));
        w.println("layers: " + String.join(", ", m.layers()) + "; features: "
                + (m.featureLayer() == null ? "none" : m.featureLayer() + " (" + m.featureDim() + " values)")
                + "; top " + m.topK() + " images per channel");
        w.println("scan  \u2192  " + out);
        w.flush();
    }
}
