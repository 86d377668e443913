package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.figures.FigureResult;
import netviz.figures.MaximizeFigure;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz maximize}: activation maximization (Simonyan et al. 2014; Yosinski et al. 2015;
 * Olah et al. 2017) of class scores or of a channel/neuron, one image per target in a grid.
 */
@Command(name = "maximize", mixinStandardHelpOptions = true,
        description = {"Synthesise the image a unit responds to most by gradient ascent on the image: "
                + "I* = argmax f(I) - lambda/2 |I|^2, kept in the valid pixel range of the preprocessing.",
                "Targets: class scores (--target 0,1,2 or class names; the logit, not the probability) or "
                        + "--layer L --channel C [--position y,x]. Regularisers of Yosinski et al. 2015 via --preset "
                        + "simonyan|yosinski|yosinski1..4|none and the individual flags; --param fft uses Lucid's "
                        + "decorrelated Fourier parameterisation with jitter/scale/rotate robustness; --diversity N "
                        + "makes N different images of one unit."})
public final class MaximizeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-t", "--target"}, split = ",", paramLabel = "CLASS",
            description = "Class index or name (several: a grid, one image each).")
    List<String> targets;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "Maximise a unit of this layer instead.")
    String layer;

    @Option(names = {"-c", "--channel"}, split = ",", paramLabel = "C", description = "Channel(s) of --layer.")
    int[] channels;

    @Option(names = "--position", paramLabel = "Y,X", description = "One neuron of the channel (default: the channel's mean).")
    String position;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200", description = "Gradient steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--step", paramLabel = "ETA", description = "Step size: model-input units per step for pixels "
            + "(default 0.05), Adam's learning rate for fft (default 0.05).")
    Double step;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "yosinski",
            description = "Regulariser preset: none, simonyan (L2 only), yosinski (= yosinski3), yosinski1..4 "
                    + "(the rows of Yosinski et al. 2015, Table 1); default ${DEFAULT-VALUE}; none with --param fft.")
    String preset;

    @Option(names = "--decay", paramLabel = "THETA", description = "L2 decay per step, [0, 1).")
    Double decay;

    @Option(names = "--blur", paramLabel = "SIGMA", description = "Gaussian blur radius in pixels (0: off).")
    Double blur;

    @Option(names = "--blur-every", paramLabel = "N", description = "Blur every N steps (0: never).")
    Integer blurEvery;

    @Option(names = "--norm-percentile", paramLabel = "P", description = "Zero pixels whose norm is below this percentile, [0, 100).")
    Double normPercentile;

    @Option(names = "--contribution-percentile", paramLabel = "P",
            description = "Zero pixels whose contribution is below this percentile, [0, 100).")
    Double contributionPercentile;

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift of up to PX pixels before each step.")
    Integer jitter;

    @Option(names = "--param", paramLabel = "KIND", defaultValue = "pixel", description = "pixel or fft (default: ${DEFAULT-VALUE}).")
    String param;

    @Option(names = "--scale", split = ",", paramLabel = "F", description = "Random scale factors applied before each step (e.g. 0.95,1,1.05).")
    double[] scales;

    @Option(names = "--rotate", split = ",", paramLabel = "DEG", description = "Random rotations in degrees applied before each step (e.g. -5,0,5).")
    double[] rotations;

    @Option(names = "--init", paramLabel = "KIND", defaultValue = "zeros", description = "zeros (the mean image), noise, or image (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--image", paramLabel = "FILE", description = "The starting image for --init image.")
    Path image;

    @Option(names = "--diversity", paramLabel = "N", defaultValue = "0", description = "N different images of one unit (Lucid's diversity term).")
    int diversity;

    @Option(names = "--diversity-weight", paramLabel = "W", defaultValue = "10", description = "Weight of the diversity term (default: ${DEFAULT-VALUE}).")
    double diversityWeight;

    @Option(names = "--diversity-layer", paramLabel = "LAYER", description = "Layer whose Gram matrices are compared (default: --layer, or the last 4-D layer).")
    String diversityLayer;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean of the preprocessing (default: the model's).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviation (default: the model's).")
    float[] std;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png", description = "The image grid (default: netviz-out/<model>-maximize.png).")
    Path out;

    @Option(names = "--raw", paramLabel = "FILE.npy", description = "Also write the optimised model inputs (N, C, H, W) as .npy.")
    Path raw;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "128", description = "Size of each image in the grid (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--pre-relu", description = "For a unit of a ReLU layer, optimise the ReLU's input (same maximiser; "
            + "a unit that is off on the start image still moves) and report the unit itself.")
    boolean preRelu;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar with the objective on stderr when it is a terminal (default: on).")
    boolean progress;

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        MaximizeFigure.Options o = new MaximizeFigure.Options(targets, layer, channels,
                position == null ? null : ReceptiveFieldCommand.parsePosition(position), iterations, step,
                spec.commandLine().getParseResult().hasMatchedOption("--preset") ? preset : null, decay, blur,
                blurEvery, normPercentile, contributionPercentile, jitter, MaximizeFigure.param(param), scales,
                rotations, MaximizeFigure.init(init), image, diversity, diversityWeight, diversityLayer, seed, mean,
                std, tile, preRelu);
        PrintWriter w = spec.commandLine().getOut();
        try (Session s = model.session().build(); TerminalProgress bar = new TerminalProgress(progress)) {
            FigureResult r = MaximizeFigure.make(s, o, bar);
            write(r, w);
            ModelOptions.printNotes(spec.commandLine().getErr(), s, targets != null);
        }
    }

    private void write(FigureResult r, PrintWriter w) {
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-maximize.png");
        Png.write(r.figure(), png);
        if (raw != null) {
            r.arrays().get("input").writeNpy(raw);
        }
        Map<String, Object> sum = r.summary();
        @SuppressWarnings("unchecked")
        List<String> titles = (List<String>) sum.get("titles");
        double[] start = (double[]) sum.get("start");
        double[] end = (double[]) sum.get("end");
        double[] prob = (double[]) sum.get("probability");
        for (int i = 0; i < titles.size(); i++) {
            w.println(String.format(Locale.ROOT, "%-28s %s -> %s%s", titles.get(i), Ticks.format(start[i], 4),
                    Ticks.format(end[i], 4), prob != null ? String.format(Locale.ROOT, "   p = %.4f", prob[i]) : ""));
        }
        w.println("image grid  \u2192  " + png + (raw != null ? "   model inputs  \u2192  " + raw : ""));
        w.flush();
    }
}
