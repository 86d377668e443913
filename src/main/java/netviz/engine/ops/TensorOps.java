package netviz.engine.ops;

/** Registry rows of one operator family (see {@link OpRegistry}). */
final class TensorOps {
    private TensorOps() {
    }

    static void register(OpRegistry r) {
    }
}
