package netviz.server;

import java.util.List;

/**
 * A request the API refuses: an HTTP status (400 bad input, 404 unknown job or image, 413 too
 * large, 503 busy) and one readable line, sent as {@code {"error": message, "suggestions": [...]}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<String> suggestions;

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public ApiException(int status, String message, List<String> suggestions) {
        super(message);
        this.status = status;
        this.suggestions = List.copyOf(suggestions);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public int status() {
        return status;
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
