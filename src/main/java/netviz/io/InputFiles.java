package netviz.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import netviz.InputFormatException;
import netviz.NetvizException;

/**
 * The guard in front of every file netviz reads: it must exist, be a regular file (not a folder, a
 * device such as {@code /dev/zero} or {@code /dev/urandom}, a FIFO or a socket, which could be read
 * forever or block) and be no larger than a limit for its kind. Each check fails with one line
 * that names the file and the limit.
 */
public final class InputFiles {
    /** Model files: protobuf cannot parse more than 2 GiB in one message. */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8L;
    /** Label lists: one class name per line; 16 MiB is hundreds of thousands of names. */
    public static final long MAX_LABEL_BYTES = 16L << 20;
    /** Single images (PNG, JPEG, BMP, GIF). */
    public static final long MAX_IMAGE_BYTES = 256L << 20;

    private InputFiles() {
    }

    /**
     * Checks that {@code file} is a readable regular file of at most {@code maxBytes} bytes and
     * returns its size; otherwise throws an {@link InputFormatException} naming {@code what}.
     */
    public static long requireRegular(Path file, String what, long maxBytes) {
        return requireRegular(file, what, maxBytes, InputFormatException::new);
    }

    /** As {@link #requireRegular(Path, String, long)}, with the exception type of the caller's kind of file. */
    public static long requireRegular(Path file, String what, long maxBytes,
                                      Function<String, ? extends NetvizException> error) {
        if (!Files.exists(file)) {
            throw error.apply(what + " '" + file + "' does not exist");
        }
        if (Files.isDirectory(file)) {
            throw error.apply("'" + file + "' is a folder, not " + (what.matches("(?i)[aeiou].*") ? "an " : "a ")
                    + what);
        }
        if (!Files.isRegularFile(file)) {
            throw error.apply("'" + file + "' is not a regular file (a device, FIFO or socket); give "
                    + (what.matches("(?i)[aeiou].*") ? "an " : "a ") + what + " that is a regular file");
        }
        if (!Files.isReadable(file)) {
            throw error.apply("cannot read " + what + " '" + file + "': permission denied");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw error.apply("cannot read " + what + " '" + file + "': " + e.getMessage());
        }
        if (size > maxBytes) {
            throw error.apply(what + " '" + file + "' is " + bytes(size) + ", more than the " + bytes(maxBytes)
                    + " netviz reads");
        }
        return size;
    }

    /** A byte count for messages: "16 MiB", "1.6 GiB", "312 bytes". */
    public static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            double m = n / (double) (1L << 20);
            return m == Math.rint(m) ? String.format(Locale.ROOT, "%d MiB", (long) m)
                    : String.format(Locale.ROOT, "%.1f MiB", m);
        }
        if (n >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return n + " bytes";
    }
}
