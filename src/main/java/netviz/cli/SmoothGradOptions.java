package netviz.cli;

import netviz.methods.attribution.NoiseTunnel;
import picocli.CommandLine.Option;

/** Mixin for SmoothGrad: {@code --smooth N --noise 0.15 --seed S}. */
public final class SmoothGradOptions {
    @Option(names = "--smooth", paramLabel = "N",
            description = "SmoothGrad: average over N noisy copies of the input (Smilkov et al. 2017; paper: 50).")
    Integer samples;

    @Option(names = "--noise", paramLabel = "SIGMA", defaultValue = "0.15",
            description = "SmoothGrad noise: standard deviation as a fraction of the input's value range "
                    + "(default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16",
            description = "Images per forward/backward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    public SmoothGradOptions() {
    }

    /** The SmoothGrad options, or null without --smooth (checked: OutOfRangeException). */
    NoiseTunnel.Options options() {
        if (samples == null) {
            return null;
        }
        return new NoiseTunnel.Options(samples, noise, seed, batch);
    }
}
