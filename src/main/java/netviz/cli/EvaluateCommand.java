package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import netviz.NetvizException;
import netviz.UnknownNameException;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.data.ImageFolderDataset;
import netviz.data.Labels;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.evaluation.ConfusionMatrix;
import netviz.methods.evaluation.Evaluation;
import netviz.render.ConfusionMatrixImage;
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
    /** Above this many classes the matrix is not printed as text, and the picture shows only the classes that occur. */
    static final int MAX_SHOWN_CLASSES = 30;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

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
    public void run() {
        Outputs.requirePng(out, "--out");
        if (batchSize < 1) {
            throw new NetvizException("--batch-size must be at least 1, got " + batchSize);
        }
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        if (limit < 0) {
            throw new NetvizException("--limit must be 0 (all) or positive, got " + limit);
        }
        Graph graph = model.graph();
        Preprocessing pre = preprocessing.resolve(graph);
        Dataset dataset = Datasets.open(data, pre);
        if (!dataset.labeled()) {
            throw new NetvizException("dataset " + dataset.description() + " has no labels; evaluate needs labelled data");
        }
        PrintWriter w = spec.commandLine().getOut();
        try (Interpreter ip = model.newInterpreter(); TerminalProgress bar = new TerminalProgress(progress)) {
            int classes = outputCount(ip, dataset);
            Labels labels = Labels.forModel(labelsFile, ModelConfig.of(graph), classes);
            int[] classMap = classMap(labels, dataset, classes);
            Evaluation.Result r = Evaluation.run(ip, dataset, classes, classMap,
                    new Evaluation.Options(batchSize, limit, bar));
            ConfusionMatrix cm = r.matrix();

            List<Integer> shown = shownClasses(cm);
            long[][] counts = cm.counts();
            long[][] sub = new long[shown.size()][shown.size()];
            List<String> shownNames = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                shownNames.add(labels.name(shown.get(i)));
                for (int j = 0; j < shown.size(); j++) {
                    sub[i][j] = counts[shown.get(i)][shown.get(j)];
                }
            }
            Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-confusion.png");
            String title = model.displayName() + " on " + shortName(dataset) + ": accuracy "
                    + ConfusionMatrixImage.percent(cm.accuracy()) + " (" + String.format(Locale.ROOT, "%,d", cm.total())
                    + " images)";
            var image = ConfusionMatrixImage.render(sub, shownNames, title);
            Outputs.write(png, o -> ImageIO.write(image, "png", o));

            List<ClassScore> perClass = new ArrayList<>();
            double[] precision = cm.precision();
            double[] recall = cm.recall();
            long[] support = cm.support();
            for (int c : shown) {
                perClass.add(new ClassScore(c, labels.name(c), nullIfNaN(precision[c]), nullIfNaN(recall[c]), support[c]));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", model.path().toString());
                doc.put("data", dataset.description());
                doc.put("preprocessing", pre.describe());
                doc.put("examples", cm.total());
                doc.put("correct", cm.correct());
                doc.put("accuracy", nullIfNaN(cm.accuracy()));
                doc.put("seconds", r.seconds());
                doc.put("classes", labels.names());
                doc.put("confusion", counts);
                doc.put("perClass", perClass);
                doc.put("png", png.toString());
                OutputOptions.printJson(w, doc);
                return;
            }
            w.println("model     " + model.path());
            w.println("data      " + dataset.description());
            w.println("input     " + pre.describe());
            w.printf(Locale.ROOT, "accuracy  %s  (%,d of %,d correct)  in %.1f s, %.0f images/s%n",
                    ConfusionMatrixImage.percent(cm.accuracy()), cm.correct(), cm.total(), r.seconds(),
                    cm.total() / Math.max(1e-9, r.seconds()));
            w.println();
            if (shown.size() <= MAX_SHOWN_CLASSES) {
                printMatrix(w, sub, shownNames);
                w.println();
            }
            int nw = Math.max(5, shownNames.stream().mapToInt(String::length).max().orElse(5));
            w.println(InfoCommand.pad("class", nw) + "  precision  recall  support");
            for (ClassScore s : perClass) {
                w.printf(Locale.ROOT, "%s  %9s  %6s  %7d%n", InfoCommand.pad(s.name(), nw), pct(s.precision()), pct(s.recall()),
                        s.support());
            }
            w.println();
            w.println("wrote " + png);
            w.flush();
        }
    }

    /** The number of model outputs, from one forward pass on the first example. */
    private static int outputCount(Interpreter ip, Dataset data) {
        if (data.size() == 0) {
            throw new NetvizException("dataset " + data.description() + " is empty");
        }
        try (var scope = ip.newScope()) {
            return new netviz.methods.evaluation.Classifier(ip).predict(scope, data.get(0).toNDArray(scope)).classes();
        }
    }

    /** Dataset label → model class: by name, or by position when the names are the model's in another spelling. */
    private static int[] classMap(Labels labels, Dataset data, int classes) {
        List<String> names = data.classNames();
        try {
            return labels.mapNames(names);
        } catch (UnknownNameException e) {
            if (!(data instanceof ImageFolderDataset) && names.size() <= classes) {
                return null;   // IDX / npy labels are class indices already
            }
            throw new NetvizException("the classes of dataset " + data.description() + " do not match the model's ("
                    + labels.source() + "): " + e.getMessage(), e);
        }
    }

    /** Every class when there are few; otherwise those that occur as truth or prediction. */
    private static List<Integer> shownClasses(ConfusionMatrix cm) {
        int k = cm.classes();
        List<Integer> all = new ArrayList<>();
        if (k <= MAX_SHOWN_CLASSES) {
            for (int i = 0; i < k; i++) {
                all.add(i);
            }
            return all;
        }
        TreeSet<Integer> s = new TreeSet<>();
        long[][] c = cm.counts();
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                if (c[t][p] > 0) {
                    s.add(t);
                    s.add(p);
                }
            }
        }
        all.addAll(s);
        return all;
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

    private static String shortName(Dataset d) {
        String s = d.description();
        int comma = s.indexOf(',');
        return comma > 0 ? s.substring(0, comma) : s;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String pct(Double v) {
        return v == null ? "-" : ConfusionMatrixImage.percent(v);
    }
}
