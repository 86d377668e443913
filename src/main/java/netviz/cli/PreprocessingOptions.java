package netviz.cli;

import netviz.engine.Graph;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Mixin for how images become model inputs: {@code --preset imagenet|fashion-mnist|none} and the
 * step flags {@code --size}, {@code --crop}, {@code --mean}, {@code --std}, {@code --channels}.
 * Part of {@link InputOptions}; commands that read datasets use it on its own.
 */
public final class PreprocessingOptions {
    @Option(names = "--preset", paramLabel = "NAME",
            description = "Preprocessing preset when the model records none: imagenet, fashion-mnist, none "
                    + "(a model that records its preprocessing keeps it, with a warning; the step flags change "
                    + "single steps of either).")
    String preset;

    @Option(names = "--size", paramLabel = "PX", description = "Resize the shorter side of the image to PX pixels (0: no resizing).")
    Integer size;

    @Option(names = "--crop", paramLabel = "PX", description = "Centre-crop a PX×PX square after resizing (0: no crop).")
    Integer crop;

    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "Per-channel means to subtract, on the [0,1] scale (e.g. 0.485,0.456,0.406).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviations to divide by.")
    float[] std;

    @Option(names = "--channels", paramLabel = "C", description = "Channels fed to the model: 1 (grayscale) or 3 (RGB).")
    Integer channels;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private boolean warned;

    public PreprocessingOptions() {
    }

    private void warn(String line) {
        CommandSpec s = mixee;
        while (s != null && s.commandLine() == null) {
            s = s.parent();
        }
        java.io.PrintWriter err = s != null ? s.commandLine().getErr() : new java.io.PrintWriter(System.err, true);
        err.println(line);
        err.flush();
    }

    /**
     * The preprocessing for {@code graph}: the named {@code --preset}, else the model's metadata
     * ({@code netviz.preprocessing}), else a guess from the declared input shape (see
     * {@link ModelConfig#resolvePreprocessing}); then each step flag given overrides its step, and
     * the result is checked against the model's declared input size.
     */
    public Preprocessing resolve(Graph graph) {
        ModelConfig config = ModelConfig.of(graph);
        String named = preset;
        if (named != null && config.preprocessing().isPresent()) {
            Preprocessing.preset(named); // an unknown name is still an error
            if (!warned) {
                warned = true;
                warn("netviz: warning: the model records its preprocessing (" + config.preprocessing().get().describe()
                        + "), which wins over --preset " + named + "; change single steps with --size, --crop, --mean, "
                        + "--std or --channels");
            }
            named = null;
        }
        Preprocessing p = config.resolvePreprocessing(named, graph);
        if (channels != null) {
            p = p.withChannels(channels);
        }
        if (size != null) {
            p = p.withSize(size);
        }
        if (crop != null) {
            p = p.withCrop(crop);
        }
        if (mean != null) {
            p = p.withMean(mean);
        }
        if (std != null) {
            p = p.withStd(std);
        }
        if (graph.inputs().size() == 1) {
            p.checkFits(graph.inputs().get(0).dims(), graph.inputs().get(0).name());
        }
        return p;
    }
}
