package netviz.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import netviz.NetvizException;
import netviz.session.Session;

/**
 * The models an executor JVM has open, one {@link Session} per model and runtime (keyed by
 * the SHA-256 of its bytes): the first task that needs a model writes the broadcast bytes to a temporary file and opens
 * it; every later task of the JVM (concurrent ones included) shares that session, whose forward
 * pass is safe to call from several threads. Sessions live as long as the JVM.
 */
public final class ExecutorModels {
    private static final Map<String, Session> OPEN = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * The session on the model whose SHA-256 is {@code sha256}, run by {@code runtime} (ort or
     * torch), opened from {@code bytes} (asked only the first time, e.g. a broadcast variable's value)
     * under the file name {@code name}.
     */
    public static Session session(String sha256, String runtime, String name, Supplier<byte[]> bytes) {
        return OPEN.computeIfAbsent(sha256 + "/" + runtime, k -> open(sha256, runtime, name, bytes.get()));
    }

    private static Session open(String sha256, String runtime, String name, byte[] bytes) {
        String actual = sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new NetvizException("the model bytes sent to this executor have SHA-256 " + actual
                    + ", not the driver's " + sha256);
        }
        try {
            Path dir = Files.createTempDirectory("netviz-model-");
            Path file = dir.resolve(name);
            Files.write(file, bytes);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return Session.builder(file).runtime(runtime).build();
        } catch (IOException e) {
            throw new NetvizException("cannot write the model to a temporary file on this executor: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of {@code bytes}, in hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
