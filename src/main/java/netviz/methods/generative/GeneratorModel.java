package netviz.methods.generative;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.ModelFormatException;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.ValueInfo;

/**
 * A generator network G for {@link DeepGeneratorActivationMaximization}: an ONNX graph mapping a
 * code h [N,D] (a classifier's hidden features at one layer) to that classifier's normalised
 * input image, plus what its metadata says about the classifier it inverts. The metadata key
 * {@value #META_GENERATOR} holds a JSON object
 * <pre>
 * {"classifier": "fashion-mnist-cnn.onnx", "classifier_sha256": "…", "code_layer": "relu3",
 *  "code_size": 128, "image_shape": [1,28,28], "output": "normalised classifier input", …training…}
 * </pre>
 * and {@value #META_CODE_RANGE} the per-dimension statistics of the code over the training
 * images ({@code min}, {@code max}, {@code mean}, {@code std}, {@code p01}, {@code p99}, arrays of D
 * numbers) that DGN-AM clamps h to.
 *
 * @param graph the generator graph
 * @param classifierName file name of the classifier G was trained for
 * @param classifierSha256 SHA-256 of that classifier file (hex)
 * @param codeLayer the classifier tensor whose (flattened) values are the code
 * @param codeSize D
 * @param min per-dimension minimum of the code over the training images
 * @param max per-dimension maximum
 * @param mean per-dimension mean
 * @param std per-dimension standard deviation
 * @param p01 per-dimension 1st percentile
 * @param p99 per-dimension 99th percentile
 */
public record GeneratorModel(Graph graph, String classifierName, String classifierSha256, String codeLayer,
                             int codeSize, float[] min, float[] max, float[] mean, float[] std, float[] p01,
                             float[] p99) {
    /** metadata_props key of the description of G. */
    public static final String META_GENERATOR = "netviz.generator";
    /** metadata_props key of the code statistics. */
    public static final String META_CODE_RANGE = "netviz.generator.code_range";

    private static final ObjectMapper JSON = new ObjectMapper();

    public GeneratorModel {
        min = min.clone();
        max = max.clone();
        mean = mean.clone();
        std = std.clone();
        p01 = p01.clone();
        p99 = p99.clone();
    }

    /** Per-dimension minimum of the code (a copy). */
    @Override
    public float[] min() {
        return min.clone();
    }

    /** Per-dimension maximum of the code (a copy). */
    @Override
    public float[] max() {
        return max.clone();
    }

    /** Per-dimension mean of the code (a copy). */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** Per-dimension standard deviation of the code (a copy). */
    @Override
    public float[] std() {
        return std.clone();
    }

    /** Per-dimension 1st percentile of the code (a copy). */
    @Override
    public float[] p01() {
        return p01.clone();
    }

    /** Per-dimension 99th percentile of the code (a copy). */
    @Override
    public float[] p99() {
        return p99.clone();
    }

    /** Reads the metadata of a generator graph; fails with one line when it is not a netviz generator. */
    public static GeneratorModel of(Graph graph, String file) {
        String desc = graph.metadata().get(META_GENERATOR);
        String range = graph.metadata().get(META_CODE_RANGE);
        if (desc == null || range == null) {
            throw new ModelFormatException("'" + file + "' is not a netviz generator (its metadata lacks "
                    + META_GENERATOR + " and " + META_CODE_RANGE + "; make one with netviz train-generator)");
        }
        try {
            JsonNode d = JSON.readTree(desc);
            JsonNode r = JSON.readTree(range);
            int size = d.path("code_size").asInt(-1);
            if (graph.inputs().size() != 1 || graph.outputs().isEmpty()) {
                throw new ModelFormatException("generator '" + file + "' must have one input (the code) and an output");
            }
            long[] in = graph.inputs().get(0).dims();
            if (in.length != 2 || in[1] != size) {
                throw new ModelFormatException("generator '" + file + "' declares code size " + size + " but its input is "
                        + graph.inputs().get(0).shapeString());
            }
            return new GeneratorModel(graph, d.path("classifier").asText(""), d.path("classifier_sha256").asText(""),
                    d.path("code_layer").asText(""), size, floats(r, "min", size, file), floats(r, "max", size, file),
                    floats(r, "mean", size, file), floats(r, "std", size, file), floats(r, "p01", size, file),
                    floats(r, "p99", size, file));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("generator '" + file + "' has malformed metadata: " + e.getOriginalMessage());
        }
    }

    private static float[] floats(JsonNode r, String key, int size, String file) {
        JsonNode a = r.path(key);
        if (!a.isArray() || a.size() != size) {
            throw new ModelFormatException("generator '" + file + "': " + META_CODE_RANGE + "." + key + " must be an array of "
                    + size + " numbers");
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** The metadata_props value of {@link #META_CODE_RANGE} for the given statistics. */
    public static String codeRangeJson(float[] min, float[] max, float[] mean, float[] std, float[] p01, float[] p99) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", round(min));
        m.put("max", round(max));
        m.put("mean", round(mean));
        m.put("std", round(std));
        m.put("p01", round(p01));
        m.put("p99", round(p99));
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] round(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = Math.round(a[i] * 1e5) / 1e5;
        }
        return d;
    }

    /**
     * Checks that this generator fits {@code classifier}: its code layer exists there and has
     * {@link #codeSize()} values per example (a hard error), and that the classifier file is the
     * one G was trained for (a mismatch is returned as a warning, since a retrained copy of the same
     * architecture is a legitimate, if worse, use).
     *
     * @param codeLength the number of values per example of the code layer in the classifier
     * @return a warning line, or null
     * @throws ShapeMismatchException when the code sizes differ
     */
    public String checkFits(String classifierFile, String classifierSha, long codeLength) {
        if (codeLength != codeSize) {
            throw new ShapeMismatchException("the generator's code has " + codeSize + " values but layer '" + codeLayer
                    + "' of classifier '" + classifierFile + "' has " + codeLength + " per image; use a generator"
                    + " trained for this classifier (netviz train-generator)");
        }
        if (!classifierSha256.isEmpty() && classifierSha != null && !classifierSha256.equalsIgnoreCase(classifierSha)) {
            return "warning: the generator was trained for classifier '" + classifierName + "' (sha256 "
                    + classifierSha256.substring(0, Math.min(12, classifierSha256.length())) + "…), not for '"
                    + classifierFile + "'; its images may not look natural to this model";
        }
        return null;
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new NetvizException("cannot read '" + file + "': " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shape-only operators: their output is their first input rearranged, no new features. */
    private static final java.util.Set<String> SHAPE_ONLY = java.util.Set.of("Flatten", "Reshape", "Identity", "Squeeze",
            "Unsqueeze", "Transpose");

    /**
     * The hidden layer a generator inverts by default, as in DGN-AM: the input of the model's last
     * fully connected layer (Gemm or MatMul), i.e. the last hidden features; or the named layer.
     *
     * @throws NetvizException when the model has no such layer, or the named one is the model's
     *     input or output (not a hidden layer)
     */
    public static String codeLayer(Graph classifier, String layer, String file) {
        String t;
        if (layer == null) {
            t = null;
            List<Node> nodes = classifier.nodes();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                String op = nodes.get(i).opType();
                if (op.equals("Gemm") || op.equals("MatMul")) {
                    t = nodes.get(i).input(0);
                    break;
                }
            }
            if (t == null) {
                throw new NetvizException("model '" + file + "' has no fully connected layer (Gemm or MatMul) whose input"
                        + " could be the generator's code; name a hidden layer with --layer");
            }
        } else {
            t = classifier.resolveTensor(layer);
        }
        for (ValueInfo in : classifier.inputs()) {
            if (in.name().equals(t)) {
                throw new NetvizException("layer '" + (layer == null ? t : layer) + "' of model '" + file + "' is the model's"
                        + " input, not a hidden layer the generator can invert; name a hidden layer with --layer");
            }
        }
        for (ValueInfo out : classifier.outputs()) {
            if (out.name().equals(t)) {
                throw new NetvizException("layer '" + (layer == null ? t : layer) + "' of model '" + file + "' is the model's"
                        + " output, not a hidden layer the generator can invert; name a hidden layer with --layer");
            }
        }
        if (classifier.producer(t) == null && !classifier.initializers().containsKey(t)) {
            throw new NetvizException("layer '" + t + "' of model '" + file + "' is not computed by any node");
        }
        if (classifier.initializers().containsKey(t)) {
            throw new NetvizException("'" + t + "' of model '" + file + "' is a parameter, not a hidden layer");
        }
        // a layer that only reshapes the input (input -> Flatten -> Gemm) holds no learned features
        String s = t;
        List<String> path = new java.util.ArrayList<>();
        Node p = classifier.producer(s);
        while (p != null && SHAPE_ONLY.contains(p.opType())) {
            path.add(0, p.opType());
            s = p.input(0);
            p = classifier.producer(s);
        }
        for (ValueInfo in : classifier.inputs()) {
            if (in.name().equals(s) && !path.isEmpty()) {
                throw new NetvizException("model '" + file + "' has no hidden layer a generator can invert: layer '"
                        + (layer == null ? t : layer) + "' is its input '" + s + "' only reshaped ("
                        + String.join(" -> ", path) + "); use a model with a hidden layer before its classifier");
            }
        }
        return t;
    }
}
