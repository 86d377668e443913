package netviz.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Mixin for {@code --out FILE} and {@code --json}. Commands write files through {@link Outputs}
 * (atomic) and print JSON with {@link #printJson}.
 */
public final class OutputOptions {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the result to this file.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON (for scripts) instead of text.")
    boolean json;

    public OutputOptions() {
    }

    public static OutputOptions of(Path out, boolean json) {
        OutputOptions o = new OutputOptions();
        o.out = out;
        o.json = json;
        return o;
    }

    /** True with {@code --json}. */
    public boolean json() {
        return json;
    }

    /** The {@code --out} file, or null when not given. */
    public Path out() {
        return out;
    }

    /** The {@code --out} file, or {@code fallback} when not given. */
    public Path outOr(Path fallback) {
        return out != null ? out : fallback;
    }

    /** The shared Jackson mapper (pretty-printing; records and maps serialise as objects). */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** Prints {@code value} as indented JSON followed by a newline. */
    public static void printJson(PrintWriter out, Object value) {
        out.println(toJson(value));
        out.flush();
    }

    /** {@code value} as indented JSON. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " to JSON", e);
        }
    }
}
