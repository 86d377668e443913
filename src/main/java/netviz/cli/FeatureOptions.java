package netviz.cli;

import java.nio.file.Path;

import netviz.NetvizException;
import netviz.methods.features.FeatureExtractor;
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

    FeatureExtractor.Options options() {
        if (batchSize < 1) {
            throw new NetvizException("--batch-size must be at least 1, got " + batchSize);
        }
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        if (limit < 0) {
            throw new NetvizException("--limit must be 0 (all) or positive, got " + limit);
        }
        Path dir = !cache ? null : cacheDir != null ? cacheDir : FeatureExtractor.defaultCacheDir();
        return new FeatureExtractor.Options(batchSize, limit, progress(), dir);
    }

    /** Bars on the terminal unless --no-progress; close it when the features are read. */
    TerminalProgress progress() {
        return new TerminalProgress(progress);
    }
}
