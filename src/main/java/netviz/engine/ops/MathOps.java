package netviz.engine.ops;

/** Registry rows of one operator family (see {@link OpRegistry}). */
final class MathOps {
    private MathOps() {
    }

    static void register(OpRegistry r) {
        r.add("Relu", 1, 22, Relu::new);
        r.add("Add", 7, 22, Add::new);
    }
}
