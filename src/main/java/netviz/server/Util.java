package netviz.server;

/** Small helpers for messages. */
final class Util {
    private Util() {
    }

    /** A user-given string shortened to 80 characters, control characters escaped, for error messages. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.length() < s.length() ? b + "…" : b.toString();
    }

    /** The first line of a throwable's message, or its class name. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
