package netviz.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import netviz.ModelFormatException;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.ValueInfo;

/**
 * What a model says about its own input and output in ONNX {@code metadata_props}. netviz reads and
 * writes two keys:
 * <ul>
 * <li>{@value #PREPROCESSING_KEY}: a JSON object
 *     {@code {"preset": "fashion-mnist", "size": 28, "crop": 28, "channels": 1, "mean": [0.2860],
 *     "std": [0.3530]}} — the {@link Preprocessing} the model was trained with (see its JSON form;
 *     {@code size} is the shorter side after resizing, {@code crop} the centre-crop side, {@code channels}
 *     1 or 3, {@code mean}/{@code std} per channel on the [0, 1] scale);</li>
 * <li>{@value #LABELS_KEY}: a JSON array of strings, the class names in output index order, e.g.
 *     {@code ["T-shirt/top", "Trouser", ...]}.</li>
 * </ul>
 * A model with these keys is used with them automatically; without them the preset named by the user
 * or a default guessed from the input shape decides ({@link #resolvePreprocessing}).
 */
public final class ModelConfig {
    /** Metadata key of the preprocessing JSON object. */
    public static final String PREPROCESSING_KEY = "netviz.preprocessing";
    /** Metadata key of the class-name JSON array. */
    public static final String LABELS_KEY = "netviz.labels";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Preprocessing preprocessing;
    private final List<String> labels;

    public ModelConfig(Preprocessing preprocessing, List<String> labels) {
        this.preprocessing = preprocessing;
        this.labels = labels == null ? null : List.copyOf(labels);
    }

    /** No metadata. */
    public static ModelConfig empty() {
        return new ModelConfig(null, null);
    }

    /** Reads the keys from a graph's metadata. */
    public static ModelConfig of(Graph graph) {
        return fromMetadata(graph.metadata());
    }

    /**
     * Reads the keys from metadata_props.
     *
     * @throws ModelFormatException when a key is present but malformed (naming the key)
     */
    public static ModelConfig fromMetadata(Map<String, String> metadata) {
        Preprocessing p = null;
        List<String> labels = null;
        String pre = metadata.get(PREPROCESSING_KEY);
        if (pre != null) {
            try {
                p = Preprocessing.fromJson(pre);
            } catch (NetvizException e) {
                throw new ModelFormatException("model metadata '" + PREPROCESSING_KEY + "' is invalid: " + e.getMessage());
            }
        }
        String lab = metadata.get(LABELS_KEY);
        if (lab != null) {
            labels = parseLabels(lab);
        }
        return new ModelConfig(p, labels);
    }

    private static List<String> parseLabels(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("model metadata '" + LABELS_KEY + "' is not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isArray()) {
            throw new ModelFormatException("model metadata '" + LABELS_KEY + "' must be a JSON array of class names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new ModelFormatException("model metadata '" + LABELS_KEY + "' must hold only strings, not " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** The metadata entries for this configuration (to write into a model). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        if (preprocessing != null) {
            m.put(PREPROCESSING_KEY, preprocessing.toJson());
        }
        if (labels != null) {
            m.put(LABELS_KEY, labelsJson(labels));
        }
        return Collections.unmodifiableMap(m);
    }

    /** The JSON array form of class names. */
    public static String labelsJson(List<String> names) {
        ArrayNode a = JSON.createArrayNode();
        names.forEach(a::add);
        return a.toString();
    }

    public Optional<Preprocessing> preprocessing() {
        return Optional.ofNullable(preprocessing);
    }

    public Optional<List<String>> labels() {
        return Optional.ofNullable(labels);
    }

    /**
     * The preprocessing to use for a model, before the user's per-step overrides:
     * <ol>
     * <li>a preset the user named ({@code presetName} not null) — for {@code fashion-mnist}, with mean and std
     *     taken from the model's metadata when it has them;</li>
     * <li>else the model's own metadata;</li>
     * <li>else a guess from the declared input shape (N, C, H, W): 1 channel gives {@code fashion-mnist}
     *     resized/cropped to H; 3 channels give {@code imagenet}, cropped to H with the same 256/224 margin
     *     when H is not 224; an unknown shape gives {@code imagenet}.</li>
     * </ol>
     * Open channel counts are then filled from the input shape ({@link Preprocessing#fitTo}).
     */
    public Preprocessing resolvePreprocessing(String presetName, long[] inputDims) {
        Preprocessing p;
        if (presetName != null) {
            p = Preprocessing.preset(presetName);
            if (p.preset().equals("fashion-mnist") && preprocessing != null) {
                p = p.withNormalization(preprocessing.mean(), preprocessing.std());
            }
        } else if (preprocessing != null) {
            p = preprocessing;
        } else {
            p = guess(inputDims);
        }
        return p.fitTo(inputDims);
    }

    /**
     * {@link #resolvePreprocessing(String, long[])} for a graph's first input. A graph without
     * preprocessing metadata that normalises its own input (see {@link #inGraphScale}) gets no mean
     * and std by default, only the pixel range it expects: [0, 1], or [0, 255] when its constants
     * are on that scale (Keras {@code Rescaling(1/255)}, caffe-style means).
     */
    public Preprocessing resolvePreprocessing(String presetName, Graph graph) {
        List<ValueInfo> inputs = graph.inputs();
        long[] dims = inputs.isEmpty() ? null : inputs.get(0).dims();
        if (presetName == null && preprocessing == null) {
            int scale = inGraphScale(graph);
            if (scale > 0) {
                Preprocessing p = guess(dims);
                int c = Math.max(1, p.mean().length);
                float[] mean = new float[c];
                float[] std = new float[c];
                java.util.Arrays.fill(std, scale == 255 ? 1f / 255f : 1f);
                return p.withNormalization(mean, std).fitTo(dims);
            }
        }
        return resolvePreprocessing(presetName, dims);
    }

    /**
     * 1 or 255 when the graph normalises its own input, that is its first input is read (perhaps
     * behind a Transpose, Cast or Identity) by Sub, Add, Mul or Div with a constant: 255 when the
     * constants of that op and of a second one right after it are on the [0, 255] scale (a value of
     * magnitude 2 or more, or a factor of 1/50 or less), 1 otherwise; 0 when it does not.
     */
    public static int inGraphScale(Graph graph) {
        if (graph.inputs().size() != 1) {
            return 0;
        }
        String t = graph.inputs().get(0).name();
        int found = 0;
        boolean big = false;
        for (int hops = 0; hops < 6 && found < 2; hops++) {
            netviz.engine.Node next = null;
            for (netviz.engine.Node n : graph.nodes()) {
                if (n.inputs().contains(t)) {
                    if (next != null) {
                        next = null; // several readers: stop here
                        break;
                    }
                    next = n;
                }
            }
            if (next == null || next.outputs().isEmpty()) {
                break;
            }
            String op = next.opType();
            if (op.equals("Transpose") || op.equals("Cast") || op.equals("Identity")) {
                t = next.outputs().get(0);
                continue;
            }
            if (!Set.of("Sub", "Add", "Mul", "Div").contains(op) || next.inputs().size() != 2) {
                break;
            }
            String other = next.input(0).equals(t) ? next.input(1) : next.input(0);
            netviz.engine.Tensor k = graph.initializers().get(other);
            if (k == null || !k.type().isFloatingPoint() || k.size() > 4) {
                break;
            }
            for (double v : k.toDoubleArray()) {
                double a = Math.abs(v);
                big |= op.equals("Mul") ? a > 0 && a <= 1.0 / 50 : a >= 2;
            }
            found++;
            t = next.outputs().get(0);
        }
        return found == 0 ? 0 : big ? 255 : 1;
    }

    static Preprocessing guess(long[] dims) {
        if (dims == null || dims.length != 4) {
            return Preprocessing.imagenet();
        }
        long c = dims[1];
        long h = dims[2];
        long w = dims[3];
        boolean square = h > 0 && h == w;
        if (c == 1) {
            Preprocessing p = Preprocessing.fashionMnist();
            return square ? p.withSize((int) h).withCrop((int) h) : p;
        }
        Preprocessing p = Preprocessing.imagenet();
        if (square && h != 224) {
            p = p.withCrop((int) h).withSize((int) Math.round(h * 256.0 / 224.0));
        }
        return p;
    }

    @Override
    public String toString() {
        return "ModelConfig[" + (preprocessing == null ? "no preprocessing" : preprocessing.describe()) + "; "
                + (labels == null ? "no labels" : labels.size() + " labels") + "]";
    }
}
