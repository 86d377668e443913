package netviz.engine.backend;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The child process of the backend check: runs {@link KernelChecks#full} on one {@link Route} and
 * prints one tab-separated line per check ({@code check<TAB>name<TAB>error<TAB>tolerance}) and a
 * final {@code done} line. The parent sets {@code ONEDNN_MAX_CPU_ISA} in the child's environment; a
 * kernel that crashes kills only this process, and the parent records the route as failed.
 * Usage: {@code java -cp … netviz.engine.backend.KernelProbe ROUTE}.
 */
public final class KernelProbe {
    private KernelProbe() {
    }

    public static void main(String[] args) {
        System.setProperty(Backend.PROBE_PROPERTY, "true");
        Route route = Route.parse(args[0]);
        Engine engine = Engine.getEngine("PyTorch");
        if (!route.onednn() && !NativeLibs.setOnednnEnabled(false)) {
            System.out.println("error\tcould not switch oneDNN off");
            System.exit(3);
        }
        Backend.setOnednnState(route.onednn());
        try (NDManager m = engine.newBaseManager()) {
            // Broken kernels may read memory they should not, so a wrong answer can come and go:
            // the quick cases run twice more (and again in every process), the large ones once.
            for (int repeat = 0; repeat < 2; repeat++) {
                for (KernelCheck c : KernelChecks.quick(m)) {
                    print(new KernelCheck(c.name() + " (repeat " + (repeat + 1) + ")", c.error(), c.tolerance()));
                }
            }
            KernelChecks.full(m, new java.util.AbstractList<KernelCheck>() {
                private int size;

                @Override
                public boolean add(KernelCheck c) {
                    print(c);
                    size++;
                    return true;
                }

                @Override
                public KernelCheck get(int index) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int size() {
                    return size;
                }
            });
        }
        System.out.println("done");
        System.out.flush();
        System.exit(0);
    }

    /** Prints one check; the first wrong one ends the probe (the route has failed, the rest would cost time). */
    private static void print(KernelCheck c) {
        System.out.println("check\t" + c.name() + "\t" + c.error() + "\t" + c.tolerance());
        if (!c.passed()) {
            System.out.println("done");
            System.out.flush();
            System.exit(0);
        }
        System.out.flush();
    }
}
