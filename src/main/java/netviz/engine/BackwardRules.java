package netviz.engine;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-operator overrides of the backward rule, immutable: {@code BackwardRules.none().with("Relu",
 * guided)}. They are passed to one {@link Interpreter#backward} call and apply to that call only,
 * so an override can never outlive its scope or leak into another thread's request. Operators
 * without an override use the exact vector-Jacobian product from autograd.
 */
public final class BackwardRules {
    private static final BackwardRules NONE = new BackwardRules(Map.of());

    private final Map<String, BackwardRule> overrides;

    private BackwardRules(Map<String, BackwardRule> overrides) {
        this.overrides = Collections.unmodifiableMap(overrides);
    }

    /** No override: the rule-based pass then equals the autograd gradient. */
    public static BackwardRules none() {
        return NONE;
    }

    /** A copy where operator {@code opType} (e.g. "Relu") uses {@code rule}. */
    public BackwardRules with(String opType, BackwardRule rule) {
        Map<String, BackwardRule> m = new HashMap<>(overrides);
        m.put(opType, rule);
        return new BackwardRules(m);
    }

    /** The override for an operator, or null to use autograd's. */
    public BackwardRule ruleFor(String opType) {
        return overrides.get(opType);
    }

    public boolean isEmpty() {
        return overrides.isEmpty();
    }

    @Override
    public String toString() {
        return "BackwardRules" + overrides.keySet();
    }
}
