package netviz.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.data.Labels;
import netviz.methods.evaluation.Classifier;
import netviz.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netviz classify}: the most probable classes of an image (or of each example of a .npy batch). */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Print the top classes of an image with their names and probabilities.",
                "Probabilities are the model's own when it ends in Softmax (or LogSoftmax), else the softmax of its "
                        + "logits. Names come from --labels, else the model's metadata, else ImageNet's for 1000 outputs."})
public final class ClassifyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Option(names = {"-k", "--top"}, paramLabel = "K", defaultValue = "5", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line.")
    Path labelsFile;

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    /** One ranked class. */
    public record Ranked(int rank, int index, String label, double probability, float output) {
    }

    /** The ranking of one example. */
    public record Example(String input, int example, List<Ranked> top) {
    }

    @Override
    public void run() {
        Limits.check("--top", top, 1, Limits.MAX_LIST);
        input.require();
        Classifier.Prediction p;
        Labels labels;
        try (Session s = model.session().labels(labelsFile).build(); NDManager scope = s.forward().newScope()) {
            p = new Classifier(s.forward()).predict(scope, input.array(scope, s.graph()));
            labels = s.labels();
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            List<Ranked> ranked = new ArrayList<>();
            int[] best = p.topK(i, top);
            for (int r = 0; r < best.length; r++) {
                int c = best[r];
                ranked.add(new Ranked(r + 1, c, labels.name(c), p.probabilities()[i][c], p.outputs()[i][c]));
            }
            examples.add(new Example(input.path().toString(), i, ranked));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.path().toString());
            doc.put("scores", p.scores().name().toLowerCase(Locale.ROOT));
            doc.put("labels", labels.source());
            doc.put("examples", examples);
            OutputOptions.printJson(w, doc);
            return;
        }
        int nw = examples.stream().flatMap(e -> e.top().stream()).mapToInt(r -> r.label().length()).max().orElse(5);
        for (Example e : examples) {
            w.println(e.input() + (p.size() > 1 ? " [" + e.example() + "]" : "") + "  (" + model.displayName() + ")");
            for (Ranked r : e.top()) {
                w.printf(Locale.ROOT, "  %d. %s  %7.3f%%  (class %d)%n", r.rank(), InfoCommand.pad(r.label(), nw),
                        100 * r.probability(), r.index());
            }
        }
        w.flush();
    }
}
