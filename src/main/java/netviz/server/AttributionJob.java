package netviz.server;

import netviz.server.JobKinds.Output;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import netviz.figures.AttributionFigure;
import netviz.figures.FigureResult;
import netviz.figures.RawArray;
import netviz.methods.attribution.GradCam;
import netviz.methods.attribution.NoiseTunnel;

/**
 * saliency, guided-backprop, smoothgrad, integrated-gradients and the class activation maps grad-cam,
 * grad-cam-plus-plus and score-cam: {image, target?, layer?} (layer: the CAMs only) plus
 * SmoothGrad's {samples?, noise?} and Integrated Gradients' {steps?, baseline?}. Parameters equal to
 * their defaults are left out of the canonical parameters, so a default job keeps the id it had before
 * these parameters existed. Besides its two PNGs every job writes the recipe's raw attributions (the map
 * before drawing, float32, without the batch axis: what {@code netviz <command> --raw} writes) as
 * {@value #RAW_FILE}.
 */
final class AttributionJob extends AbstractJobKind {
    /** The raw attributions' file. */
    static final String RAW_FILE = "attributions.npy";
    /** Integrated Gradients' baselines by their web name (see {@link #baselineSpec}). */
    static final List<String> BASELINES = List.of("zero", "black", "white", "mean", "blur");
    /** The most integration steps or noise samples a web job may ask for. */
    static final int MAX_STEPS = 1000;
    /** The largest blur sigma (pixels) of a {@code blur:SIGMA} baseline. */
    static final double MAX_SIGMA = 100;

    private static final NoiseTunnel.Options SMOOTH = NoiseTunnel.Options.defaults();
    private static final AttributionFigure.Options IG = AttributionFigure.Options.of(
            AttributionFigure.Method.INTEGRATED_GRADIENTS);

    private final String name;

    AttributionJob(JobKinds kinds, String name) {
        super(kinds);
        this.name = name;
    }

    @Override
    public Set<String> accepted() {
        return switch (name) {
            case "grad-cam", "grad-cam-plus-plus", "score-cam" -> Set.of("image", "target", "layer");
            case "smoothgrad" -> Set.of("image", "target", "samples", "noise");
            case "integrated-gradients" -> Set.of("image", "target", "steps", "baseline");
            default -> Set.of("image", "target");
        };
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String image = image(p);
        Integer target = target(p);
        String layer = null;
        if (method(name).cam()) {
            if (p.has("layer")) {
                layer = s.graph().resolveTensor(p.string("layer"));
            } else {
                ModelSession.Picture pic = s.resolve(image);
                try (NDManager scope = s.interpreter().newScope()) {
                    layer = GradCam.defaultLayer(s.interpreter(), pic.toNDArray(scope));
                }
            }
        }
        Map<String, Object> c = params("image", image, "target", target, "layer", layer);
        if (name.equals("smoothgrad")) {
            int samples = p.integer("samples", SMOOTH.samples(), 1, MAX_STEPS);
            double noise = fraction(p, "noise", SMOOTH.noise());
            putUnlessDefault(c, "samples", samples, SMOOTH.samples());
            putUnlessDefault(c, "noise", noise, SMOOTH.noise());
        }
        if (name.equals("integrated-gradients")) {
            putUnlessDefault(c, "steps", p.integer("steps", IG.steps(), 1, MAX_STEPS), IG.steps());
            putUnlessDefault(c, "baseline", baseline(p), "zero");
        }
        return c;
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        ModelSession.Picture pic = s.resolve((String) params.get("image"));
        AttributionFigure.Options o = options(name, params);
        FigureResult r = AttributionFigure.panels(s.session(), picture(pic), o, progress(job));
        Map<String, BufferedImage> files = new LinkedHashMap<>();
        files.put("overlay.png", r.figures().get(0).image());
        files.put("map.png", r.figures().get(1).image());
        Map<String, Object> image = AttributionFigure.image(r, 0);
        Map<String, Object> fields = classFields(pic, AttributionFigure.targetIndex(r, 0));
        switch (name) {
            case "guided-backprop" -> fields.put("rules", r.summary().get("rules"));
            case "smoothgrad" -> {
                fields.put("samples", o.smooth().samples());
                fields.put("noise", o.smooth().noise());
            }
            case "integrated-gradients" -> {
                fields.put("score", image.get("score"));
                fields.put("baselineScore", image.get("baseline_score"));
                fields.put("completenessGap", image.get("completeness_gap"));
                fields.put("steps", o.steps());
                fields.put("baseline", params.getOrDefault("baseline", "zero"));
            }
            case "grad-cam", "grad-cam-plus-plus", "score-cam" -> {
                fields.put("layer", r.summary().get("layer"));
                fields.put("mapSize", r.summary().get("map_shape"));
            }
            default -> {
            }
        }
        fields.put(RAW_FILE, single(r.arrays().get(AttributionFigure.RAW)));
        return new Output(fields, files);
    }

    /** The recipe's options for a job of {@code kind} with these canonical parameters. */
    static AttributionFigure.Options options(String kind, Map<String, Object> params) {
        Object target = params.get("target");
        AttributionFigure.Options o = AttributionFigure.Options.of(method(kind))
                .withTarget(target == null ? null : target.toString())
                .withLayer((String) params.get("layer"));
        if (kind.equals("smoothgrad")) {
            o = o.withSmooth(SMOOTH.withSamples(((Number) params.getOrDefault("samples", SMOOTH.samples())).intValue())
                    .withNoise(((Number) params.getOrDefault("noise", SMOOTH.noise())).doubleValue()));
        }
        if (kind.equals("integrated-gradients")) {
            o = o.withSteps(((Number) params.getOrDefault("steps", IG.steps())).intValue())
                    .withBaseline(baselineSpec((String) params.getOrDefault("baseline", "zero")));
        }
        return o;
    }

    /** The recipe's array of one picture without its batch axis, as {@code --raw} writes it for one image. */
    static RawArray single(RawArray batch) {
        long[] shape = batch.shape();
        return shape.length > 1 && shape[0] == 1 ? new RawArray(batch.values(), Arrays.copyOfRange(shape, 1, shape.length))
                : batch;
    }

    /**
     * The recipe's {@code --baseline} for a web baseline: {@code zero} (0 in the model's input space),
     * {@code black} and {@code white} (pixel value 0 or 1, normalised like the image), {@code mean}
     * (the dataset's mean pixel), {@code blur} (Gaussian blur, sigma = side / 10) and {@code blur:SIGMA}.
     */
    static String baselineSpec(String web) {
        return switch (web) {
            case "black" -> "0.0";
            case "white" -> "1.0";
            default -> web;
        };
    }

    /** A canonical baseline: one of {@link #BASELINES} or {@code blur:SIGMA}, SIGMA in (0, {@value #MAX_SIGMA}]. */
    private String baseline(Params p) {
        String b = p.string("baseline");
        if (b == null) {
            return "zero";
        }
        String lower = b.toLowerCase(Locale.ROOT).replace(" ", "");
        if (BASELINES.contains(lower)) {
            return lower;
        }
        if (lower.startsWith("blur:")) {
            try {
                double sigma = Double.parseDouble(lower.substring(5));
                if (sigma > 0 && sigma <= MAX_SIGMA) {
                    return "blur:" + sigma;
                }
            } catch (NumberFormatException e) {
                // the message below says what is accepted
            }
            throw ApiException.badRequest("baseline of an integrated-gradients job: blur:SIGMA needs a blur sigma in pixels"
                    + " above 0 and at most " + (int) MAX_SIGMA + ", not '" + Util.clip(b) + "'");
        }
        throw new ApiException(400, "baseline of an integrated-gradients job must be one of "
                + String.join(", ", BASELINES) + " or blur:SIGMA, not '" + Util.clip(b) + "'",
                netviz.UnknownNameException.closest(b, BASELINES, 3));
    }

    /** A number in [0, 1] (SmoothGrad's noise level), or {@code dflt} when absent. */
    private double fraction(Params p, String param, double dflt) {
        String v = p.string(param);
        if (v == null) {
            return dflt;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= 0 && d <= 1)) {
            throw ApiException.badRequest(param + " of a " + name + " job must be a number from 0 to 1 (the noise's"
                    + " standard deviation as a fraction of the image's value range, e.g. 0.15), not '" + Util.clip(v) + "'");
        }
        return d + 0.0; // -0.0 becomes 0.0: one cache key per value
    }

    private static void putUnlessDefault(Map<String, Object> params, String key, Object value, Object dflt) {
        if (!value.equals(dflt)) {
            params.put(key, value);
        }
    }

    /** The recipe's method for a job kind. */
    static AttributionFigure.Method method(String kind) {
        return switch (kind) {
            case "saliency" -> AttributionFigure.Method.SALIENCY;
            case "smoothgrad" -> AttributionFigure.Method.SMOOTHGRAD;
            case "guided-backprop" -> AttributionFigure.Method.GUIDED_BACKPROP;
            case "integrated-gradients" -> AttributionFigure.Method.INTEGRATED_GRADIENTS;
            case "grad-cam" -> AttributionFigure.Method.GRAD_CAM;
            case "grad-cam-plus-plus" -> AttributionFigure.Method.GRAD_CAM_PLUS_PLUS;
            case "score-cam" -> AttributionFigure.Method.SCORE_CAM;
            default -> throw new IllegalStateException(kind);
        };
    }
}
