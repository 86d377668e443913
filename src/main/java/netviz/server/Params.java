package netviz.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A job's {@code params} object as sent, read with checks: only the names the kind accepts, values of
 * the right type and range; every problem is a 400 naming the parameter and what is accepted.
 */
final class Params {
    private final String kind;
    private final JsonNode node;

    Params(String kind, JsonNode node, Set<String> accepted) {
        this.kind = kind;
        this.node = node == null || node.isNull() ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node;
        if (!this.node.isNull() && !this.node.isObject()) {
            throw ApiException.badRequest("params of a " + kind + " job must be a JSON object");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = this.node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!accepted.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ApiException(400, "unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ",
                    unknown.stream().map(Util::clip).toList()) + " for a " + kind + " job; it accepts: "
                    + String.join(", ", accepted.stream().sorted().toList()),
                    netviz.UnknownNameException.closest(unknown.get(0), accepted, 3));
        }
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull() && !(v.isTextual() && v.asText().isBlank());
    }

    /** A string parameter (numbers are accepted and turned into text); null when absent. */
    String string(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (v.isTextual() || v.isNumber()) {
            String s = v.asText().strip();
            if (s.length() > 200) {
                throw ApiException.badRequest(name + " is too long (" + s.length() + " characters)");
            }
            return s;
        }
        throw ApiException.badRequest(name + " of a " + kind + " job must be a string or a number");
    }

    String required(String name, String what) {
        String s = string(name);
        if (s == null) {
            throw ApiException.badRequest("the " + kind + " job needs " + name + " (" + what + ")");
        }
        return s;
    }

    /** An integer parameter in [min, max], or {@code dflt} when absent. */
    int integer(String name, int dflt, int min, int max) {
        if (!has(name)) {
            return dflt;
        }
        JsonNode v = node.get(name);
        long i;
        if (v.isIntegralNumber()) {
            i = v.asLong();
        } else if (v.isTextual() && v.asText().strip().matches("-?\\d{1,10}")) {
            i = Long.parseLong(v.asText().strip());
        } else {
            throw ApiException.badRequest(name + " of a " + kind + " job must be a whole number between " + min
                    + " and " + max + ", not " + Util.clip(v.toString()));
        }
        if (i < min || i > max) {
            throw ApiException.badRequest(name + " of a " + kind + " job must be between " + min + " and " + max
                    + ", not " + i);
        }
        return (int) i;
    }

    /** A parameter that must be one of {@code choices}, or {@code dflt} when absent. */
    String choice(String name, String dflt, List<String> choices) {
        String s = string(name);
        if (s == null) {
            return dflt;
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (!choices.contains(lower)) {
            throw new ApiException(400, name + " of a " + kind + " job must be one of " + String.join(", ", choices)
                    + ", not '" + Util.clip(s) + "'", netviz.UnknownNameException.closest(s, choices, 3));
        }
        return lower;
    }
}
