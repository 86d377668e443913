package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.figures.DgnFigure;
import netviz.figures.FigureResult;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz dgn}: activation maximization through a deep generator network (DGN-AM, Nguyen et
 * al. 2016) beside pixel-space activation maximization for the same units, in one sheet.
 */
@Command(name = "dgn", mixinStandardHelpOptions = true,
        description = {"Synthesise the preferred input of a unit through a deep generator network (DGN-AM, Nguyen et al."
                + " 2016): optimise the code h of a generator G (made by 'netviz train-generator') so that the unit of"
                + " classifier(G(h)) is as large as possible, with an L2 penalty on h and h clamped to the range seen on"
                + " real data. Draws the DGN images beside pixel-space activation maximization (netviz maximize, Yosinski"
                + " et al. regularisers) of the same units in one sheet.",
                "Targets: --target K[,K...] (class indices or names) or --target all, or --layer L --channel C[,C...]."
                        + " Writes DIR/dgn.png (the sheet), DIR/dgn-images.npy (G(h*), model inputs), DIR/dgn-codes.npy,"
                        + " DIR/dgn-trace.csv (activation and probability at the start, step 0, and after every step)."})
public final class DgnCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-g", "--generator"}, paramLabel = "G.onnx",
            description = "The generator (default: " + DgnFigure.BUNDLED_GENERATOR + " for the bundled model).")
    Path generator;

    @Option(names = {"-t", "--target"}, split = ",", paramLabel = "CLASS",
            description = "Class index or name, several, or 'all'.")
    List<String> targets;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "Maximise a channel of this layer instead.")
    String layer;

    @Option(names = {"-c", "--channel"}, split = ",", paramLabel = "C", description = "Channel(s) of --layer.")
    int[] channels;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200",
            description = "Adam steps on the code (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "Adam's step size on the code (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0.001", description = "Weight of the L2 penalty on the code (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--start", paramLabel = "KIND", defaultValue = "mean",
            description = "Start code: mean (of the training codes), zeros, or image (the code of --image) (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--image", paramLabel = "FILE", description = "The real image whose code starts the search (--start image).")
    Path image;

    @Option(names = "--noise", paramLabel = "S", defaultValue = "0",
            description = "Seeded Gaussian noise added to the start code, in units of each dimension's std on real data (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--clamp", paramLabel = "KIND", defaultValue = "range",
            description = "Keep h within: range (per-dimension min..max on the training images), percentile (1st..99th), none (default: ${DEFAULT-VALUE}).")
    String clamp;

    @Option(names = "--am-iterations", paramLabel = "N", defaultValue = "200",
            description = "Steps of the pixel-space activation maximization drawn beside (0: skip it; default: ${DEFAULT-VALUE}).")
    int amIterations;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: netviz-out/<model>-dgn).")
    Path out;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "112", description = "Size of each image in the sheet (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    @Override
    public void run() {
        DgnFigure.Options o = DgnFigure.Options.defaults().withIterations(iterations).withAmIterations(amIterations)
                .withTile(tile).withTargets(targets).withLayer(layer, channels).checkUnits()
                .withStart(DgnFigure.Options.start(start)).checkStart(image != null).withClamp(DgnFigure.Options.clamp(clamp))
                .withLearningRate(learningRate).withL2(l2).withNoise(noise).withSeed(seed);
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FigureResult r;
        try (Session s = model.session().build()) {
            DgnFigure.Generator g = DgnFigure.generator(s, generator);
            if (g.warning() != null) {
                err.println("netviz: " + g.warning());
                err.flush();
            }
            try (TerminalProgress bar = new TerminalProgress(progress)) {
                r = DgnFigure.make(s, g, image == null ? null : s.picture(image), o, bar);
            }
            write(r, s.name(), w);
            ModelOptions.printNotes(err, s, targets != null);
        }
    }

    private void write(FigureResult r, String name, PrintWriter w) {
        Map<String, Object> sum = r.summary();
        Path dir = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(name) + "-dgn");
        Outputs.createDirectories(dir);
        Path png = Png.write(r.figure(), dir.resolve("dgn.png"));
        r.arrays().get("images").writeNpy(dir.resolve("dgn-images.npy"));
        r.arrays().get("codes").writeNpy(dir.resolve("dgn-codes.npy"));
        double[][] activations = (double[][]) sum.get("activationTrace");
        double[][] probabilities = (double[][]) sum.get("probabilityTrace");
        @SuppressWarnings("unchecked")
        List<String> titles = (List<String>) sum.get("units");
        int n = titles.size();
        StringBuilder csv = new StringBuilder("step,unit,activation,probability\n");
        for (int t = 0; t < activations.length; t++) {
            for (int i = 0; i < n; i++) {
                csv.append(t).append(',').append(i).append(',').append(activations[t][i]).append(',')
                        .append(probabilities == null || Double.isNaN(probabilities[t][i]) ? ""
                                : Double.toString(probabilities[t][i]))
                        .append('\n');
            }
        }
        Outputs.writeString(dir.resolve("dgn-trace.csv"), csv.toString());
        boolean classes = (boolean) sum.get("classes");
        double[] activation = (double[]) sum.get("activation");
        double[] probability = (double[]) sum.get("probability");
        double[] pixel = (double[]) sum.get("pixelActivation");
        double[] pixelProbability = (double[]) sum.get("pixelProbability");
        for (int i = 0; i < n; i++) {
            w.println(String.format(Locale.ROOT, "%-24s DGN %s %s%s%s", titles.get(i), classes ? "logit" : "value",
                    Ticks.format(activation[i], 4),
                    classes ? String.format(Locale.ROOT, " p %.4f", probability[i]) : "",
                    pixel == null ? "" : String.format(Locale.ROOT, "   | pixel AM %s%s", Ticks.format(pixel[i], 4),
                            pixelProbability != null ? String.format(Locale.ROOT, " p %.4f", pixelProbability[i]) : "")));
        }
        w.println(String.format(Locale.ROOT, "time per image: DGN-AM %.0f ms (%d steps)%s",
                (double) sum.get("dgnSeconds") * 1000 / n, iterations, pixel == null ? ""
                        : String.format(Locale.ROOT, ", pixel AM %.0f ms (%d steps)",
                        (double) sum.get("pixelSeconds") * 1000 / n, amIterations)));
        w.println("sheet  \u2192  " + png + "   images, codes, trace  \u2192  " + dir);
        w.flush();
    }
}
