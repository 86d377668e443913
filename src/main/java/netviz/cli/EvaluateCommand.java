package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import netviz.figures.EvaluationFigure;
import netviz.figures.FigureResult;
import netviz.render.ConfusionMatrixImage;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netviz evaluate}: accuracy and confusion matrix of a model on a labelled dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a model on a labelled dataset: accuracy, confusion matrix (printed and written as a PNG), "
                + "per-class precision and recall.",
                "DATA is a folder of Fashion-MNIST IDX files, an IDX images file, a folder of images with one "
                        + "sub-folder per class, or a .npy batch (labels in <name>-labels.npy); "
                        + "default: the bundled Fashion-MNIST test split."})
public final class EvaluateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ScanOptions scan;

    @Option(names = "--data", paramLabel = "DATA", description = "Dataset to score on (default: the bundled Fashion-MNIST test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: the model's metadata, "
            + "ImageNet's for 1000 outputs, else indices).")
    Path labelsFile;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "100", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Score only the first N examples (default: all).")
    int limit;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png",
            description = "Where to write the confusion matrix picture (default: netviz-out/<model>-confusion.png).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    /** One class's scores; NaN scores are null in JSON. */
    public record ClassScore(int index, String name, Double precision, Double recall, long support) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(out, "--out");
        EvaluationFigure.Options o = EvaluationFigure.Options.defaults().withBatchSize(batchSize);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        o = o.withLimit(limit);
        FigureResult r;
        try (Session s = scan.apply(model.session()).preprocessing(preprocessing::resolve).labels(labelsFile).data(data).build();
             TerminalProgress bar = new TerminalProgress(progress)) {
            r = EvaluationFigure.make(s, o, bar);
        }
        Map<String, Object> sum = r.summary();
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-confusion.png");
        var image = r.figure().image();
        Outputs.write(png, os -> ImageIO.write(image, "png", os));

        List<ClassScore> perClass = new ArrayList<>();
        for (Map<String, Object> k : (List<Map<String, Object>>) sum.get("perClass")) {
            perClass.add(new ClassScore((Integer) k.get("index"), (String) k.get("name"), (Double) k.get("precision"),
                    (Double) k.get("recall"), (Long) k.get("support")));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.path().toString());
            for (String k : List.of("data", "preprocessing", "examples", "correct", "accuracy", "seconds", "classes",
                    "confusion")) {
                doc.put(k, sum.get(k));
            }
            doc.put("perClass", perClass);
            doc.put("png", png.toString());
            OutputOptions.printJson(w, doc);
            return;
        }
        long total = (Long) sum.get("examples");
        double seconds = (Double) sum.get("seconds");
        Double accuracy = (Double) sum.get("accuracy");
        List<String> shownNames = (List<String>) sum.get("shownNames");
        w.println("model     " + model.path());
        w.println("data      " + sum.get("data"));
        w.println("input     " + sum.get("preprocessing"));
        w.printf(Locale.ROOT, "accuracy  %s  (%,d of %,d correct)  %s%n",
                ConfusionMatrixImage.percent(accuracy == null ? Double.NaN : accuracy), (Long) sum.get("correct"),
                total, scan.dir() != null ? "from the scan" : String.format(Locale.ROOT, "in %.1f s, %.0f images/s",
                        seconds, total / Math.max(1e-9, seconds)));
        w.println();
        if (shownNames.size() <= EvaluationFigure.MAX_SHOWN_CLASSES) {
            printMatrix(w, (long[][]) sum.get("shownConfusion"), shownNames);
            w.println();
        }
        int nw = Math.max(5, shownNames.stream().mapToInt(String::length).max().orElse(5));
        w.println(InfoCommand.pad("class", nw) + "  precision  recall  support");
        for (ClassScore c : perClass) {
            w.printf(Locale.ROOT, "%s  %9s  %6s  %7d%n", InfoCommand.pad(c.name(), nw), pct(c.precision()), pct(c.recall()),
                    c.support());
        }
        w.println();
        w.println("wrote " + png);
        w.flush();
    }

    private static void printMatrix(PrintWriter w, long[][] m, List<String> names) {
        int nw = Math.max(4, names.stream().mapToInt(String::length).max().orElse(4));
        int cw = 4;
        for (long[] row : m) {
            for (long v : row) {
                cw = Math.max(cw, Long.toString(v).length() + 1);
            }
        }
        w.println("confusion matrix (rows: true class, columns: predicted class, in the order of the rows)");
        StringBuilder head = new StringBuilder(InfoCommand.pad("", nw));
        for (int j = 0; j < m.length; j++) {
            head.append(InfoCommand.padLeft(Integer.toString(j), cw));
        }
        w.println(head);
        for (int i = 0; i < m.length; i++) {
            StringBuilder b = new StringBuilder(InfoCommand.pad(names.get(i), nw));
            for (long v : m[i]) {
                b.append(InfoCommand.padLeft(Long.toString(v), cw));
            }
            w.println(b.append("   ").append(i));
        }
    }

    private static String pct(Double v) {
        return v == null ? "-" : ConfusionMatrixImage.percent(v);
    }
}
