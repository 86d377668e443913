package netviz.figures;

import static netviz.figures.ReportFigures.rerun;
import static netviz.figures.Surfaces.MODEL;
import static netviz.figures.Surfaces.assertSamePixels;
import static netviz.figures.Surfaces.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import netviz.Progress;
import netviz.methods.evaluation.Classifier;
import netviz.render.Png;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EvaluationFigure}: {@code netviz evaluate} and the report's evaluation section draw the
 * same confusion matrix; its counts are the argmax of the model's scores against the true classes,
 * image by image.
 */
public class EvaluationFigureTest {
    static final int IMAGES = 40;

    @TempDir
    Path dir;

    @Test
    void theCliAndTheReportDrawTheSameMatrix() throws Exception {
        Path png = dir.resolve("cli.png");
        cli("evaluate", "--model", MODEL.toString(), "--limit", Integer.toString(IMAGES), "--no-progress",
                "--out", png.toString());
        List<ReportFigures.Shown> shown = ReportFigures.of(dir.resolve("r"), IMAGES,
                "evaluation");
        ReportFigures.Shown f = shown.get(0);
        assertTrue(String.join(" ", f.command()).contains("--limit " + IMAGES), f.command()::toString);
        assertSamePixels(Png.read(png), Png.read(f.png()), "report");
        assertSamePixels(Png.read(f.png()), rerun(f.command(), dir.resolve("again.png")), "caption");
    }

    @Test
    void theCountsAreTheArgmaxImageByImage() {
        try (Session s = Session.open(MODEL)) {
            FigureResult r = EvaluationFigure.make(s, EvaluationFigure.Options.defaults().withBatchSize(9)
                    .withLimit(IMAGES), Progress.NONE);
            int k = s.classCount();
            long[][] want = new long[k][k];
            long correct = 0;
            Classifier classifier = new Classifier(s.forward());
            for (int i = 0; i < IMAGES; i++) {
                Picture p = s.datasetPicture(i);
                try (NDManager scope = s.forward().newScope()) {
                    int predicted = classifier.predict(scope, p.toNDArray(scope)).topK(0, 1)[0];
                    want[p.label()][predicted]++;
                    correct += p.label() == predicted ? 1 : 0;
                }
            }
            long[][] got = (long[][]) r.summary().get("confusion");
            for (int t = 0; t < k; t++) {
                assertArrayEquals(want[t], got[t], "true class " + t);
            }
            assertEquals(correct, r.summary().get("correct"));
            assertEquals((long) IMAGES, r.summary().get("examples"));
            assertEquals((double) correct / IMAGES, (Double) r.summary().get("accuracy"), 1e-12);
            assertEquals(s.labels().names(), r.summary().get("classes"));
            assertEquals(List.of("--limit", "40"), EvaluationFigure.Options.defaults().withLimit(IMAGES).arguments());
        }
    }
}
