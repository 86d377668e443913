package netviz.figures;

import netviz.render.Images;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.engine.Interpreter;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.methods.evaluation.DeletionInsertion;
import netviz.methods.evaluation.MapSimilarity;
import netviz.methods.evaluation.ParameterRandomization;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * Sanity checks and faithfulness of attribution maps, for one image:
 * <ul>
 * <li>cascading model-parameter randomisation (Adebayo et al. 2018, "Sanity Checks for Saliency
 * Maps"; {@link ParameterRandomization}): each method's map for the trained model, then after
 * re-initialising the parameterised layers one more at a time from the top, with the Spearman rank
 * correlation and SSIM of |original| and |randomised| maps. A method that explains the model
 * produces maps that decorrelate as the model is destroyed;</li>
 * <li>the deletion and insertion areas (Petsiuk et al. 2018, "RISE"; {@link DeletionInsertion}) of each
 * trained map, 5 % of the pixels per step, deleted pixels set to zero and the insertion canvas a
 * Gaussian blur (σ = max(H, W)/10), as the paper does; plus a seeded random pixel order as the
 * reference a map should beat.</li>
 * </ul>
 * The figure has a row per method: the trained model's map, then one column per randomised layer
 * (top-down, cumulative), each panel scaled to its own range, captioned with ρ. Every method
 * explains the trained model's predicted class (or {@code --target}) at every step. Each map is
 * one value per pixel: the largest |value| over channels (Grad-CAM: upsampled to the image).
 */
public final class SanityFigure {
    /** Display size of one map panel. */
    static final int PANEL = 112;

    private SanityFigure() {
    }

    /** The attribution methods compared. */
    public enum Method {
        SALIENCY("saliency", "Saliency"),
        GUIDED_BACKPROP("guided-backprop", "Guided backprop"),
        INTEGRATED_GRADIENTS("integrated-gradients", "Integrated gradients"),
        GRAD_CAM("grad-cam", "Grad-CAM");

        private final String flag;
        private final String title;

        Method(String flag, String title) {
            this.flag = flag;
            this.title = title;
        }

        /** The name on the command line ({@code --methods}). */
        public String flag() {
            return flag;
        }

        public String title() {
            return title;
        }

        /** The method named {@code name}; fails naming the accepted names. */
        public static Method parse(String name) {
            for (Method m : values()) {
                if (m.flag.equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new NetvizException("--methods: unknown method '" + name + "'; use saliency, guided-backprop, "
                    + "integrated-gradients, grad-cam");
        }
    }

    /**
     * @param methods the methods, in row order (default: all four)
     * @param seed    seeds the re-initialisation and the random reference order (default 0)
     * @param target  the class to explain (index or name), null for the predicted class
     * @param step    the fraction of pixels deleted or inserted per step (default 0.05, as RISE)
     */
    public record Options(List<Method> methods, long seed, String target, double step) {
        public Options {
            methods = List.copyOf(methods);
            if (methods.isEmpty()) {
                throw new NetvizException("--methods: name at least one method (saliency, guided-backprop, "
                        + "integrated-gradients, grad-cam)");
            }
            if (methods.stream().distinct().count() != methods.size()) {
                throw new NetvizException("--methods: each method at most once, got " + methods);
            }
            if (!(step > 0 && step <= 0.5)) {
                throw new OutOfRangeException("--step " + step + " must be a fraction in (0, 0.5]");
            }
        }

        public static Options defaults() {
            return new Options(List.of(Method.values()), 0, null, 0.05);
        }

        public Options withMethods(List<Method> m) {
            return new Options(m, seed, target, step);
        }

        public Options withSeed(long s) {
            return new Options(methods, s, target, step);
        }

        public Options withTarget(String t) {
            return new Options(methods, seed, t, step);
        }

        public Options withStep(double s) {
            return new Options(methods, seed, target, s);
        }

        /** The {@code netviz sanity} flags that reproduce this figure (without model and image paths). */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (!methods.equals(List.of(Method.values()))) {
                a.add("--methods");
                a.add(String.join(",", methods.stream().map(Method::flag).toList()));
            }
            if (seed != 0) {
                a.add("--seed");
                a.add(Long.toString(seed));
            }
            if (target != null) {
                a.add("--target");
                a.add(target);
            }
            if (step != 0.05) {
                a.add("--step");
                a.add(Double.toString(step));
            }
            return a;
        }
    }

    /** The cascade, the curves and the figure for {@code picture}. */
    public static FigureResult make(Session s, Picture picture, Options o, Progress p) {
        Interpreter trained = s.interpreter();
        int c = picture.channels();
        int h = picture.height();
        int w = picture.width();
        float[] x = picture.input();
        Target asked = AttributionInputs.classTarget(o.target(), AttributionInputs.names(s));
        int cls;
        String camLayer = null;
        try (NDManager scope = trained.newScope()) {
            NDArray in = picture.toNDArray(scope);
            cls = new Saliency(trained).attribute(in, asked).target().index(0);
            if (o.methods().contains(Method.GRAD_CAM)) {
                camLayer = new GradCam(trained).layer(in);
            }
        }
        Target t = Target.classes(cls);
        String layer = camLayer;
        ParameterRandomization.Explainer explainer = ip -> {
            List<float[]> maps = new ArrayList<>();
            try (NDManager scope = ip.newScope()) {
                NDArray in = picture.toNDArray(scope);
                for (Method m : o.methods()) {
                    Attributions a = switch (m) {
                        case SALIENCY -> new Saliency(ip).attribute(in, t);
                        case GUIDED_BACKPROP -> new GuidedBackprop(ip).attribute(in, t);
                        case INTEGRATED_GRADIENTS -> new IntegratedGradients(ip, IntegratedGradients.Options.defaults())
                                .attribute(in, t);
                        case GRAD_CAM -> GradCam.upsample(new GradCam(ip, layer).attribute(in, t), h, w);
                    };
                    float[] v = a.example(0);
                    maps.add(v.length == h * w ? MapSimilarity.abs(v) : AttributionPanels.maxAbsOverChannels(v, c, h * w));
                }
            }
            return maps;
        };
        ParameterRandomization.Cascade cascade = ParameterRandomization.cascade(trained, o.seed(), explainer,
                new int[] {h, w}, p);

        String score = s.scoreTensor();
        int[] chw = {c, h, w};
        float[] removed = Baseline.zero().image(x, c, h, w);
        float[] canvas = Baseline.blur().image(x, c, h, w);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<ParameterRandomization.Layer> layers = cascade.layers();
        List<String> layerNames = layers.stream().map(ParameterRandomization.Layer::node).toList();
        for (int m = 0; m < o.methods().size(); m++) {
            float[] map = cascade.maps().get(0).get(m);
            DeletionInsertion.Curve del = DeletionInsertion.deletion(trained, score, x, chw, map, removed, cls, o.step());
            DeletionInsertion.Curve ins = DeletionInsertion.insertion(trained, score, x, chw, map, canvas, cls, o.step());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", o.methods().get(m).flag());
            r.put("spearman", cascade.spearman()[m]);
            r.put("ssim", cascade.ssim()[m]);
            r.put("deletionAuc", del.auc());
            r.put("insertionAuc", ins.auc());
            r.put("deletion", del.probability());
            r.put("insertion", ins.probability());
            rows.add(r);
        }
        float[] random = new float[h * w];
        Random rnd = new Random(o.seed());
        for (int i = 0; i < random.length; i++) {
            random[i] = rnd.nextFloat();
        }
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("deletionAuc", DeletionInsertion.deletion(trained, score, x, chw, random, removed, cls, o.step()).auc());
        reference.put("insertionAuc", DeletionInsertion.insertion(trained, score, x, chw, random, canvas, cls, o.step()).auc());

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("image", picture.id());
        summary.put("class", cls);
        summary.put("className", s.className(cls));
        summary.put("seed", o.seed());
        summary.put("step", o.step());
        summary.put("randomisation", "Gaussian N(0, sd of the original tensor), cumulative from the top");
        summary.put("layers", layerNames);
        summary.put("methods", rows);
        summary.put("randomOrder", reference);
        if (camLayer != null) {
            summary.put("gradCamLayer", camLayer);
        }

        int[] display = {PANEL, PANEL};
        List<Figure> figureRows = new ArrayList<>();
        figureRows.add(AttributionPanels.row("Input",
                List.of(Figure.of(Images.resize(AttributionPanels.picture(picture), PANEL, PANEL, false))),
                List.of("class " + s.className(cls))));
        float[] all = new float[o.methods().size() * (layers.size() + 1) * h * w];
        for (int m = 0; m < o.methods().size(); m++) {
            List<Figure> panels = new ArrayList<>();
            List<String> captions = new ArrayList<>();
            for (int k = 0; k <= layers.size(); k++) {
                float[] map = cascade.maps().get(k).get(m);
                System.arraycopy(map, 0, all, (m * (layers.size() + 1) + k) * h * w, h * w);
                panels.add(AttributionPanels.heat(map, h, w, display, AttributionPanels.zeroToMax(map), Colormap.MAGMA,
                        ""));
                captions.add(k == 0 ? "trained model" : "up to " + layerNames.get(k - 1) + String.format(Locale.ROOT,
                        ": \u03c1 %.2f", cascade.spearman()[m][k - 1]));
            }
            Map<String, Object> r = rows.get(m);
            figureRows.add(AttributionPanels.row(o.methods().get(m).title() + String.format(Locale.ROOT,
                    "  (deletion AUC %.3f, insertion AUC %.3f)", (Double) r.get("deletionAuc"),
                    (Double) r.get("insertionAuc")), panels, captions));
        }
        Map<String, RawArray> arrays = new LinkedHashMap<>();
        arrays.put("maps", new RawArray(all, new long[] {o.methods().size(), layers.size() + 1, h, w}));
        return new FigureResult(List.of(AttributionPanels.sheet(figureRows)), arrays, summary);
    }
}
