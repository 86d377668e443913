package netviz.methods.evaluation;

import ai.djl.ndarray.NDManager;
import java.util.List;
import netviz.ShapeMismatchException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.Progress;
import netviz.engine.Forward;

/**
 * Scores a classifier on a labelled {@link Dataset}: runs it batch by batch (never holding the
 * dataset in memory), takes each example's most probable class (see {@link Classifier}) and counts
 * (true class, predicted class) pairs in a {@link ConfusionMatrix} over the model's classes.
 * Dataset labels are mapped to model classes by {@code classMap} (dataset label → model class
 * index), so a folder whose sub-folders name some of ImageNet's classes scores an ImageNet model.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * How to evaluate.
     *
     * @param batchSize examples per forward pass (≥ 1)
     * @param limit score only the first {@code limit} examples (0 = all)
     * @param progress when to show a progress bar on stderr
     */
    public record Options(int batchSize, int limit, Progress progress) {
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
            }
        }

        /** Batches of 100, every example, a progress bar when stderr is a terminal. */
        public static Options defaults() {
            return new Options(100, 0, Progress.NONE);
        }

        public Options withBatchSize(int b) {
            return new Options(b, limit, progress);
        }

        public Options withLimit(int l) {
            return new Options(batchSize, l, progress);
        }

        public Options withProgress(Progress p) {
            return new Options(batchSize, limit, p);
        }
    }

    /**
     * The outcome.
     *
     * @param matrix counts over the model's classes
     * @param examples examples scored
     * @param seconds wall-clock time of the run
     */
    public record Result(ConfusionMatrix matrix, int examples, double seconds) {
        public double accuracy() {
            return matrix.accuracy();
        }
    }

    /**
     * Runs the evaluation.
     *
     * @param classes number of model classes (the confusion matrix size)
     * @param classMap dataset label → model class index, or null for the identity
     */
    public static Result run(Forward interpreter, Dataset data, int classes, int[] classMap, Options options) {
        if (!data.labeled()) {
            throw new ShapeMismatchException("dataset " + data.description() + " has no labels; evaluation needs them");
        }
        Classifier clf = new Classifier(interpreter);
        ConfusionMatrix cm = new ConfusionMatrix(classes);
        int n = options.limit() == 0 ? data.size() : Math.min(options.limit(), data.size());
        long t0 = System.nanoTime();
        try (Batches batches = data.batches(options.batchSize(), 0, n).withProgress(options.progress(), "evaluate")) {
            for (Batch b : batches) {
                try (NDManager scope = interpreter.newScope()) {
                    Classifier.Prediction p = clf.predict(scope, b.toNDArray(scope));
                    if (p.classes() != classes) {
                        throw new ShapeMismatchException("the model outputs " + p.classes() + " scores per example, not "
                                + classes);
                    }
                    for (int i = 0; i < b.size(); i++) {
                        int label = b.label(i);
                        int truth = classMap == null ? label : classMap[label];
                        if (truth < 0 || truth >= classes) {
                            throw new ShapeMismatchException("example " + b.id(i) + " has label " + label
                                    + ", which is not one of the model's " + classes + " classes");
                        }
                        cm.add(truth, p.argmax(i));
                    }
                }
            }
        }
        return new Result(cm, n, (System.nanoTime() - t0) / 1e9);
    }

}
