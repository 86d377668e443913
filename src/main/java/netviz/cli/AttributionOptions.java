package netviz.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Mixin for the options every attribution command shares: {@code --target} (a class index or
 * name; default: the predicted class), {@code --labels} (class names, one per line, when the model
 * records none) and {@code --raw R.npy} (the raw result before any rendering).
 */
public final class AttributionOptions {
    @Option(names = {"-t", "--target"}, paramLabel = "K|NAME",
            description = "Class to explain: an index or a class name (default: the predicted class).")
    String target;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Class names, one per line (default: the names the model records in its metadata).")
    Path labels;

    @Option(names = "--raw", paramLabel = "R.npy",
            description = "Also write the raw result as a NumPy array (shape in the command's help).")
    Path raw;

    public AttributionOptions() {
    }
}
