package netviz.cli;

import java.nio.file.Path;

import netviz.NetvizException;
import netviz.session.FeatureCache;
import netviz.session.Session;
import picocli.CommandLine.Option;

/** Mixin for the feature-space commands: which layer, how many examples, batching, caching, progress. */
public final class FeatureOptions {
    @Option(names = {"-l", "--layer"}, paramLabel = "L",
            description = "Layer whose activations are the features: a tensor name, node name or node index "
                    + "(default: the input of the last fully connected layer, e.g. relu3 of the bundled model).")
    String layer;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N examples (default: all).")
    int limit;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "100", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where extracted features are cached (default: $NETVIZ_CACHE or ~/.cache/netviz).")
    Path cacheDir;

    @Option(names = "--cache", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Read and write the feature cache (default: on).")
    boolean cache;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show progress bars on stderr when it is a terminal (default: on).")
    boolean progress;

    /** {@code --batch-size}, checked. */
    int batchSize() {
        if (batchSize < 1) {
            throw new NetvizException("--batch-size must be at least 1, got " + batchSize);
        }
        return Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
    }

    /** {@code --limit}, checked (0: all). */
    int limit() {
        if (limit < 0) {
            throw new NetvizException("--limit must be 0 (all) or positive, got " + limit);
        }
        return limit;
    }

    /**
     * The command's session: its model, preprocessing and dataset (labels as the dataset numbers
     * them), with the feature cache in {@code --cache-dir} (default {@link FeatureCache#defaultDir()}),
     * or in memory only with {@code --no-cache}, and the {@code --scan} if given.
     */
    Session session(ModelOptions model, ScanOptions scan, PreprocessingOptions preprocessing, Path data) {
        Path dir = !cache ? null : cacheDir != null ? cacheDir : FeatureCache.defaultDir();
        return scan.apply(model.session()).preprocessing(preprocessing::resolve).data(data).alignDataset(false).featureCache(dir).build();
    }

    /** Bars on the terminal unless --no-progress; close it when the work is done. */
    TerminalProgress progress() {
        return new TerminalProgress(progress);
    }
}
