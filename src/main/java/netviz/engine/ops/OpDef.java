package netviz.engine.ops;

/**
 * One registry row: operator {@code opType} of {@code domain} is implemented for opsets
 * {@code since} through {@code until} (inclusive) by {@code factory}. {@code notes} states any
 * restriction users should know (it is printed in OPERATORS.md).
 */
public record OpDef(String domain, String opType, int since, int until, OpFactory factory, String notes) {
    public OpDef {
        if (since > until) {
            throw new IllegalArgumentException(opType + ": since " + since + " > until " + until);
        }
    }

    public boolean covers(int opset) {
        return opset >= since && opset <= until;
    }

    public String range() {
        return since == until ? Integer.toString(since) : since + "-" + until;
    }
}
