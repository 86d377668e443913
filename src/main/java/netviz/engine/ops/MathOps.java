package netviz.engine.ops;

/**
 * Registry rows of the element-wise math, activation, comparison and reduction operators (see
 * {@link OpRegistry}). A row spans the opsets over which the implementation is exact; where an
 * operator changed meaning (Clip's bounds, the reductions' axes) there is one row per meaning,
 * served by one class that reads the opset.
 */
final class MathOps {
    private MathOps() {
    }

    private static final String LEGACY = "opsets 1-6: legacy broadcast/axis attributes";
    private static final String REDUCE_ATTR = "axes attribute";
    private static final String REDUCE_INPUT = "axes input, noop_with_empty_axes";

    static void register(OpRegistry r) {
        // arithmetic
        r.add("Add", 1, 22, Add::new, LEGACY);
        r.add("Sub", 1, 22, Sub::new, LEGACY);
        r.add("Mul", 1, 22, Mul::new, LEGACY);
        r.add("Div", 1, 22, Div::new, LEGACY + "; integer division truncates (exact below 2^53)");
        r.add("Pow", 1, 22, Pow::new, LEGACY + "; result has the base's type");
        r.add("Sqrt", 1, 22, Sqrt::new);
        r.add("Exp", 1, 22, Exp::new);
        r.add("Log", 1, 22, Log::new);
        r.add("Neg", 1, 22, Neg::new);
        r.add("Abs", 1, 22, Abs::new);
        r.add("Reciprocal", 1, 22, Reciprocal::new);
        r.add("Floor", 1, 22, Floor::new);
        r.add("Ceil", 1, 22, Ceil::new);
        r.add("Erf", 9, 22, Erf::new);
        r.add("Mod", 10, 22, Mod::new, "fmod=0 (integers): the divisor's sign; fmod=1: the dividend's sign");
        r.add("Sum", 1, 22, Sum::new);
        r.add("Mean", 1, 22, Mean::new);
        r.add("Max", 1, 22, Max::new);
        r.add("Min", 1, 22, Min::new);
        // activations
        r.add("Relu", 1, 22, Relu::new);
        r.add("LeakyRelu", 1, 22, LeakyRelu::new);
        r.add("PRelu", 7, 22, PRelu::new, "slope broadcast to X (unidirectional)");
        r.add("Elu", 1, 22, Elu::new);
        r.add("Selu", 1, 22, Selu::new);
        r.add("Sigmoid", 1, 22, Sigmoid::new);
        r.add("Tanh", 1, 22, Tanh::new);
        r.add("Softplus", 1, 22, Softplus::new);
        r.add("HardSigmoid", 1, 22, HardSigmoid::new);
        r.add("HardSwish", 14, 22, HardSwish::new);
        r.add("Gelu", 20, 22, Gelu::new, "approximate none (erf) or tanh");
        r.add("Clip", 1, 10, Clip::new, "min/max attributes");
        r.add("Clip", 11, 22, Clip::new, "min/max inputs");
        // comparisons and logic
        r.add("Equal", 1, 22, Equal::new, LEGACY);
        r.add("Greater", 1, 22, Greater::new, LEGACY);
        r.add("Less", 1, 22, Less::new, LEGACY);
        r.add("GreaterOrEqual", 12, 22, GreaterOrEqual::new);
        r.add("LessOrEqual", 12, 22, LessOrEqual::new);
        r.add("And", 1, 22, And::new, LEGACY);
        r.add("Or", 1, 22, Or::new, LEGACY);
        r.add("Xor", 1, 22, Xor::new, LEGACY);
        r.add("Not", 1, 22, Not::new);
        r.add("Where", 9, 22, Where::new);
        // reductions
        r.add("ReduceSum", 1, 12, ReduceSum::new, REDUCE_ATTR);
        r.add("ReduceSum", 13, 22, ReduceSum::new, REDUCE_INPUT);
        reduce(r, "ReduceMean", ReduceMean::new);
        reduce(r, "ReduceMax", ReduceMax::new);
        reduce(r, "ReduceMin", ReduceMin::new);
        reduce(r, "ReduceProd", ReduceProd::new);
        reduce(r, "ReduceL1", ReduceL1::new);
        reduce(r, "ReduceL2", ReduceL2::new);
        reduce(r, "ReduceSumSquare", ReduceSumSquare::new);
        reduce(r, "ReduceLogSum", ReduceLogSum::new);
        reduce(r, "ReduceLogSumExp", ReduceLogSumExp::new);
        r.add("ArgMax", 1, 22, ArgMax::new, "select_last_index (12+)");
        r.add("ArgMin", 1, 22, ArgMin::new, "select_last_index (12+)");
    }

    private static void reduce(OpRegistry r, String op, OpFactory f) {
        r.add(op, 1, 17, f, REDUCE_ATTR);
        r.add(op, 18, 22, f, REDUCE_INPUT);
    }
}
