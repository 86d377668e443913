package netviz.methods.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import netviz.InputFormatException;
import netviz.NetvizException;

/**
 * A scan's {@code scan.json}, written last (its presence means the scan finished): the format
 * ({@value ScanPlan#FORMAT}), the model and its SHA-256, the runtime, the source, the counts and
 * the plan's parameters; see {@code docs/scan-format.md}.
 */
public record ScanManifest(String format, String model, String modelSha256, String runtime, String input, long images,
                           long failed, int batchSize, List<String> layers, String featureLayer, int featureDim,
                           int topK, double tolerance, LogHistogram histogram, List<String> classes, boolean labeled,
                           String created, String tool) {
    /** The manifest's file name in a scan folder. */
    public static final String FILE = "scan.json";
    /** The tool name of the single-machine scan. */
    public static final String TOOL = "netviz scan";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ScanManifest {
        layers = List.copyOf(layers);
        classes = List.copyOf(classes);
    }

    /** The manifest of a finished scan of {@code plan}. */
    public static ScanManifest of(ScanPlan plan, ScanAggregate a, String tool) {
        return new ScanManifest(ScanPlan.FORMAT, plan.modelName(), plan.modelSha256(), plan.runtime(), plan.input(),
                a.images(), a.failed(), plan.batchSize(), plan.layers(), plan.featureLayer(), plan.featureDim(),
                plan.topK(), plan.tolerance(), plan.histogram(), plan.classNames(), plan.labeled(),
                Instant.now().toString(), tool);
    }

    /** The JSON text, keys in snake_case. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", format);
        o.put("model", model);
        o.put("model_sha256", modelSha256);
        o.put("runtime", runtime);
        o.put("input", input);
        o.put("images", images);
        o.put("failed", failed);
        o.put("batch_size", batchSize);
        ArrayNode l = o.putArray("layers");
        layers.forEach(l::add);
        if (featureLayer == null) {
            o.putNull("feature_layer");
        } else {
            o.put("feature_layer", featureLayer);
        }
        o.put("feature_dim", featureDim);
        o.put("top_k", topK);
        o.put("tolerance", tolerance);
        ObjectNode h = o.putObject("histogram");
        h.put("bins_per_octave", histogram.binsPerOctave());
        h.put("min_exponent", histogram.minExponent());
        h.put("max_exponent", histogram.maxExponent());
        ArrayNode c = o.putArray("classes");
        classes.forEach(c::add);
        o.put("labeled", labeled);
        o.put("created", created);
        o.put("tool", tool);
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code dir/scan.json} atomically. */
    public void write(Path dir) {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve("." + FILE + ".tmp");
        try {
            Files.writeString(tmp, toJson());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NetvizException("cannot write '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Reads {@code file}; an InputFormatException naming what is wrong for a file that is not a scan manifest. */
    public static ScanManifest read(Path file) {
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InputFormatException("cannot read scan manifest '" + file + "': " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (o == null || !o.isObject()) {
            throw new InputFormatException("'" + file + "' is not a scan manifest: it holds no JSON object");
        }
        String format = o.path("format").asText("");
        if (!format.equals(ScanPlan.FORMAT)) {
            throw new InputFormatException("'" + file + "' is a scan of format '" + format + "'; netviz reads '"
                    + ScanPlan.FORMAT + "'");
        }
        try {
            JsonNode h = o.path("histogram");
            return new ScanManifest(format, o.path("model").asText(""), text(o, "model_sha256", file), o.path("runtime").asText(""),
                    o.path("input").asText(""), number(o, "images", file), number(o, "failed", file),
                    (int) number(o, "batch_size", file), strings(o.path("layers")),
                    o.path("feature_layer").isTextual() ? o.path("feature_layer").asText() : null,
                    o.path("feature_dim").asInt(0), (int) number(o, "top_k", file), o.path("tolerance").asDouble(0),
                    new LogHistogram(h.path("bins_per_octave").asInt(4), h.path("min_exponent").asInt(-16),
                            h.path("max_exponent").asInt(16)),
                    strings(o.path("classes")), o.path("labeled").asBoolean(false), o.path("created").asText(""),
                    o.path("tool").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InputFormatException("scan manifest '" + file + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String key, Path file) {
        if (!o.path(key).isTextual()) {
            throw new InputFormatException("scan manifest '" + file + "' has no '" + key + "'");
        }
        return o.path(key).asText();
    }

    private static long number(JsonNode o, String key, Path file) {
        if (!o.path(key).canConvertToLong()) {
            throw new InputFormatException("scan manifest '" + file + "' has no number '" + key + "'");
        }
        return o.path(key).asLong();
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
