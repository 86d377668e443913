package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import netviz.engine.BackwardRule;
import netviz.engine.BackwardRules;
import netviz.engine.Gradients;
import netviz.engine.Interpreter;

/**
 * The gradient of a target with respect to the input computed with the rule-based backward pass
 * of the {@link Interpreter}, where every Relu's backward rule is replaced. The override lives in
 * the {@link BackwardRules} value passed to that one call, so it can never outlive it.
 */
abstract class ReluRuleGradient implements Attribution {
    final Interpreter interpreter;
    private final BackwardRules rules;

    ReluRuleGradient(Interpreter interpreter, BackwardRule relu) {
        this(interpreter, BackwardRules.none().with("Relu", relu));
    }

    /** With the given overrides (Relu's and any other activation's). */
    ReluRuleGradient(Interpreter interpreter, BackwardRules rules) {
        this.interpreter = interpreter;
        this.rules = rules;
    }

    /**
     * @return the modified gradient, shape (N, C, H, W) like the input
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        int[] s = BatchArrays.nchw(inputs, name());
        try (NDManager scope = interpreter.newScope()) {
            String in = interpreter.inputName();
            AtomicReference<Selection> used = new AtomicReference<>();
            Gradients g = interpreter.backward(scope, Map.of(in, inputs),
                    target.objective(interpreter.graph(), used::set), List.of(in), rules);
            BatchArrays.finiteScore(g.objective(), name(), used.get());
            return BatchArrays.finite(new Attributions(BatchArrays.floats(g.wrt(in)), new long[] {s[0], s[1], s[2], s[3]},
                    used.get()), name(), "the modified gradient");
        }
    }

    /** The rules used (for inspection and tests). */
    BackwardRules rules() {
        return rules;
    }
}
