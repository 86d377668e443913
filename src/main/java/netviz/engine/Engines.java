package netviz.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts DJL's PyTorch engine the netviz way: offline (the native library comes from the
 * pytorch-native-cpu jar, never from a download), quiet (no CUDA-detection warnings), and asked
 * for by name so that no other engine on the classpath is picked.
 */
public final class Engines {
    static {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.pytorch.jni.LibUtils", "warn");
    }

    private Engines() {
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * The PyTorch engine (started on first use), after the {@link netviz.engine.backend.Backend backend
     * guard} has chosen a safe route for this machine's kernels and confirmed it.
     */
    public static Engine pytorch() {
        netviz.engine.backend.Backend.ensure();
        return Engine.getEngine("PyTorch");
    }

    /** A new top-level manager on the PyTorch engine; the caller closes it. */
    public static NDManager newBaseManager() {
        return pytorch().newBaseManager();
    }
}
