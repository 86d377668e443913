package netviz.figures;

import static netviz.figures.ReportFigures.rerun;
import static netviz.figures.Surfaces.MODEL;
import static netviz.figures.Surfaces.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.render.Png;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SanityFigure} on the bundled model: randomising the layers from the top decorrelates
 * saliency's map from the trained one while guided backprop's stays closer (Adebayo et al. 2018);
 * the trained maps are the methods' own; {@code netviz sanity} and the report draw the same figure.
 */
public class SanityFigureTest {
    /**
     * Bound on saliency's |ρ| after every layer is randomised. Two independent random rankings of
     * 784 pixels have ρ with standard deviation 1/√783 ≈ 0.036; a randomised network's gradient keeps
     * some dependence on the input (e.g. through the ReLU pattern of the image), so the bound allows
     * several times that while staying far below the trained-vs-trained value of 1.
     */
    static final double SALIENCY_BOUND = 0.3;

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void randomisingTheModelDecorrelatesSaliencyMoreThanGuidedBackprop() {
        SanityFigure.Options o = SanityFigure.Options.defaults().withMethods(List.of(SanityFigure.Method.SALIENCY,
                SanityFigure.Method.GUIDED_BACKPROP));
        try (Session s = Session.open(MODEL)) {
            for (int i = 0; i < 3; i++) {
                Picture p = s.datasetPicture(i);
                FigureResult r = SanityFigure.make(s, p, o, Progress.NONE);
                List<Map<String, Object>> m = (List<Map<String, Object>>) r.summary().get("methods");
                double[] sal = (double[]) m.get(0).get("spearman");
                double[] gbp = (double[]) m.get(1).get("spearman");
                Map<String, Object> random = (Map<String, Object>) r.summary().get("randomOrder");
                System.out.printf(Locale.ROOT, "image %d layers %s%n  saliency rho %s del %.3f ins %.3f%n"
                                + "  guided   rho %s del %.3f ins %.3f%n  random del %.3f ins %.3f%n", i,
                        r.summary().get("layers"), Arrays.toString(sal), m.get(0).get("deletionAuc"),
                        m.get(0).get("insertionAuc"), Arrays.toString(gbp), m.get(1).get("deletionAuc"),
                        m.get(1).get("insertionAuc"), random.get("deletionAuc"), random.get("insertionAuc"));
                assertEquals(4, sal.length);
                assertTrue(Math.abs(sal[3]) < SALIENCY_BOUND, "saliency rho after every layer: " + sal[3]);
                assertTrue(gbp[3] > sal[3], "guided backprop changes less: " + gbp[3] + " vs " + sal[3]);
                assertTrue(mean(gbp) > mean(sal), "over the cascade: " + mean(gbp) + " vs " + mean(sal));
                // both trained maps restore p(class) faster than a random pixel order when inserted
                for (Map<String, Object> method : m) {
                    assertTrue((Double) method.get("insertionAuc") > (Double) random.get("insertionAuc"),
                            method.get("method") + " insertion AUC " + method.get("insertionAuc"));
                }

                // the trained model's map is saliency's own
                int cls = (Integer) r.summary().get("class");
                float[] own;
                try (NDManager scope = s.interpreter().newScope()) {
                    own = new Saliency(s.interpreter()).attribute(p.toNDArray(scope), Target.classes(cls)).example(0);
                }
                RawArray maps = r.arrays().get("maps");
                assertArrayEquals(new long[] {2, 5, 28, 28}, maps.shape());
                assertArrayEquals(own, Arrays.copyOf(maps.values(), 28 * 28));
            }
        }
    }

    @Test
    void theCliAndTheReportDrawTheSameFigure() throws Exception {
        long t0 = System.nanoTime();
        List<ReportFigures.Shown> shown = ReportFigures.of(dir.resolve("r"), 3, "sanity");
        System.out.printf(Locale.ROOT, "one-section sanity report: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ReportFigures.Shown f = shown.get(0);
        assertTrue(f.command().contains("sanity") && f.command().contains("--image"), f.command()::toString);
        assertSamePixels(Png.read(f.png()), rerun(f.command(), dir.resolve("again.png")), "report");

        Path img = f.command().get(f.command().indexOf("--image") + 1).transform(Path::of);
        JsonNode j = Surfaces.JSON.readTree(Surfaces.cli("sanity", "--model", MODEL.toString(), "--image",
                img.toString(), "--methods", "saliency", "--seed", "3", "--json", "--out",
                dir.resolve("j.png").toString()));
        assertEquals(1, j.get("methods").size());
        assertEquals(4, j.get("methods").get(0).get("spearman").size());
        assertEquals(21, j.get("methods").get(0).get("deletion").size());
    }

    @Test
    void optionsNameTheirFlags() {
        assertEquals(List.of(), SanityFigure.Options.defaults().arguments());
        assertEquals(List.of("--methods", "saliency,grad-cam", "--seed", "4", "--step", "0.1"),
                SanityFigure.Options.defaults().withMethods(List.of(SanityFigure.Method.SALIENCY,
                        SanityFigure.Method.GRAD_CAM)).withSeed(4).withStep(0.1).arguments());
        NetvizException e = assertThrows(NetvizException.class, () -> SanityFigure.Method.parse("lime"));
        assertTrue(e.getMessage().contains("--methods") && e.getMessage().contains("grad-cam"), e.getMessage());
        assertThrows(NetvizException.class, () -> SanityFigure.Options.defaults().withStep(0));
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(0);
    }
}
