package netviz.cli;

import java.nio.file.Path;

import netviz.session.Session;
import picocli.CommandLine.Option;

/**
 * Mixin for {@code --scan DIR}: draw the dataset-wide numbers from a finished dataset scan
 * ({@code netviz scan}, or the Spark job) instead of passing over the dataset again.
 */
public final class ScanOptions {
    @Option(names = "--scan", paramLabel = "DIR",
            description = "Take the dataset-wide numbers from this finished scan (written by netviz scan for the same "
                    + "model) instead of passing over the dataset; the model still runs what needs it.")
    Path dir;

    /** The scan folder, or null. */
    Path dir() {
        return dir;
    }

    /** {@code b} with the scan, if one was given. */
    Session.Builder apply(Session.Builder b) {
        return b.scan(dir);
    }
}
