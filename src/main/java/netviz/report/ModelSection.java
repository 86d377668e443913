package netviz.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netviz.engine.ModelSummary;
import netviz.session.Session;

/** The model, layer by layer ({@link ModelSummary}): operators, measured output shapes, parameters, multiply-adds. */
final class ModelSection implements ReportSection {
    @Override
    public String id() {
        return "model";
    }

    @Override
    public String title() {
        return "The model";
    }

    @Override
    public void render(ReportContext ctx) {
        Session session = ctx.session();
        ModelSummary.Summary s = session.summary();
        StringBuilder io = new StringBuilder();
        for (ModelSummary.Port p : s.inputs()) {
            io.append("input ").append(p.name()).append(' ').append(p.shape()).append("; ");
        }
        for (ModelSummary.Port p : s.outputs()) {
            io.append("output ").append(p.name()).append(' ').append(p.shape()).append("; ");
        }
        ctx.paragraph(String.format(Locale.ROOT, "%d nodes, %,d parameters, %,d multiply-adds per image. %s"
                        + "Class names: %s. Preprocessing: %s.", s.layers().size(), s.parameters(), s.multiplyAdds(),
                io, session.hasClassNames() ? String.join(", ", session.labels().names()) : "none recorded",
                session.preprocessing().describe()));
        List<List<String>> rows = new ArrayList<>();
        for (ModelSummary.Layer l : s.layers()) {
            List<String> shapes = new ArrayList<>();
            for (long[] sh : l.outputShapes()) {
                shapes.add(sh == null ? "?" : Arrays.toString(sh));
            }
            rows.add(List.of(Integer.toString(l.index()), l.name(), l.operator(), String.join(" ", l.outputs()),
                    String.join(" ", shapes), l.parameters() == 0 ? "" : String.format(Locale.ROOT, "%,d", l.parameters()),
                    l.multiplyAdds() == 0 ? "" : String.format(Locale.ROOT, "%,d", l.multiplyAdds())));
        }
        String measured = s.shapesMeasured() ? "measured by running the model once on zeros of shape "
                + s.inputShapes().values().stream().map(Arrays::toString).findFirst().orElse("?")
                : "not measured (" + s.shapeProblem() + ")";
        ctx.table(List.of("#", "node", "operator", "output", "output shape", "parameters", "multiply-adds"), rows,
                "Every node in execution order with its output tensor, output shape (" + measured
                        + "), its parameters and multiply-adds. Layer names in the commands below are these node or "
                        + "tensor names.", ctx.command("info"));
    }
}
