package netviz.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.engine.Graph;
import netviz.engine.ModelSummary;
import netviz.engine.ModelView;
import netviz.methods.attribution.ScoreTensor;
import netviz.engine.ModelSummary.Layer;
import netviz.engine.ModelSummary.Port;
import netviz.engine.ModelSummary.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code netviz info}: what a model is made of, layer by layer (see {@link ModelSummary}). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show a model's inputs, outputs, opsets and metadata, and every node in order with its "
                + "output shapes, parameter count and multiply-adds.",
                "Shapes are measured by running the model once on zeros of the declared input size "
                        + "(symbolic batch = 1) or of --input-shape."})
public final class InfoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--input-shape", split = ",", paramLabel = "D",
            description = "Concrete input shape to measure with, e.g. 1,3,224,224.")
    long[] inputShape;

    @Option(names = "--json", description = "Print the summary as JSON (for scripts).")
    boolean json;

    @Override
    public void run() {
        // the model as the file holds it; what netviz makes of it (classifier output, layout) beside it
        Summary s = ModelSummary.of(model.rawGraph(), inputShape);
        Graph view = model.graph();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.path().toString());
            doc.put("classifierOutput", view.outputs().get(0).name());
            doc.put("auxiliaryOutputs", ModelView.auxiliaryOutputs(view));
            doc.put("layout", ModelView.isTransposed(view) ? "nhwc" : "nchw");
            doc.put("score", ScoreTensor.find(view));
            doc.put("batchNote", batchNote(view));
            doc.put("summary", s);
            doc.put("backend", netviz.engine.backend.Backend.report().toMap());
            doc.put("multiplyAddsCounted", "Conv: |Y|*prod(W.shape[1:]); ConvTranspose: |X|*prod(W.shape[1:]); "
                    + "Gemm and MatMul: |Y|*K");
            OutputOptions.printJson(out, doc);
            return;
        }
        print(out, s, view);
        out.flush();
    }

    private void print(PrintWriter out, Summary s, Graph view) {
        out.println("model     " + model.path() + (s.graphName().isEmpty() ? "" : "  (graph '" + s.graphName() + "')"));
        List<String> ops = new ArrayList<>();
        s.opsets().forEach((d, v) -> ops.add(d + " " + v));
        out.println("opsets    " + String.join(", ", ops));
        boolean transposed = ModelView.isTransposed(view) && !ModelView.isTransposed(model.rawGraph());
        for (Port p : s.inputs()) {
            out.println("input     " + p.name() + "  " + (p.type() == null ? "" : p.type() + " ") + p.shape()
                    + (transposed && p.name().equals(view.inputs().get(0).name())
                    ? "  (channels-last: netviz feeds it NCHW " + view.inputs().get(0).shapeString() + ")" : ""));
        }
        String batch = batchNote(view);
        if (batch != null) {
            out.println("batch     " + batch);
        }
        String classifier = view.outputs().get(0).name();
        for (Port p : s.outputs()) {
            out.println("output    " + p.name() + "  " + (p.type() == null ? "" : p.type() + " ") + p.shape()
                    + (s.outputs().size() < 2 ? "" : p.name().equals(classifier) ? "  (classifier)"
                    : "  (auxiliary, ignored; --output " + p.name() + " explains it)"));
        }
        String score = ScoreTensor.find(view);
        if (!score.equals(classifier)) {
            out.println("score     " + score + "  (the logits that feed the output's softmax; --score probability"
                    + " explains the output)");
        }
        if (!s.metadata().isEmpty()) {
            out.println("metadata");
            int w = s.metadata().keySet().stream().mapToInt(String::length).max().orElse(0);
            s.metadata().forEach((k, v) -> out.println("  " + pad(k, w) + "  " + abbreviate(Main.oneLine(v), 100)));
        }
        out.println();
        if (s.shapesMeasured()) {
            List<String> ins = new ArrayList<>();
            s.inputShapes().forEach((k, v) -> ins.add(k + " " + Arrays.toString(v)));
            out.println("shapes measured with " + String.join(", ", ins));
        } else {
            out.println("shapes and multiply-adds not measured: " + s.shapeProblem());
        }

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "node", "operator", "output", "shape", "params", "MACs"});
        for (Layer l : s.layers()) {
            for (int j = 0; j < Math.max(1, l.outputs().size()); j++) {
                boolean first = j == 0;
                String outName = j < l.outputs().size() ? l.outputs().get(j) : "";
                long[] shape = j < l.outputShapes().size() ? l.outputShapes().get(j) : null;
                rows.add(new String[] {
                    first ? Integer.toString(l.index()) : "",
                    first ? l.name() : "",
                    first ? l.operator() : "",
                    outName,
                    shape == null ? "" : Arrays.toString(shape),
                    first && l.parameters() > 0 ? group(l.parameters()) : "",
                    first && l.multiplyAdds() > 0 ? group(l.multiplyAdds()) : ""});
            }
        }
        int[] w = new int[7];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], Math.min(r[i].length(), i == 1 || i == 3 ? 40 : 200));
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean right = i == 0 || i == 5 || i == 6;
                String c = i == 1 || i == 3 ? abbreviate(r[i], 40) : r[i];
                b.append(right ? padLeft(c, w[i]) : pad(c, w[i])).append("  ");
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
        List<String> opCounts = new ArrayList<>();
        s.operators().forEach((k, v) -> opCounts.add(k + " " + v));
        out.println("nodes          " + s.layers().size() + " (" + String.join(", ", opCounts) + ")");
        out.println("parameters     " + group(s.parameters()) + "  (" + human(s.parameters()) + ")");
        if (s.shapesMeasured()) {
            out.println("multiply-adds  " + group(s.multiplyAdds()) + "  (" + human(s.multiplyAdds())
                    + ", for the shape above; Conv |Y|·∏W.shape[1:], ConvTranspose |X|·∏W.shape[1:],"
                    + " Gemm/MatMul |Y|·K)");
        }
    }

    /** A line for a model that fixes its batch (in its input, or in a Reshape behind a free input), else null. */
    static String batchNote(Graph g) {
        long fixed = g.inputs().isEmpty() || !g.inputs().get(0).hasShape() || g.inputs().get(0).dims().length == 0
                ? -1 : g.inputs().get(0).dims()[0];
        if (fixed > 0) {
            return "fixed to " + fixed + " by the input; netviz runs any number of images in passes of " + fixed;
        }
        int hard = netviz.engine.Interpreter.hardCodedBatch(g);
        if (hard > 0) {
            return "written into the graph as " + hard + " (a Reshape to [" + hard + ", ...]); netviz runs any number of"
                    + " images in passes of " + hard;
        }
        return null;
    }

    static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String human(long v) {
        if (v >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", v / 1e9);
        }
        if (v >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return Long.toString(v);
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }
}
