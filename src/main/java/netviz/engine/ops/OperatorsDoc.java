package netviz.engine.ops;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the operator support matrix (OPERATORS.md at the repository root) from the registry's
 * rows: one line per (operator, opset range) with its restrictions, in the spirit of onnx2torch's
 * operators.md. {@code OperatorsDocTest} fails when the committed file differs from
 * {@link #markdown(List)} of {@link OpRegistry#all()}, so the matrix cannot drift from the code.
 */
public final class OperatorsDoc {
    private OperatorsDoc() {
    }

    /** The command that regenerates the file. */
    public static final String REGENERATE =
            "mvn -o -q -B test -Dtest=OperatorsDocTest -Dnetviz.updateDocs=true";

    /** The Markdown text of the support matrix for {@code rows} (as {@link OpRegistry#all()} orders them). */
    public static String markdown(List<OpDef> rows) {
        Set<String> ops = new LinkedHashSet<>();
        rows.forEach(r -> ops.add((r.domain().isEmpty() ? "" : r.domain() + ".") + r.opType()));
        StringBuilder b = new StringBuilder();
        b.append("# Supported ONNX operators\n\n");
        b.append("Generated from netviz's operator registry (`netviz.engine.ops.OpRegistry`); do not edit by hand.\n");
        b.append("`OperatorsDocTest` fails when this file and the registry disagree; regenerate it with\n");
        b.append("`").append(REGENERATE).append("`.\n\n");
        b.append("netviz accepts models importing the default ONNX domain at opsets ").append(OpRegistry.MIN_OPSET)
                .append(" to ").append(OpRegistry.MAX_OPSET).append(". A node is supported when its operator has a row\n");
        b.append("whose opset range covers the opset the model imports; anything else is rejected before anything runs\n");
        b.append("(classify, forward and every method), with an error naming the node, the operator, the opset and the\n");
        b.append("supported ranges. `netviz info` still lists such a model's nodes and says why it measured no shapes.\n");
        b.append("All floating-point operators run in float32 (or float64 for exact checks) and are differentiable\n");
        b.append("through PyTorch autograd unless a note says otherwise. Conformance: the official ONNX backend node\n");
        b.append("tests under `src/test/resources/onnx-node` (run by `NodeConformanceTest`).\n\n");
        b.append(ops.size()).append(" operators, ").append(rows.size()).append(" rows.\n\n");
        b.append("| Operator | Opsets | Notes |\n");
        b.append("|---|---|---|\n");
        for (OpDef r : rows) {
            String name = (r.domain().isEmpty() ? "" : r.domain() + ".") + r.opType();
            b.append("| ").append(name).append(" | ").append(r.range()).append(" | ")
                    .append(r.notes().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        return b.toString();
    }
}
