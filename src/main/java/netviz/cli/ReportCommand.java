package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netviz report}: the static HTML report of {@link Report}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a self-contained HTML report (index.html, style.css, PNG figures; opens from disk, needs "
                + "no server or network) with one section per technique: the model, accuracy and confusion matrix, "
                + "filters, activations, dead filters, sanity checks of the attribution methods (cascading "
                + "randomisation, deletion and insertion), occlusion, saliency, guided backpropagation, SmoothGrad, "
                + "Integrated Gradients, Grad-CAM, Grad-CAM++, Score-CAM, nearest neighbours, PCA versus t-SNE maps, "
                + "top images with receptive "
                + "fields, activation maximisation, multifaceted feature visualization (facets), activation "
                + "maximisation through a generator (DGN-AM).",
                "Every figure's caption names the netviz command that reproduces it. Without options: the bundled "
                        + "model on the bundled Fashion-MNIST test split."})
public final class ReportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "M.onnx",
            description = "ONNX model file (default: the bundled Fashion-MNIST classifier "
                    + ModelOptions.BUNDLED_MODEL + ").")
    Path model;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Dataset to evaluate on, scan and pick examples from (default: the bundled Fashion-MNIST "
                    + "test split).")
    Path data;

    @Option(names = "--images", arity = "1..*", paramLabel = "IMAGE",
            description = "Your own images, explained beside the dataset's examples.")
    List<Path> images = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "netviz-report",
            description = "The report folder: new, empty, or a previous report, which is replaced "
                    + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N dataset images for every dataset-wide section (default: all for the "
                    + "accuracy, 2000 for the dead-filter scan and top images, 1000 for neighbours and maps).")
    int limit;

    @Option(names = "--scan", paramLabel = "DIR",
            description = "Take the dataset-wide numbers (accuracy, dead filters, top images, neighbours, maps) from this "
                    + "finished scan of the model (netviz scan) instead of passing over the dataset.")
    Path scan;

    @Option(names = "--examples", paramLabel = "K", defaultValue = "6",
            description = "Example images picked from the dataset: the first image of each of the first K classes "
                    + "(default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--runtime", paramLabel = "ort|torch",
            description = "What runs the forward passes that need no gradient: ort, ONNX Runtime (default; the libtorch"
                    + " interpreter when ONNX Runtime cannot run the model), or torch, the libtorch interpreter.")
    String runtime;

    @Override
    public void run() {
        ModelOptions m = ModelOptions.of(model);
        Path modelPath = m.path();
        Report.Options o = new Report.Options(modelPath, model == null ? null : model.toString(), data,
                data == null ? null : data.toString(), images, out, limit, examples, runtime, scan);
        PrintWriter err = spec.commandLine().getErr();
        Report.Result r = Report.generate(o, err);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %s (%d sections, %d figures) in %.1f s; open it in a browser%n",
                out.resolve("index.html"), r.sections().size(), r.figures(), r.seconds());
        if (!r.failed().isEmpty()) {
            // the report is written (exit 0); each failed section shows a note in the page
            w.printf(Locale.ROOT, "%d section%s could not be computed and show%s a note instead: %s%n", r.failed().size(),
                    r.failed().size() == 1 ? "" : "s", r.failed().size() == 1 ? "s" : "",
                    r.failed().stream().map(Report.Failure::title).collect(java.util.stream.Collectors.joining(", ")));
        }
        w.flush();
    }
}
