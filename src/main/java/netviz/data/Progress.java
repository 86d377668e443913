package netviz.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** When to show a progress bar on stderr while iterating a dataset. */
public enum Progress {
    /** Only when stderr is a terminal. */
    AUTO,
    /** Always (also when stderr is redirected). */
    ALWAYS,
    /** Never. */
    NEVER;

    /** Whether this mode shows a bar in the current process. */
    public boolean enabled() {
        return this == ALWAYS || (this == AUTO && stderrIsTerminal());
    }

    /**
     * Whether standard error is a terminal: on Linux, file descriptor 2 links to a tty or pty device;
     * elsewhere, the JVM has a console.
     */
    public static boolean stderrIsTerminal() {
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux, or /proc not readable: fall back to the console check
        }
        return System.console() != null;
    }
}
