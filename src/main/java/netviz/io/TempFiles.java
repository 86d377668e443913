package netviz.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temporary files and folders for atomic writes that, once moved into place, have the same
 * permissions as any file the user makes: {@code Files.createTempFile} makes them 0600 (and
 * {@code createTempDirectory} 0700) whatever the umask, so outputs written through it would be
 * private while others are 0644. These make them with the process umask (0666 / 0777 masked).
 */
public final class TempFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TempFiles() {
    }

    /** A new empty file {@code dir/prefix<random>suffix}, permissions as the umask allows. */
    public static Path createFile(Path dir, String prefix, String suffix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** A new empty folder {@code dir/prefix<random>}, permissions as the umask allows. */
    public static Path createDirectory(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }
}
