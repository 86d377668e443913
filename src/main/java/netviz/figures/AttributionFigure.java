package netviz.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.engine.Interpreter;
import netviz.methods.attribution.Attribution;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Baseline;
import netviz.methods.attribution.Deconvnet;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.GradCamPlusPlus;
import netviz.methods.attribution.GradientSupport;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.GuidedGradCam;
import netviz.methods.attribution.IntegratedGradients;
import netviz.methods.attribution.NoiseTunnel;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.ScoreCam;
import netviz.methods.attribution.Target;
import netviz.render.Colormap;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.ValueRange;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * The gradient attribution figures, one row of panels per image, for a class score or (guided
 * backpropagation) any neuron:
 * <ul>
 *   <li>{@link Method#SALIENCY}: the image-specific class saliency map of Simonyan, Vedaldi and
 *       Zisserman (2014), M(i,j) = max_c |∂S/∂I(c,i,j)|: input, map, map over the input;</li>
 *   <li>{@link Method#SMOOTHGRAD}: the same map averaged over noisy copies of the image (Smilkov et
 *       al. 2017, a {@link NoiseTunnel}); {@code --smooth N} on the command line;</li>
 *   <li>{@link Method#GUIDED_BACKPROP} and {@link Method#DECONVNET}: the gradient with the guided
 *       ReLU rule (Springenberg et al. 2015) or the deconvnet rule (Zeiler and Fergus 2014), shown
 *       signed (0 is mid-gray), for a neuron also the image region it sees; either may be smoothed;</li>
 *   <li>{@link Method#INTEGRATED_GRADIENTS}: (x − x') times the gradient averaged along the straight
 *       path from the baseline x' (Sundararajan, Taly and Yan 2017), summed over channels, with the
 *       completeness gap per image;</li>
 *   <li>{@link Method#GRAD_CAM}: Grad-CAM (Selvaraju et al. 2017) at its layer's resolution and
 *       upsampled over the input; with {@code guided}, guided Grad-CAM too.</li>
 *   <li>{@link Method#GRAD_CAM_PLUS_PLUS}: Grad-CAM++ (Chattopadhay et al. 2018), each position's
 *       gradient weighted by α = g² / (2g² + Σ A·g³), drawn like Grad-CAM;</li>
 *   <li>{@link Method#SCORE_CAM}: Score-CAM (Wang et al. 2020), the channel weights from forward
 *       passes: the increase of the class's softmax score when the image is masked by each
 *       normalised, upsampled feature map (blended with {@code baseline}, {@code batch} masks per
 *       pass), drawn like Grad-CAM; it needs no gradient, so its map need not be empty where
 *       Grad-CAM's is.</li>
 * </ul>
 * Under every map panel a line gives the map's actual min and max, or says "empty map (all 0)" or
 * "near-constant map" ({@link AttributionPanels}), so that an empty Grad-CAM never passes for a dark one.
 * <p>
 * The result holds one figure per image (a row), preceded by the contact sheet of the rows when
 * there are several; the raw array {@value #RAW} (the method's result, batch first); and the summary
 * {@code method}, {@code images} (per image: {@code target} in words, its {@code index}, and the
 * method's numbers) plus the method's facts ({@code layer}, {@code map_shape}, {@code rules}).
 */
public final class AttributionFigure {
    /** The name of the raw array in the result. */
    public static final String RAW = "attributions";
    /** Score-CAM's masked inputs per forward pass by default ({@code --batch}). */
    public static final int SCORE_CAM_BATCH = 32;

    /** The attribution method; {@link #command()} is the {@code netviz} command that draws it. */
    public enum Method {
        SALIENCY("saliency", "saliency"),
        SMOOTHGRAD("saliency", "saliency"),
        GUIDED_BACKPROP("guided-backprop", "guided backprop"),
        DECONVNET("guided-backprop", "deconvnet"),
        INTEGRATED_GRADIENTS("integrated-gradients", "integrated gradients"),
        GRAD_CAM("grad-cam", "grad-cam"),
        GRAD_CAM_PLUS_PLUS("grad-cam-plus-plus", "grad-cam++"),
        SCORE_CAM("score-cam", "score-cam");

        private final String command;
        private final String title;

        Method(String command, String title) {
            this.command = command;
            this.title = title;
        }

        /** The {@code netviz} command. */
        public String command() {
            return command;
        }

        /** The method's name in titles, summaries and default file names ("guided backprop"). */
        public String title() {
            return title;
        }

        boolean guided() {
            return this == GUIDED_BACKPROP || this == DECONVNET;
        }

        /** Whether it is a class activation map (Grad-CAM, Grad-CAM++, Score-CAM): a weighted sum of a layer's maps. */
        public boolean cam() {
            return this == GRAD_CAM || this == GRAD_CAM_PLUS_PLUS || this == SCORE_CAM;
        }
    }

    /**
     * @param method   the attribution method
     * @param target   the class to explain, an index or a class name ({@code --target}; null: the predicted class)
     * @param smooth   SmoothGrad's noise ({@code --smooth N --noise S --seed S --batch B}); null: none. Required
     *                 by (and defaulted for) SMOOTHGRAD; SALIENCY with it becomes SMOOTHGRAD
     * @param layer    GRAD_CAM, GRAD_CAM_PLUS_PLUS, SCORE_CAM: their layer (null: the last feature map); guided
     *                 methods: the neuron's layer
     * @param channel  guided methods: the neuron's channel (with {@code layer})
     * @param position guided methods: the neuron's position {y, x} (null: where its channel is largest)
     * @param guided   GRAD_CAM: also guided Grad-CAM ({@code --guided})
     * @param steps    INTEGRATED_GRADIENTS: points of the Riemann sum (paper: 20 to 300)
     * @param baseline INTEGRATED_GRADIENTS: the path's start; SCORE_CAM: what a zero mask leaves (zero, blur,
     *                 blur:SIGMA, mean or R,G,B)
     * @param riemann  INTEGRATED_GRADIENTS: the Riemann rule
     * @param batch    INTEGRATED_GRADIENTS: path points per forward/backward pass; SCORE_CAM: masked inputs per
     *                 forward pass (default {@value #SCORE_CAM_BATCH})
     */
    public record Options(Method method, String target, NoiseTunnel.Options smooth, String layer, Integer channel,
                          int[] position, boolean guided, int steps, String baseline, IntegratedGradients.Rule riemann,
                          int batch) {
        public Options {
            if (method == null) {
                throw new NetvizException("no attribution method given");
            }
            if (method == Method.SALIENCY && smooth != null) {
                method = Method.SMOOTHGRAD;
            }
            if (method == Method.SMOOTHGRAD && smooth == null) {
                smooth = NoiseTunnel.Options.defaults();
            }
            if (smooth != null && !(method == Method.SMOOTHGRAD || method.guided())) {
                throw new NetvizException("--smooth applies to saliency and guided backpropagation, not " + method.title());
            }
            if (method.guided()) {
                if ((layer == null) != (channel == null)) {
                    throw new NetvizException("a neuron needs both --layer L and --channel C");
                }
                if (position != null && layer == null) {
                    throw new NetvizException("--position needs --layer and --channel");
                }
                if (position != null && position.length != 2) {
                    throw new OutOfRangeException("--position takes y,x (two numbers), not " + position.length
                            + " numbers");
                }
                if (layer != null && target != null) {
                    throw new NetvizException("give either --target (a class) or --layer/--channel (a neuron), not both");
                }
            } else if (channel != null || position != null) {
                throw new NetvizException("--channel and --position name a neuron for guided-backprop, not for "
                        + method.title());
            }
            if (layer != null && !(method.guided() || method.cam())) {
                throw new NetvizException("--layer applies to grad-cam, grad-cam++, score-cam and guided-backprop, not "
                        + method.title());
            }
            if (guided && method != Method.GRAD_CAM) {
                throw new NetvizException("--guided applies to grad-cam, not " + method.title());
            }
            if (riemann == null) {
                riemann = IntegratedGradients.Rule.MIDPOINT;
            }
            if (baseline == null) {
                baseline = "zero";
            }
            // the method's own checks, with its messages
            if (method == Method.SCORE_CAM) {
                new ScoreCam.Options(Baseline.zero(), batch);
            } else {
                new IntegratedGradients.Options(steps, null, riemann, batch);
            }
            AttributionInputs.parse("--baseline", baseline);
            position = position == null ? null : position.clone();
        }

        /**
         * The method with its defaults: the predicted class, 50 midpoint steps from a zero baseline, batch 16
         * (Score-CAM: a zero baseline, {@value #SCORE_CAM_BATCH} masked inputs per pass).
         */
        public static Options of(Method method) {
            return new Options(method, null, null, null, null, null, false, 50, "zero",
                    IntegratedGradients.Rule.MIDPOINT, defaultBatch(method));
        }

        private static int defaultBatch(Method method) {
            return method == Method.SCORE_CAM ? SCORE_CAM_BATCH : 16;
        }

        @Override
        public int[] position() {
            return position == null ? null : position.clone();
        }

        public Options withTarget(String t) {
            return new Options(method, t, smooth, layer, channel, position, guided, steps, baseline, riemann, batch);
        }

        public Options withSmooth(NoiseTunnel.Options s) {
            return new Options(method, target, s, layer, channel, position, guided, steps, baseline, riemann, batch);
        }

        public Options withLayer(String l) {
            return new Options(method, target, smooth, l, channel, position, guided, steps, baseline, riemann, batch);
        }

        /** A neuron target: channel {@code c} of {@code l} at {@code yx} (null: the channel's maximum). */
        public Options withNeuron(String l, Integer c, int[] yx) {
            return new Options(method, target, smooth, l, c, yx, guided, steps, baseline, riemann, batch);
        }

        public Options withGuided(boolean g) {
            return new Options(method, target, smooth, layer, channel, position, g, steps, baseline, riemann, batch);
        }

        public Options withSteps(int s) {
            return new Options(method, target, smooth, layer, channel, position, guided, s, baseline, riemann, batch);
        }

        public Options withBaseline(String b) {
            return new Options(method, target, smooth, layer, channel, position, guided, steps, b, riemann, batch);
        }

        public Options withRiemann(IntegratedGradients.Rule r) {
            return new Options(method, target, smooth, layer, channel, position, guided, steps, baseline, r, batch);
        }

        public Options withBatch(int b) {
            return new Options(method, target, smooth, layer, channel, position, guided, steps, baseline, riemann, b);
        }

        /** The {@code netviz} command that draws this figure. */
        public String command() {
            return method.command();
        }

        /**
         * The flags of {@link #command()} that reproduce exactly this figure (without the model, data,
         * input and output paths); defaults are left out.
         */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            if (target != null) {
                a.addAll(List.of("--target", target));
            }
            if (method == Method.DECONVNET) {
                a.addAll(List.of("--rule", "deconvnet"));
            }
            if (method.guided() && layer != null) {
                a.addAll(List.of("--layer", layer, "--channel", Integer.toString(channel)));
                if (position != null) {
                    a.addAll(List.of("--position", position[0] + "," + position[1]));
                }
            }
            if (smooth != null) {
                NoiseTunnel.Options d = NoiseTunnel.Options.defaults();
                a.addAll(List.of("--smooth", Integer.toString(smooth.samples())));
                if (smooth.noise() != d.noise()) {
                    a.addAll(List.of("--noise", Double.toString(smooth.noise())));
                }
                if (smooth.seed() != d.seed()) {
                    a.addAll(List.of("--seed", Long.toString(smooth.seed())));
                }
                if (smooth.batch() != d.batch()) {
                    a.addAll(List.of("--batch", Integer.toString(smooth.batch())));
                }
            }
            if (method.cam() && layer != null) {
                a.addAll(List.of("--layer", layer));
            }
            if (guided) {
                a.add("--guided");
            }
            if (method == Method.INTEGRATED_GRADIENTS && steps != 50) {
                a.addAll(List.of("--steps", Integer.toString(steps)));
            }
            if ((method == Method.INTEGRATED_GRADIENTS || method == Method.SCORE_CAM) && !baseline.equals("zero")) {
                a.addAll(List.of("--baseline", baseline));
            }
            if (method == Method.INTEGRATED_GRADIENTS && riemann != IntegratedGradients.Rule.MIDPOINT) {
                a.addAll(List.of("--riemann", riemann.name()));
            }
            if ((method == Method.INTEGRATED_GRADIENTS || method == Method.SCORE_CAM) && batch != defaultBatch(method)) {
                a.addAll(List.of("--batch", Integer.toString(batch)));
            }
            return a;
        }
    }

    private AttributionFigure() {
    }

    /**
     * Explains every picture with {@code o.method()} on the session's model: one row of panels per
     * picture (see the class comment). Pictures must share one shape; they are computed as one batch.
     */
    public static FigureResult make(Session s, List<Picture> pictures, Options o, Progress p) {
        Drawing d = draw(s, pictures, o, p, false);
        return AttributionPanels.result(d.rows(), d.arrays(), d.summary());
    }

    /**
     * The panels the web app shows for one picture, in this order: the map over the picture
     * ({@code overlay.png}; for guided backpropagation max_c |g| over the picture) and the map at
     * display size ({@code map.png}: the heatmap with its colour bar, or the signed gradient); drawn
     * exactly as in {@link #make}'s rows. Summary and raw array as {@link #make}'s.
     */
    public static FigureResult panels(Session s, Picture picture, Options o, Progress p) {
        Drawing d = draw(s, List.of(picture), o, p, true);
        Map<String, Figure> named = d.web().get(0);
        return new FigureResult(List.of(named.get("overlay"), named.get("map")), d.arrays(), d.summary());
    }

    /** The rows, the web panels by name (when asked for), the raw array and the summary. */
    private record Drawing(List<Figure> rows, List<Map<String, Figure>> web, Map<String, RawArray> arrays,
                           Map<String, Object> summary) {
    }

    private static Drawing draw(Session s, List<Picture> pictures, Options o, Progress p, boolean web) {
        Progress progress = Progress.orNone(p);
        List<String> names = AttributionInputs.names(s);
        Interpreter ip = s.interpreter();
        Target target;
        if (o.method().guided() && o.layer() != null) {
            s.graph().resolveTensor(o.layer());
            int[] yx = o.position();
            target = yx == null ? Target.neuron(o.layer(), o.channel())
                    : Target.neuron(o.layer(), o.channel(), yx[0], yx[1]);
        } else {
            target = AttributionInputs.classTarget(o.target(), names);
        }
        Computed c;
        try (NDManager scope = ip.newScope()) {
            NDArray x = AttributionInputs.stack(scope, pictures);
            c = compute(s, x, pictures.get(0), target, o, progress);
        }
        Attributions a = c.raw();
        List<Figure> rows = new ArrayList<>();
        List<Map<String, Figure>> webPanels = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            Map<String, Object> d = AttributionInputs.detail(s, names, a.target(), i);
            String what = AttributionInputs.describe(s, names, a.target(), i);
            Map<String, Figure> named = new LinkedHashMap<>();
            List<String> captions = new ArrayList<>(List.of("input"));
            String title = drawOne(pictures.get(i), i, o, c, web, named, captions, d) + " — " + what;
            List<Figure> panels = new ArrayList<>();
            named.forEach((k, f) -> {
                if (!k.equals("web overlay")) {
                    panels.add(f);
                }
            });
            rows.add(AttributionPanels.row(title, panels, captions));
            if (web) {
                Map<String, Figure> w = new LinkedHashMap<>();
                w.put("overlay", named.containsKey("web overlay") ? named.get("web overlay") : named.get("overlay"));
                w.put("map", named.get("map"));
                webPanels.add(w);
            }
            details.add(d);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", o.method().title());
        summary.put("images", details);
        if (c.layer() != null) {
            summary.put("layer", c.layer());
            summary.put("map_shape", new int[] {(int) a.shape()[1], (int) a.shape()[2]});
        }
        if (c.rules() != null) {
            summary.put("rules", c.rules().ruleSummary());
            summary.put("relu_only", c.rules().isReluOnly());
        }
        return new Drawing(rows, webPanels, Map.of(RAW, new RawArray(a.values(), a.shape())), summary);
    }

    /**
     * Draws picture i's panels into {@code named} ("input", "map", "overlay", "region", "guided"; with
     * {@code web}, "web overlay" where the web app's overlay is not a panel of the row), their captions
     * into {@code captions}, its numbers into {@code d}; returns the row's title before the target.
     */
    private static String drawOne(Picture pic, int i, Options o, Computed c, boolean web, Map<String, Figure> named,
                                  List<String> captions, Map<String, Object> d) {
        int ch = pic.channels();
        int h = pic.height();
        int w = pic.width();
        int[] display = AttributionPanels.size(h, w);
        Attributions a = c.raw();
        BufferedImage picture = AttributionPanels.picture(pic);
        named.put("input", Figure.of(picture));
        switch (o.method()) {
            case SALIENCY, SMOOTHGRAD -> {
                float[] m = a.example(i);
                ValueRange range = AttributionPanels.zeroToMax(m);
                named.put("map", AttributionPanels.heat(m, h, w, display, range, Colormap.MAGMA, ""));
                named.put("overlay", AttributionPanels.overlay(picture, m, h, w, range, Colormap.MAGMA));
                captions.addAll(List.of("max_c |dS/dI|", "over the input"));
                d.put("max", range.hi());
                return o.smooth() != null ? "SmoothGrad saliency" : "Saliency";
            }
            case GUIDED_BACKPROP, DECONVNET -> {
                float[] g = a.example(i);
                named.put("map", AttributionPanels.signed(g, ch, h, w, display));
                captions.add((o.smooth() != null ? "SmoothGrad " : "") + o.method().title());
                if (c.boxes() != null) {
                    int[] b = c.boxes()[i];
                    int f = display[0] / h;
                    BufferedImage crop = picture.getSubimage(b[1] * f, b[0] * f, (b[3] - b[1] + 1) * f,
                            (b[2] - b[0] + 1) * f);
                    int side = Math.max(crop.getWidth(), crop.getHeight());
                    int scale = Math.max(1, display[0] / side);
                    named.put("region", Figure.of(Images.resize(crop, crop.getWidth() * scale,
                            crop.getHeight() * scale, false)));
                    captions.add("region it sees: y " + b[0] + "–" + b[2] + ", x " + b[1] + "–" + b[3]);
                    d.put("region", b.clone());
                }
                if (web) {
                    float[] mag = AttributionPanels.maxAbsOverChannels(g, ch, h * w);
                    named.put("web overlay", AttributionPanels.overlay(picture, mag, h, w,
                            AttributionPanels.zeroToMax(mag), Colormap.MAGMA));
                }
                String t = o.method().title();
                return t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
            }
            case INTEGRATED_GRADIENTS -> {
                float[] sum = AttributionPanels.sumOverChannels(a.example(i), ch, h * w);
                float[] pos = AttributionPanels.positive(sum);
                ValueRange sym = ValueRange.symmetric(sum);
                named.put("map", AttributionPanels.heat(sum, h, w, display, sym, Colormap.DIVERGING, ""));
                named.put("overlay", AttributionPanels.overlay(picture, pos, h, w, AttributionPanels.zeroToMax(pos),
                        Colormap.MAGMA));
                captions.addAll(List.of("attribution (sum over channels)", "positive part over the input"));
                IntegratedGradients.Result r = c.integrated();
                d.put("score", r.score()[i]);
                d.put("baseline_score", r.baselineScore()[i]);
                d.put("sum_of_attributions", a.sum(i));
                d.put("completeness_gap", r.gap(i));
                d.put("relative_gap", r.relativeGap(i));
                return "Integrated gradients";
            }
            case GRAD_CAM, GRAD_CAM_PLUS_PLUS, SCORE_CAM -> {
                String name = camName(o.method());
                int mh = (int) a.shape()[1];
                int mw = (int) a.shape()[2];
                float[] map = a.example(i);
                float[] up = c.upsampled().example(i);
                named.put("map", AttributionPanels.heat(map, mh, mw, display, AttributionPanels.zeroToMax(map),
                        Colormap.MAGMA, ""));
                named.put("overlay", AttributionPanels.overlay(picture, up, h, w, AttributionPanels.zeroToMax(up),
                        Colormap.MAGMA));
                captions.addAll(List.of(name + " at " + c.layer() + " (" + mh + "x" + mw + ")",
                        "upsampled over the input"));
                if (c.guidedGradCam() != null) {
                    named.put("guided", AttributionPanels.signed(c.guidedGradCam().example(i), ch, h, w, display));
                    captions.add("guided Grad-CAM");
                }
                d.put("layer", c.layer());
                d.put("map", mh + "x" + mw);
                return name;
            }
            default -> throw new IllegalStateException(o.method().name());
        }
    }

    /** The class activation map's name in titles and captions. */
    private static String camName(Method m) {
        return switch (m) {
            case GRAD_CAM_PLUS_PLUS -> "Grad-CAM++";
            case SCORE_CAM -> "Score-CAM";
            default -> "Grad-CAM";
        };
    }

    /** What the method computed for the batch, with what its panels need besides the raw result. */
    private record Computed(Attributions raw, IntegratedGradients.Result integrated, Attributions upsampled,
                            Attributions guidedGradCam, String layer, int[][] boxes, GuidedBackprop rules) {
    }

    private static Computed compute(Session s, NDArray x, Picture first, Target target, Options o, Progress p) {
        Interpreter ip = s.interpreter();
        switch (o.method()) {
            case SALIENCY, SMOOTHGRAD, GUIDED_BACKPROP, DECONVNET -> {
                GuidedBackprop rules = o.method() == Method.GUIDED_BACKPROP ? new GuidedBackprop(ip) : null;
                Attribution method = switch (o.method()) {
                    case GUIDED_BACKPROP -> rules;
                    case DECONVNET -> new Deconvnet(ip);
                    default -> new Saliency(s.gradients());
                };
                if (o.smooth() != null) {
                    NoiseTunnel.Options n = o.smooth();
                    long calls = ((long) x.getShape().get(0) * n.samples() + n.batch() - 1) / n.batch();
                    method = new NoiseTunnel(s.gradients(), counting(method, calls, p), n);
                }
                Attributions a = method.attribute(x, target);
                int[][] boxes = o.method().guided() && o.layer() != null
                        ? GradientSupport.boxes(ip, x, a.target()) : null;
                return new Computed(a, null, null, null, null, boxes, rules);
            }
            case INTEGRATED_GRADIENTS -> {
                IntegratedGradients.Options io = new IntegratedGradients.Options(o.steps(),
                        AttributionInputs.baseline("--baseline", o.baseline(), s, first), o.riemann(), o.batch());
                IntegratedGradients.Result r = new IntegratedGradients(s.gradients(), io, p).run(x, target);
                return new Computed(r.attributions(), r, null, null, null, null, null);
            }
            case GRAD_CAM, GRAD_CAM_PLUS_PLUS, SCORE_CAM -> {
                p.checkCancelled();
                String used;
                Attributions a;
                if (o.method() == Method.SCORE_CAM) {
                    ScoreCam cam = new ScoreCam(ip, o.layer(), new ScoreCam.Options(
                            AttributionInputs.baseline("--baseline", o.baseline(), s, first), o.batch()));
                    used = cam.layer(x);
                    a = cam.attribute(x, target);
                } else if (o.method() == Method.GRAD_CAM_PLUS_PLUS) {
                    GradCamPlusPlus cam = new GradCamPlusPlus(ip, o.layer());
                    used = cam.layer(x);
                    a = cam.attribute(x, target);
                } else {
                    GradCam cam = new GradCam(ip, o.layer());
                    used = cam.layer(x);
                    a = cam.attribute(x, target);
                }
                Attributions up = GradCam.upsample(a, first.height(), first.width());
                GuidedBackprop rules = o.guided() ? new GuidedBackprop(ip) : null;
                Attributions ggc = o.guided() ? new GuidedGradCam(ip, used).attribute(x, Target.of(a.target())) : null;
                return new Computed(a, null, up, ggc, used, null, rules);
            }
            default -> throw new IllegalStateException(o.method().name());
        }
    }

    /** Counts the wrapped method's calls so that a noise tunnel reports its progress as "SmoothGrad". */
    private static Attribution counting(Attribution inner, long calls, Progress p) {
        long[] done = {0};
        return new Attribution() {
            @Override
            public Attributions attribute(NDArray inputs, Target target) {
                p.checkCancelled();
                Attributions a = inner.attribute(inputs, target);
                p.update("SmoothGrad", ++done[0], calls);
                return a;
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /** The class explained for picture {@code i} of a result (its target's index). */
    public static int targetIndex(FigureResult r, int i) {
        Object index = image(r, i).get("index");
        return index instanceof int[] a ? a[0] : ((Number) index).intValue();
    }

    /** The summary of picture {@code i}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> image(FigureResult r, int i) {
        return ((List<Map<String, Object>>) r.summary().get("images")).get(i);
    }
}
