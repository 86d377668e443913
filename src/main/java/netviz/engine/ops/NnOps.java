package netviz.engine.ops;

/** Registry rows of one operator family (see {@link OpRegistry}). */
final class NnOps {
    private NnOps() {
    }

    static void register(OpRegistry r) {
    }
}
