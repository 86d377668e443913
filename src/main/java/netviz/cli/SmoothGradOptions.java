package netviz.cli;

import netviz.methods.attribution.NoiseTunnel;
import picocli.CommandLine.Option;

/** Mixin for SmoothGrad: {@code --smooth N --noise 0.15 --seed S}. */
public final class SmoothGradOptions {
    @Option(names = "--smooth", paramLabel = "N",
            description = "SmoothGrad: average over N noisy copies of the input (Smilkov et al. 2017; paper: 50; "
                    + "at most " + Limits.MAX_SMOOTH + ").")
    Integer samples;

    @Option(names = "--noise", paramLabel = "SIGMA",
            description = "SmoothGrad noise: standard deviation as a fraction of the input's value range "
                    + "(default: 0.15; needs --smooth).")
    Double noise;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the noise (default: 0; needs --smooth).")
    Long seed;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16",
            description = "Images per forward/backward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    public SmoothGradOptions() {
    }

    /** The SmoothGrad options, or null without --smooth (checked: OutOfRangeException). */
    NoiseTunnel.Options options() {
        if (samples == null) {
            if (noise != null || seed != null) {
                throw new netviz.NetvizException((noise != null ? "--noise" : "--seed")
                        + " sets SmoothGrad's noise and needs --smooth N (e.g. --smooth 50)");
            }
            return null;
        }
        Limits.check("--smooth", samples, 1, Limits.MAX_SMOOTH);
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        return new NoiseTunnel.Options(samples, noise == null ? 0.15 : noise, seed == null ? 0 : seed, batch);
    }
}
