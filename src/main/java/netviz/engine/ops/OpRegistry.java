package netviz.engine.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * The one table of supported operators, keyed by (domain, operator, opset range). The families
 * below each add their rows; a duplicate or overlapping row is rejected when the table is built.
 * {@link #resolve} picks the row whose range covers the model's opset, and its error names the
 * node, the operator, the opset and the versions that are supported.
 */
public final class OpRegistry {
    /** Highest default-domain opset netviz accepts. */
    public static final int MAX_OPSET = 22;
    /** Lowest default-domain opset netviz accepts. */
    public static final int MIN_OPSET = 1;

    private static final OpRegistry DEFAULT = new OpRegistry();

    private final Map<String, List<OpDef>> table = new TreeMap<>();

    private OpRegistry() {
        NnOps.register(this);
        TensorOps.register(this);
        MathOps.register(this);
        Quantized.register(this);
    }

    public static OpRegistry get() {
        return DEFAULT;
    }

    private static String key(String domain, String op) {
        return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + op;
    }

    /** Adds one row. */
    public void add(String opType, int since, int until, OpFactory factory, String notes) {
        add(new OpDef("", opType, since, until, factory, notes));
    }

    /** Adds one row with no restriction notes. */
    public void add(String opType, int since, int until, OpFactory factory) {
        add(opType, since, until, factory, "");
    }

    public void add(OpDef def) {
        List<OpDef> rows = table.computeIfAbsent(key(def.domain(), def.opType()), k -> new ArrayList<>());
        for (OpDef r : rows) {
            if (r.since() <= def.until() && def.since() <= r.until()) {
                throw new IllegalStateException("operator " + def.opType() + " registered twice for opsets "
                        + r.range() + " and " + def.range());
            }
        }
        rows.add(def);
        rows.sort(Comparator.comparingInt(OpDef::since));
    }

    /** Every row, sorted by operator then opset. */
    public List<OpDef> all() {
        List<OpDef> out = new ArrayList<>();
        table.values().forEach(out::addAll);
        return out;
    }

    public boolean supports(String domain, String opType, int opset) {
        List<OpDef> rows = table.get(key(domain, opType));
        return rows != null && rows.stream().anyMatch(r -> r.covers(opset));
    }

    /** The row for a node at the given opset of its domain. */
    public OpDef resolve(Node node, int opset) {
        List<OpDef> rows = table.get(key(node.domain(), node.opType()));
        String where = "node '" + node.label() + "': operator " + (node.domain().isEmpty() ? "" : node.domain() + ".")
                + node.opType();
        if (rows == null) {
            throw new UnsupportedOperatorException(where + " is not supported (opset " + opset
                    + "); supported operators: " + table.keySet().stream()
                    .map(k -> k.substring(k.indexOf("::") + 2)).collect(Collectors.joining(", ")));
        }
        for (OpDef r : rows) {
            if (r.covers(opset)) {
                return r;
            }
        }
        throw new UnsupportedOperatorException(where + " is not supported at opset " + opset
                + "; supported opsets: " + rows.stream().map(OpDef::range).collect(Collectors.joining(", ")));
    }

    /** Creates the op for a node (resolving by opset, then reading its attributes). */
    public Op create(Node node, int opset) {
        return resolve(node, opset).factory().create(node, opset);
    }
}
