package netviz;

/**
 * Base of every error caused by what a user gave netviz (a file, a name, a number). Its message is
 * one readable line naming what is wrong and what is accepted; the CLI prints it and exits with 2.
 * Control characters that a corrupt file may put into names (newlines, NULs) are shown escaped
 * ({@code \n}, {@code \u0000}) so that the message stays one line.
 */
public class NetvizException extends RuntimeException {
    public NetvizException(String message) {
        super(oneLine(message));
    }

    public NetvizException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * The exit code of the CLI for this error: {@value netviz.cli.Main#EXIT_USER_ERROR} for a user
     * error; subclasses that are not the user's fault (e.g. {@link NonFiniteResultException}) say 1.
     */
    public int exitCode() {
        return 2;
    }

    /** The message with control characters escaped. */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }
}
