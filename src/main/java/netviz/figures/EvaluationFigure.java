package netviz.figures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import netviz.NetvizException;
import netviz.Progress;
import netviz.UnknownNameException;
import netviz.data.Dataset;
import netviz.data.ImageFolderDataset;
import netviz.data.Labels;
import netviz.methods.evaluation.ConfusionMatrix;
import netviz.methods.evaluation.Evaluation;
import netviz.render.ConfusionMatrixImage;
import netviz.render.Figure;
import netviz.session.DatasetScan;
import netviz.session.Session;

/**
 * A classifier scored on a labelled dataset ({@link Evaluation}): accuracy, the confusion matrix
 * {@code C[t][p]} (images of true class t predicted as p; Kohavi &amp; Provost 1998, "Glossary of
 * terms") drawn as a picture, and per class precision {@code C[k][k] / sum_t C[t][k]} and recall
 * {@code C[k][k] / sum_p C[k][p]}. With more than {@value #MAX_SHOWN_CLASSES} classes, the picture
 * shows only the classes that occur as truth or prediction.
 */
public final class EvaluationFigure {
    /** Above this many classes the picture shows only the classes that occur (and the CLI prints no matrix). */
    public static final int MAX_SHOWN_CLASSES = 30;

    private EvaluationFigure() {
    }

    /** Images per forward pass, and how many images are scored (0: all); the defaults are {@code netviz evaluate}'s. */
    public record Options(int batchSize, int limit) {
        public Options {
            if (batchSize < 1) {
                throw new NetvizException("--batch-size must be at least 1, got " + batchSize);
            }
            if (limit < 0) {
                throw new NetvizException("--limit must be 0 (all) or positive, got " + limit);
            }
        }

        public static Options defaults() {
            return new Options(100, 0);
        }

        public Options withBatchSize(int b) {
            return new Options(b, limit);
        }

        public Options withLimit(int n) {
            return new Options(batchSize, n);
        }

        /** The {@code netviz evaluate} flags that draw this figure (the batch size, which changes no number, is left out). */
        public List<String> arguments() {
            return limit == 0 ? List.of() : List.of("--limit", Integer.toString(limit));
        }
    }

    /**
     * Scores the model on the session's dataset, or takes the confusion matrix of the session's
     * {@link Session#scan() scan} ({@code seconds} is then 0). The summary: {@code data}, {@code preprocessing},
     * {@code examples}, {@code correct}, {@code accuracy} (null when no image was scored),
     * {@code seconds}, {@code classes} (every class name), {@code confusion} (classes x classes),
     * {@code shown} (the classes drawn) with {@code shownNames} and {@code shownConfusion}, and
     * {@code perClass}: per shown class its index, name, precision, recall (null when undefined) and support.
     */
    public static FigureResult make(Session s, Options o, Progress p) {
        DatasetScan scan = s.scan().orElse(null);
        int classes = s.classCount();
        Labels labels = s.labels();
        String data;
        String shortData;
        ConfusionMatrix cm;
        double seconds;
        if (scan != null) {
            cm = fromScan(scan, o, labels, classes);
            data = scan.description();
            shortData = scan.manifest().input();
            seconds = 0;
        } else {
            Dataset dataset = s.dataset();
            if (!dataset.labeled()) {
                throw new NetvizException("dataset " + dataset.description() + " has no labels; evaluate needs labelled data");
            }
            if (dataset.size() == 0) {
                throw new NetvizException("dataset " + dataset.description() + " is empty");
            }
            int[] classMap = classMap(labels, dataset, classes);
            Evaluation.Result r = Evaluation.run(s.forward(), dataset, classes, classMap,
                    new Evaluation.Options(o.batchSize(), o.limit(), p));
            cm = r.matrix();
            data = dataset.description();
            shortData = shortName(dataset);
            seconds = r.seconds();
        }

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
        String title = s.name() + " on " + shortData + ": accuracy "
                + ConfusionMatrixImage.percent(cm.accuracy()) + " (" + String.format(Locale.ROOT, "%,d", cm.total())
                + " images)";
        Figure fig = Figure.of(ConfusionMatrixImage.render(sub, shownNames, title));

        List<Map<String, Object>> perClass = new ArrayList<>();
        double[] precision = cm.precision();
        double[] recall = cm.recall();
        long[] support = cm.support();
        for (int c : shown) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("index", c);
            k.put("name", labels.name(c));
            k.put("precision", nullIfNaN(precision[c]));
            k.put("recall", nullIfNaN(recall[c]));
            k.put("support", support[c]);
            perClass.add(k);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("data", data);
        summary.put("preprocessing", s.preprocessing().describe());
        summary.put("examples", cm.total());
        summary.put("correct", cm.correct());
        summary.put("accuracy", nullIfNaN(cm.accuracy()));
        summary.put("seconds", seconds);
        summary.put("classes", labels.names());
        summary.put("confusion", counts);
        summary.put("shown", shown);
        summary.put("shownNames", shownNames);
        summary.put("shownConfusion", sub);
        summary.put("perClass", perClass);
        return new FigureResult(List.of(fig), Map.of(), summary);
    }

    /**
     * The confusion matrix a finished scan counted, over the model's {@code classes}: the scan's labels
     * are its source's, mapped to the model's classes by name as a pass maps a dataset's.
     */
    private static ConfusionMatrix fromScan(DatasetScan scan, Options o, Labels labels, int classes) {
        scan.requireAll(o.limit());
        if (!scan.manifest().labeled()) {
            throw new NetvizException("the scan '" + scan.dir() + "' is of unlabelled images (" + scan.manifest().input()
                    + "); evaluate needs labelled data");
        }
        List<String> names = scan.manifest().classes();
        int[] classMap;
        try {
            classMap = names.isEmpty() ? null : labels.mapNames(names);
        } catch (UnknownNameException e) {
            classMap = null;   // labels that are class indices already
        }
        // the scan's table lists non-zero cells only: laid out over the model's classes
        long[][] c = new long[classes][classes];
        long[][] have = scan.reader().confusion(classes).counts();
        for (int t = 0; t < have.length; t++) {
            for (int q = 0; q < have[t].length; q++) {
                if (have[t][q] == 0) {
                    continue;
                }
                int truth = classMap == null ? t : t < classMap.length ? classMap[t] : -1;
                if (truth < 0 || truth >= classes || q >= classes) {
                    throw new NetvizException("the scan '" + scan.dir() + "' counts label " + t + " predicted as " + q
                            + ", but the model has " + classes + " classes");
                }
                c[truth][q] += have[t][q];
            }
        }
        return ConfusionMatrix.of(c);
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

    private static String shortName(Dataset d) {
        String s = d.description();
        int comma = s.indexOf(',');
        return comma > 0 ? s.substring(0, comma) : s;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
