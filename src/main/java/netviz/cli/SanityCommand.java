package netviz.cli;

import java.util.LinkedHashMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.figures.FigureResult;
import netviz.figures.SanityFigure;
import netviz.render.Png;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz sanity}: the sanity checks of Adebayo et al. (2018) and the deletion / insertion
 * metrics of Petsiuk et al. (2018) for one image, drawn by {@link SanityFigure}: a table, --json,
 * and a PNG of the cascade.
 */
@Command(name = "sanity", mixinStandardHelpOptions = true,
        description = {"Sanity checks for attribution maps (Adebayo et al. 2018): re-initialise the model's "
                + "parameterised layers one more at a time from the top (Gaussian noise with each tensor's standard "
                + "deviation, seeded) and recompute each method's map; the Spearman rank correlation of |original| "
                + "and |randomised| maps should fall as the model is destroyed.",
                "Faithfulness (Petsiuk et al. 2018): deletion AUC (lower is better) and insertion AUC (higher is "
                        + "better) of each trained map, 5% of the pixels per step, against a random pixel order."})
public final class SanityCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    PreprocessingOptions preprocessing;

    @Option(names = {"-i", "--image"}, paramLabel = "IMAGE", required = true, description = "The image to explain.")
    Path image;

    @Option(names = "--methods", split = ",", paramLabel = "M",
            description = "Methods, comma-separated: saliency, guided-backprop, integrated-gradients, grad-cam "
                    + "(default: all four).")
    List<String> methods = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the re-initialisation and of the random reference order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-t", "--target"}, paramLabel = "CLASS",
            description = "Class to explain: index or name (default: the predicted class).")
    String target;

    @Option(names = "--step", paramLabel = "F", defaultValue = "0.05",
            description = "Fraction of the pixels deleted or inserted per step (default: ${DEFAULT-VALUE}).")
    double step;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png",
            description = "Where to write the figure (default: netviz-out/<model>-sanity.png).")
    Path out;

    @Option(names = "--json", description = "Print the correlations and areas as JSON (for scripts).")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    /** The recipe's options from the flags. */
    SanityFigure.Options options() {
        SanityFigure.Options o = SanityFigure.Options.defaults().withSeed(seed).withTarget(target).withStep(step);
        if (!methods.isEmpty()) {
            o = o.withMethods(methods.stream().map(SanityFigure.Method::parse).toList());
        }
        return o;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Outputs.requirePng(out, "--out");
        SanityFigure.Options o = options();
        FigureResult r;
        try (Session s = model.session().preprocessing(preprocessing::resolve).build();
             TerminalProgress bar = new TerminalProgress(progress)) {
            r = SanityFigure.make(s, s.picture(image), o, bar);
        }
        Path png = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-sanity.png");
        Png.write(r.figure(), png);
        Map<String, Object> sum = new LinkedHashMap<>(r.summary());
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            sum.put("png", png.toString());
            OutputOptions.printJson(w, sum);
            return;
        }
        List<String> layers = (List<String>) sum.get("layers");
        w.println(model.displayName() + " on " + sum.get("image") + ", class " + sum.get("className") + " (seed "
                + o.seed() + "): Spearman rho of |original| and |randomised| maps, layers randomised top-down");
        for (String line : table(sum)) {
            w.println(line);
        }
        w.println("figure  \u2192  " + png + "   (" + layers.size() + " randomised layers; SSIM and curves: --json)");
        w.flush();
    }

    /** The text table: per method, ρ after each cumulative randomisation, then the two areas. */
    @SuppressWarnings("unchecked")
    static List<String> table(Map<String, Object> sum) {
        List<String> layers = (List<String>) sum.get("layers");
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("method"));
        layers.forEach(l -> head.add("+" + l));
        head.add("deletion AUC");
        head.add("insertion AUC");
        rows.add(head.toArray(String[]::new));
        for (Map<String, Object> m : (List<Map<String, Object>>) sum.get("methods")) {
            List<String> row = new ArrayList<>(List.of((String) m.get("method")));
            for (double rho : (double[]) m.get("spearman")) {
                row.add(String.format(Locale.ROOT, "%.3f", rho));
            }
            row.add(String.format(Locale.ROOT, "%.3f", (Double) m.get("deletionAuc")));
            row.add(String.format(Locale.ROOT, "%.3f", (Double) m.get("insertionAuc")));
            rows.add(row.toArray(String[]::new));
        }
        Map<String, Object> ref = (Map<String, Object>) sum.get("randomOrder");
        List<String> row = new ArrayList<>(List.of("random order"));
        layers.forEach(l -> row.add(""));
        row.add(String.format(Locale.ROOT, "%.3f", (Double) ref.get("deletionAuc")));
        row.add(String.format(Locale.ROOT, "%.3f", (Double) ref.get("insertionAuc")));
        rows.add(row.toArray(String[]::new));
        int[] width = new int[head.size()];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? InfoCommand.pad(r[i], width[i]) : InfoCommand.padLeft(r[i], width[i]));
                b.append(i < r.length - 1 ? "  " : "");
            }
            lines.add(b.toString().stripTrailing());
        }
        return lines;
    }
}
